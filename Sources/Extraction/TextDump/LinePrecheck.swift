#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The byte-level side of `LineClassifier`: which string rules can fire on a line, decided on its
/// lower-cased bytes, and the rules (captions, datelines, promotions) decided there outright.
/// Most lines of a dump never become strings.
extension LineClassifier {
    /// The kind of line `i` of a dump. The string rules of `classify(_:)` run only when a byte-level
    /// pre-check says one of them can fire (most lines are plain text and never become strings);
    /// long lines are only checked for the patterns that can be long (copyright notices, captions).
    static func classify(_ lines: DumpLines, _ i: Int) -> LineKind {
        var scratch: [UInt8] = []
        return classify(lines, i, scratch: &scratch)
    }

    /// `classify(_:_:)` with a buffer reused from line to line for the lower-cased bytes.
    static func classify(_ lines: DumpLines, _ i: Int, scratch lower: inout [UInt8]) -> LineKind {
        let b = lines[i]
        if b.count > 200 {
            if b.last == 0x29 /* ) */ && isCaption(Array(b.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 })) { return .caption }
            if b.starts(with: [0xC2, 0xA9]) || b.prefix(9).map({ $0 | 0x20 }).elementsEqual(copyrightBytes) { return .stop }
            return .text
        }
        lower.removeAll(keepingCapacity: true)
        lower.append(contentsOf: b)
        lower.withUnsafeMutableBufferPointer { l in
            for k in l.indices where l[k] >= 0x41 && l[k] <= 0x5A { l[k] |= 0x20 }
        }
        var rules = possibleRules(lower)
        // Captions and datelines are decided on the bytes.
        if rules.contains(.caption) && !rules.contains(.phrase) && !rules.contains(.copyright) && !rules.contains(.promo) && !rules.contains(.comments) && !rules.contains(.byline) && !rules.contains(.relativeTime) && !rules.contains(.bullet) {
            if isCaption(lower) { return .caption }
            rules.remove(.caption)
        }
        if rules == .dateline { return .dateline(datelinePhrase(b, lower)) }
        if rules.isEmpty { return .text }
        if rules == .promo { return .promo }
        return classify(lines.string(i), rules: rules.subtracting(.promo).union(rules.contains(.promo) ? .promoCheck : []))
    }

    static let captionCredits = bytes(["photo", "image", "getty", "reuters", "afp", "ap/", "/ap", "epa", "shutterstock", "credit", "pool"])
    static let captionLabels = bytes(["photo:", "image:", "photo by ", "credit:"])

    /// `isCaption` on lower-cased bytes.
    static func isCaption(_ lower: [UInt8]) -> Bool {
        if captionLabels.contains(where: { lower.starts(with: $0) }) { return true }
        guard lower.last == 0x29, let open = lower.lastIndex(of: 0x28) else { return false }
        let credit = Array(lower[open...])
        return captionCredits.contains { contains(credit, $0) }
    }

    static let datelineLabels = bytes(["published:", "published", "updated:", "updated", "posted:", "posted", "date:", "on"])
    static let readBytes = Array("read".utf8)

    /// The date phrase of a line that passed `isDateline` (nil for a reading time such as "2 min read").
    static func datelinePhrase(_ b: ArraySlice<UInt8>, _ lower: [UInt8]) -> String? {
        if lower.split(separator: 0x20).contains(where: { $0.elementsEqual(readBytes) }) { return nil }
        var start = 0
        for label in datelineLabels {
            let rest = lower[start...]
            if rest.starts(with: label), rest.count == label.count || rest[start + label.count] == 0x20 {
                start += label.count
                while start < lower.count, lower[start] == 0x20 { start += 1 }
            }
        }
        return String(decoding: b.dropFirst(start), as: UTF8.self)
    }

    static let copyrightBytes = Array("copyright".utf8)
    /// FNV-1a hashes of the boilerplate phrases (a hit is confirmed on the string).
    static let phraseHashes: Set<UInt64> = Set((skipLines.union(stopLines).union(endLines)).map { fnv(Array($0.utf8)[...]) })
    static func bytes(_ list: [String]) -> [[UInt8]] { list.map { Array($0.utf8) } }
    static let copyrightPrefixes = bytes(["©", "(c) ", "copyright"])
    static let phrasePrefixBytes = bytes(endPrefixes + promoPrefixes)
    static let bylineBytes = bytes(bylinePrefixes)
    static let timeSuffixes = bytes([" ago", "yesterday", "just now"])
    static let captionPrefixes = bytes(["photo", "image:", "credit:"])
    static let bulletPrefixes = bytes(["•", "·"])
    static let rightsReserved = Array("all rights reserved".utf8)
    static let commentsBytes = Array("comments".utf8)
    static let logoSuffix = Array(" logo".utf8)
    static let logoPrefix = Array("logo ".utf8)
    static let datewordHashes: Set<UInt64> = Set(dateWords.map { fnv(Array($0.utf8)[...]) })
    static let appBytes = Array("app".utf8)
    static let aiBytes = Array(" ai ".utf8)
    static let promoStarts = bytes(["sign up", "subscribe", "explore what", "get started"])

    @inline(__always) static func fnv(_ b: ArraySlice<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for c in b { h = (h ^ UInt64(c)) &* 0x100_0000_01b3 }
        return h
    }

    /// The rule families of `classify(_:rules:)` that may match the line (a superset test on
    /// lower-cased bytes; promotions are decided here). `lower` receives the lower-cased line.
    static func possibleRules(_ lower: [UInt8]) -> Rules {
        var digits = false, spaces = 0
        for c in lower {
            if c >= 0x30 && c <= 0x39 { digits = true } else if c == 0x20 { spaces += 1 }
        }
        let n = lower.count
        var r: Rules = []
        if digits && n <= 100 && spaces < 16 && isDateline(lower) { r.insert(.dateline) }
        // One pass for the infixes "all rights reserved", "app" and " ai ".
        var rights = false, appOrAI = false
        if let first = lower.firstIndex(of: 0x61) {
            for k in first..<n where lower[k] == 0x61 {
                if k + 2 < n, lower[k + 1] == 0x70, lower[k + 2] == 0x70 { appOrAI = true }
                else if k > 0, k + 2 < n, lower[k - 1] == 0x20, lower[k + 1] == 0x69, lower[k + 2] == 0x20 { appOrAI = true }
                else if k + rightsReserved.count <= n, lower[k + 1] == 0x6C, lower[k..<(k + rightsReserved.count)].elementsEqual(rightsReserved) { rights = true }
            }
        }
        // Prefix rules, looked up by the first byte of the line.
        if let f = lower.first {
            for (p, rule) in prefixIndex[Int(f)] where hasPrefix(lower, p) {
                if rule == .promo { if spaces < 30 && isPromo(lower) { r.insert(.promo) } } else { r.insert(rule) }
            }
        }
        if rights { r.insert(.copyright) }
        if spaces < 30 && appOrAI && !r.contains(.promo) && isPromo(lower) { r.insert(.promo) }
        for p in timeSuffixes where n >= p.count && lower[(n - p.count)...].elementsEqual(p) { r.insert(.relativeTime) }
        if lower.last == 0x29 { r.insert(.caption) }
        var s = 0, e = n
        while s < e, lower[s] == 0x3A || lower[s] == 0x2E || lower[s] == 0x21 { s += 1 }
        while e > s, lower[e - 1] == 0x3A || lower[e - 1] == 0x2E || lower[e - 1] == 0x21 { e -= 1 }
        if (e - s <= 40 && phraseHashes.contains(fnv(lower[s..<e]))) || (n >= 5 && lower[(n - 5)...].elementsEqual(logoSuffix)) { r.insert(.phrase) }
        return r
    }

    /// Every prefix rule (byte prefix and the rule family it triggers), bucketed by first byte.
    static let prefixIndex: [[([UInt8], Rules)]] = {
        var groups: [([[UInt8]], Rules)] = [
            (copyrightPrefixes, .copyright), (promoStarts, .promo), ([commentsBytes], .comments), (bylineBytes, .byline),
            (bulletPrefixes, .bullet), (captionPrefixes, .caption), (phrasePrefixBytes, .phrase), ([logoPrefix], .phrase),
        ]
        var index = [[([UInt8], Rules)]](repeating: [], count: 256)
        for (list, rule) in groups { for p in list where !p.isEmpty { index[Int(p[0])].append((p, rule)) } }
        groups.removeAll()
        return index
    }()

    @inline(__always) static func hasPrefix(_ a: [UInt8], _ p: [UInt8]) -> Bool {
        guard a.count >= p.count else { return false }
        return a.withUnsafeBufferPointer { x in p.withUnsafeBufferPointer { y in memcmp(x.baseAddress!, y.baseAddress!, y.count) == 0 } }
    }

    /// The byte form of the word test of `dateline(_:)`: three quarters of the words are numbers
    /// or date words.
    static func isDateline(_ lower: [UInt8]) -> Bool {
        @inline(__always) func isTrim(_ c: UInt8) -> Bool {
            c == 0x2C || c == 0x2E || c == 0x3A || c == 0x3B || c == 0x28 || c == 0x29 || c == 0x5B || c == 0x5D
        }
        var words = 0, dateish = 0
        let n = lower.count
        var i = 0
        while i < n {
            var j = i
            while j < n, lower[j] != 0x20 { j += 1 }
            if j > i {
                words += 1
                var s = i, e = j
                while s < e, isTrim(lower[s]) { s += 1 }
                while e > s, isTrim(lower[e - 1]) { e -= 1 }
                var digit = false
                for k in s..<e where lower[k] >= 0x30 && lower[k] <= 0x39 { digit = true; break }
                if s == e || digit || datewordHashes.contains(fnv(lower[s..<e])) { dateish += 1 }
                // Past a quarter of non-date words it cannot pass.
                if (words - dateish) * 4 > 16 { return false }
            }
            i = j + 1
        }
        return words > 0 && dateish * 4 >= words * 3
    }

    static func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let f = needle.first, hay.count >= needle.count else { return false }
        var i = 0
        let last = hay.count - needle.count
        while i <= last {
            if hay[i] == f && hay[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}
