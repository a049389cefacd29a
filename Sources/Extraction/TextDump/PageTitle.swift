/// The page title of a dump and where the headline recurs in it.
///
/// Headless dumps start with the document's `<title>` ("Headline | Section | Site"); browser copies
/// often start with a logo or a menu. The first line is trusted as the page title only when it
/// recurs, when a later line is its headline part, or when it carries a site-name separator; its
/// site part is cut the way article readers cut it (the last " | " / " - " / " » " part, or the text
/// after a colon when no line repeats the whole).
struct PageTitle: Sendable {
    /// The title text.
    var text: String
    /// Lines (after the first) that print the headline.
    var occurrences: [Int]

    static let separators: Set<Character> = ["|", "-", "–", "—", "\\", "/", ">", "»", "·", ":", "✩", "•"]
    static let cutSeparators: Set<Character> = ["|", "-", "–", "—", "\\", "/", ">", "»"]
    static let cutScalars: Set<Unicode.Scalar> = ["|", "-", "–", "—", "\\", "/", ">", "»"]

    /// Whether `c` is in `cutScalars` (a switch: no hashing per scalar of a title).
    @inline(__always) static func isCut(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x7C, 0x2D, 0x2013, 0x2014, 0x5C, 0x2F, 0x3E, 0xBB: return true
        default: return false
        }
    }

    /// The title from the first line, or nil when the first line does not look like one.
    static func fromFirstLine(_ lines: DumpLines, _ kinds: [LineKind]) -> PageTitle? {
        guard let first = kinds.firstIndex(where: { $0 != .skip }) else { return nil }
        // The byte length first: a long first line (a paragraph) is never split into words.
        guard lines[first].count <= 300 else { return nil }
        let l0 = lines.string(first)
        let words = wordCount(l0)
        guard words >= 1, words <= 40, l0.utf8.count <= 300 else { return nil }
        let rest = first + 1
        let same = (rest..<lines.count).filter { lines.equal($0, first) }
        if !same.isEmpty { return PageTitle(text: l0, occurrences: same) }
        let cut = readabilityCut(l0, repeated: false)
        let head = headlinePart(l0, lines, from: rest)
        if let head, cut == l0 || wordCount(cut) <= 4 || cut.hasPrefix(head.text) { return head }
        // A `<title>` line the cut keeps whole ("Mozilla - Wikipedia", "Daring Fireball: Colophon"):
        // one or two separators between runs of words, not a menu of one-word links.
        guard cut != l0 else { return siteTitleSeparators(l0) ? PageTitle(text: l0, occurrences: []) : nil }
        let cutBytes = Array(cut.utf8)
        let cutOcc = (rest..<lines.count).filter { lines[$0].elementsEqual(cutBytes) }
        if cutOcc.isEmpty, head == nil, wordCount(cut) >= 4 {
            // The headline with a kicker ("Buggy Python Code: <title>"): no line prints the title
            // alone, one prints it inside a slightly longer line.
            let kicked = (rest..<lines.count).filter { holdsHeadline(lines[$0], cutBytes) }
            return PageTitle(text: cut, occurrences: kicked)
        }
        return PageTitle(text: cut, occurrences: cutOcc.isEmpty ? (head?.occurrences ?? []) : cutOcc)
    }

    /// Whether `line` prints `headline` after a short kicker or before a short tail (at most 60 more
    /// bytes), joined at a word boundary: "Kicker: <headline>", "<headline>: tail". Only the two
    /// ends are compared, so a line costs one pass however the bytes repeat.
    static func holdsHeadline(_ line: ArraySlice<UInt8>, _ headline: [UInt8]) -> Bool {
        let n = headline.count, m = line.count
        guard n > 0, m > n, m <= n + 60 else { return false }
        let s = line.startIndex
        if line[(s + m - n)...].elementsEqual(headline), line[s + m - n - 1] == 0x20 { return true }
        if line[s..<(s + n)].elementsEqual(headline), line[s + n] == 0x20 || line[s + n] == 0x3A { return true }
        return false
    }

    /// `s.split(separator: " ").count`, counted on the bytes when `s` is ASCII without CR (its
    /// characters are then its bytes; a CR LF pair is one character).
    static func wordCount(_ s: String) -> Int {
        var count = 0, inWord = false, ascii = true
        for c in s.utf8 {
            if c >= 0x80 || c == 0x0D { ascii = false; break }
            if c == 0x20 { inWord = false } else if !inWord { inWord = true; count += 1 }
        }
        return ascii ? count : s.split(separator: " ").count
    }

    /// Does `line` hold one or two " | " / " - " / ": "-style separators, each between words?
    static func siteTitleSeparators(_ line: String) -> Bool {
        let scalars = Array(line.unicodeScalars)
        var count = 0
        for k in 1..<max(1, scalars.count - 1) {
            let c = scalars[k]
            let spaced = scalars[k - 1] == " " && scalars[k + 1] == " " && isCut(c)
            let colon = c == ":" && scalars[k + 1] == " " && scalars[k - 1] != " "
            if spaced || colon { count += 1 }
        }
        return count >= 1 && count <= 2
    }

    /// The longest later line that is `l0` less a leading or trailing part after a separator (a
    /// line of one word only when it is 12 bytes or more: "Ladesäulen-Ausbau.", not a menu's "News").
    static func headlinePart(_ l0: String, _ lines: DumpLines, from: Int) -> PageTitle? {
        let l0Bytes = Array(l0.utf8)
        var best: (String, [Int])?
        for i in from..<lines.count {
            let b = lines[i]
            // A prefix of `l0` shares its first byte, a suffix its last (checked before the scan for a space).
            guard b.count >= 8, b.count < l0Bytes.count, b.first == l0Bytes.first || b.last == l0Bytes.last, b.count >= 12 || b.contains(0x20) else { continue }
            var matched = false
            // Byte-slice compares (a reversed-sequence compare is generic code, 20× slower).
            if l0Bytes[..<b.count].elementsEqual(b) {
                let tail = String(decoding: l0Bytes[b.count...], as: UTF8.self).drop(while: { $0 == " " })
                matched = tail.first.map { separators.contains($0) } ?? false
            } else if l0Bytes[(l0Bytes.count - b.count)...].elementsEqual(b) {
                let head = String(decoding: l0Bytes[..<(l0Bytes.count - b.count)], as: UTF8.self)
                matched = head.last == " " && head.dropLast().last.map { separators.contains($0) } ?? false
            }
            guard matched else { continue }
            let s = lines.string(i)
            // Occurrences are appended in place (a copy per print was quadratic in a dump that
            // prints its headline on every other line).
            if best != nil {
                if best!.0 == s { best!.1.append(i) } else if s.utf8.count > best!.0.utf8.count { best = (s, [i]) }
            } else {
                best = (s, [i])
            }
        }
        return best.map { PageTitle(text: $0.0, occurrences: $0.1) }
    }

    /// Cuts the site name off a document title (the rule of the Readability family).
    static func readabilityCut(_ title: String, repeated: Bool) -> String {
        // On Unicode scalars: Character (grapheme) operations cost far more and no separator needs them.
        let chars = Array(title.unicodeScalars)
        func words(_ s: ArraySlice<Unicode.Scalar>) -> [ArraySlice<Unicode.Scalar>] { s.split(separator: " ") }
        // Positions of " X " with X a cut separator.
        var seps: [Int] = []
        if chars.count >= 3 {
            for k in 1..<(chars.count - 1) where isCut(chars[k]) && chars[k - 1] == " " && chars[k + 1] == " " { seps.append(k) }
        }
        var cur = chars[...]
        var hierarchical = false
        if let last = seps.last, let firstSep = seps.first {
            hierarchical = seps.contains { "\\/>»".unicodeScalars.contains(chars[$0]) }
            cur = chars[..<last]
            if words(cur).count < 3 { cur = chars[(firstSep + 1)...] }
        } else if !repeated, chars.indices.dropLast().contains(where: { chars[$0] == ":" && chars[$0 + 1] == " " }), let firstColon = chars.firstIndex(of: ":"), let lastColon = chars.lastIndex(of: ":") {
            let afterLast = chars[(lastColon + 1)...]
            if words(afterLast).count < 3 {
                cur = chars[(firstColon + 1)...]
            } else {
                cur = words(chars[..<firstColon]).count > 5 ? chars[...] : afterLast
            }
        }
        let curWords = words(cur)
        let n = curWords.count
        let origWords = words(chars[...]).filter { !$0.allSatisfy { isCut($0) } }.count
        if n <= 4 && (!hierarchical || n != origWords - 1) { return title }
        // The words, one space apart, encoded straight to UTF-8 (appending scalars to a string costs more).
        var out: [UInt8] = []
        out.reserveCapacity(title.utf8.count)
        for (k, w) in curWords.enumerated() {
            if k > 0 { out.append(0x20) }
            for c in w { UTF8.encode(c) { out.append($0) } }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
