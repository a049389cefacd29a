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
        let (digits, spaces) = lowercaseASCII(&lower)
        lowercaseLatin1Capitals(&lower)
        var rules = possibleRules(lower, digits: digits, spaces: spaces, tables: precheck)
        // Captions and datelines are decided on the bytes.
        if rules.contains(.caption) && !rules.contains(.phrase) && !rules.contains(.copyright) && !rules.contains(.promo) && !rules.contains(.comments) && !rules.contains(.byline) && !rules.contains(.relativeTime) && !rules.contains(.bullet) {
            if isCaption(lower) { return .caption }
            rules.remove(.caption)
        }
        if rules == .dateline { return .dateline(datelinePhrase(b, lower)) }
        if rules.isEmpty { return .text }
        if rules == .promo { return .promo }
        let line = lines.string(i)
        // On ASCII `lowercased()` maps A–Z alone: the lower-cased bytes are the lower-cased string.
        let lowerString = lower.allSatisfy { $0 < 0x80 } ? String(decoding: lower, as: UTF8.self) : line.lowercased()
        return classify(line, lower: lowerString, rules: rules.subtracting(.promo).union(rules.contains(.promo) ? .promoCheck : []))
    }

    /// Lower-cases the Latin-1 capitals (U+00C0–U+00DE but ×) of UTF-8 `bytes` in place, so that
    /// "Ähnliche Artikel", "À lire aussi" and "VEA TAMBIÉN" reach the phrase rules as their
    /// lower-case entries do. Lines without a 0xC3 byte (found by `memchr`) cost one scan.
    static func lowercaseLatin1Capitals(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBufferPointer { l in
            guard let base = l.baseAddress, l.count >= 2, memchr(base, 0xC3, l.count) != nil else { return }
            var k = 0
            while k + 1 < l.count {
                if l[k] == 0xC3 {
                    let c = l[k + 1]
                    if c >= 0x80 && c <= 0x9E && c != 0x97 { l[k + 1] = c + 0x20 }
                    k += 2
                } else {
                    k += 1
                }
            }
        }
    }

    /// Lower-cases the ASCII letters of `bytes` in place, eight bytes per step; returns whether
    /// it holds an ASCII digit and its number of spaces.
    static func lowercaseASCII(_ bytes: inout [UInt8]) -> (digits: Bool, spaces: Int) {
        var digitBits: UInt64 = 0, spaces = 0
        bytes.withUnsafeMutableBufferPointer { l in
            let n = l.count
            var k = 0
            if let base = UnsafeMutableRawPointer(l.baseAddress), n >= 8 {
                let high: UInt64 = 0x8080_8080_8080_8080
                // Spaces counted per byte lane (no popcount instruction in the baseline x86-64 target).
                var lanes: UInt64 = 0, steps = 0
                while k + 8 <= n {
                    lanes &+= lowercase8(base + k, high, &digitBits)
                    steps &+= 1
                    if steps == 255 { spaces &+= sumLanes(lanes); lanes = 0; steps = 0 }
                    k += 8
                }
                // The last bytes: the line's last eight again (lower-casing twice changes nothing),
                // counting only the bytes from k on. In bounds: n >= 8.
                if k < n { lanes &+= lowercase8(base + (n - 8), high &<< UInt64(8 &* (k &- (n &- 8))), &digitBits); k = n }
                spaces &+= sumLanes(lanes)
            }
            while k < n {
                let c = l[k]
                l[k] = c &- 0x41 < 26 ? c | 0x20 : c
                if c &- 0x30 < 10 { digitBits = 1 }
                if c == 0x20 { spaces &+= 1 }
                k += 1
            }
        }
        return (digitBits != 0, spaces)
    }

    /// Lower-cases the eight bytes at `p`; of the bytes that `keep` selects (their high bits), ORs
    /// the digits' high bits into `digitBits` and returns one per space in its byte lane.
    @inline(__always) static func lowercase8(_ p: UnsafeMutableRawPointer, _ keep: UInt64, _ digitBits: inout UInt64) -> UInt64 {
        let high: UInt64 = 0x8080_8080_8080_8080
        let w = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
        // Per byte below 0x80, the high bit of (b + 0x80 - lo) & ~(b + 0x7F - hi) says lo <= b <= hi.
        let low7 = w & 0x7F7F_7F7F_7F7F_7F7F, ascii = ~w & keep
        let upper = (low7 &+ 0x3F3F_3F3F_3F3F_3F3F) & ~(low7 &+ 0x2525_2525_2525_2525) & ~w & high
        digitBits |= (low7 &+ 0x5050_5050_5050_5050) & ~(low7 &+ 0x4646_4646_4646_4646) & ascii
        let y = low7 ^ 0x2020_2020_2020_2020
        let space = ~((y &+ 0x7F7F_7F7F_7F7F_7F7F) | y) & ascii
        p.storeBytes(of: (w | upper >> 2).littleEndian, as: UInt64.self)
        return space &>> 7
    }

    /// The high bits of the bytes equal to "a" among the eight at `p` that `keep` selects (exact
    /// zero-byte test on w ^ "aaaaaaaa").
    @inline(__always) static func aBytes(_ p: UnsafePointer<UInt8>, _ keep: UInt64) -> UInt64 {
        let y = UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)) ^ 0x6161_6161_6161_6161
        return ~(((y & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | y) & keep
    }

    /// The high bits of the bytes among the eight at `p` that are "p", "i" or "l".
    @inline(__always) static func aFollowers(_ p: UnsafePointer<UInt8>) -> UInt64 {
        let w = UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
        @inline(__always) func zero(_ y: UInt64) -> UInt64 { ~(((y & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | y) }
        return (zero(w ^ 0x7070_7070_7070_7070) | zero(w ^ 0x6969_6969_6969_6969) | zero(w ^ 0x6C6C_6C6C_6C6C_6C6C)) & 0x8080_8080_8080_8080
    }

    /// The sum of the eight byte lanes of `lanes` (each below 256).
    @inline(__always) static func sumLanes(_ lanes: UInt64) -> Int {
        let pairs = (lanes & 0x00FF_00FF_00FF_00FF) &+ ((lanes >> 8) & 0x00FF_00FF_00FF_00FF)
        return Int(truncatingIfNeeded: (pairs &* 0x0001_0001_0001_0001) >> 48)
    }

    static let captionCredits = bytes(["photo", "image", "getty", "reuters", "afp", "ap/", "/ap", "epa", "shutterstock", "credit", "pool"])
    static let captionLabels = bytes(["photo:", "image:", "photo by ", "credit:"])

    /// `isCaption` on lower-cased bytes.
    static func isCaption(_ lower: [UInt8]) -> Bool {
        if captionLabels.contains(where: { lower.starts(with: $0) }) { return true }
        guard lower.last == 0x29, let open = lower.lastIndex(of: 0x28) else { return false }
        return captionCredits.contains { contains(lower, $0, from: open) }
    }

    static let datelineLabels = bytes(["published:", "published", "updated:", "updated", "posted:", "posted", "date:", "on"])

    /// The date phrase of a line that passed `isDateline` (nil for a reading time such as "2 min read").
    static func datelinePhrase(_ b: ArraySlice<UInt8>, _ lower: [UInt8]) -> String? {
        // A word "read" (between spaces or the line's ends) makes it a reading time.
        var w = 0
        while w < lower.count {
            var e = w
            while e < lower.count, lower[e] != 0x20 { e += 1 }
            if e - w == 4, lower[w] == 0x72, lower[w + 1] == 0x65, lower[w + 2] == 0x61, lower[w + 3] == 0x64 { return nil }
            w = e + 1
        }
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
    static func bytes(_ list: [String]) -> [[UInt8]] { list.map { Array($0.utf8) } }
    static let copyrightPrefixes = bytes(["©", "(c) ", "copyright"])
    static let phrasePrefixBytes = bytes(endPrefixes + promoPrefixes)
    static let bylineBytes = bytes(bylinePrefixes)
    static let captionPrefixes = bytes(["photo", "image:", "credit:"])
    static let bulletPrefixes = bytes(["•", "·"])
    static let commentsBytes = Array("comments".utf8)
    static let logoPrefix = Array("logo ".utf8)
    static let promoStarts = bytes(["sign up", "subscribe", "explore what", "get started"])
    /// The pre-check's tables, built once.
    static let precheck = PrecheckTables()

    @inline(__always) static func fnv(_ b: ArraySlice<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for c in b { h = (h ^ UInt64(c)) &* 0x100_0000_01b3 }
        return h
    }

    @inline(__always) static func fnv(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for k in s..<e { h = (h ^ UInt64(b[k])) &* 0x100_0000_01b3 }
        return h
    }

    /// The rule families of `classify(_:rules:)` that may match the lower-cased line (a superset
    /// test; promotions are decided here).
    static func possibleRules(_ lower: [UInt8]) -> Rules {
        var digits = false, spaces = 0
        for c in lower {
            if c >= 0x30 && c <= 0x39 { digits = true } else if c == 0x20 { spaces += 1 }
        }
        return possibleRules(lower, digits: digits, spaces: spaces, tables: precheck)
    }

    /// `possibleRules(_:)` given whether the line holds a digit and its number of spaces.
    static func possibleRules(_ lower: [UInt8], digits: Bool, spaces: Int, tables t: PrecheckTables) -> Rules {
        let n = lower.count
        var r: Rules = []
        var promoCandidate = false
        lower.withUnsafeBufferPointer { l in
            if digits && n <= 100 && spaces < 16 && isDateline(l, datewords: t.datewords) { r.insert(.dateline) }
            // One pass for the infixes "all rights reserved", "app" and " ai ".
            var rights = false, appOrAI = false
            @inline(__always) func atA(_ k: Int) {
                if k + 2 < n, l[k + 1] == 0x70, l[k + 2] == 0x70 { appOrAI = true }
                else if k > 0, k + 2 < n, l[k - 1] == 0x20, l[k + 1] == 0x69, l[k + 2] == 0x20 { appOrAI = true }
                else if k + 19 <= n, l[k + 1] == 0x6C, t.rightsReserved.withUnsafeBufferPointer({ equal(l, k, $0) }) { rights = true }
            }
            var k = 0
            if let base = l.baseAddress {
                // The 'a' bytes found eight at a time (exact zero-byte test on w ^ "aaaaaaaa").
                let high: UInt64 = 0x8080_8080_8080_8080
                // Each rule of atA needs "p", "i" or "l" after the "a": bytes followed by none of them
                // are dropped here, with the next byte of each read from a load one byte on.
                while k + 9 <= n {
                    var hits = aBytes(base + k, high) & aFollowers(base + k + 1)
                    while hits != 0 { atA(k + hits.trailingZeroBitCount >> 3); hits &= hits &- 1 }
                    k += 8
                }
                while k + 8 <= n {
                    var hits = aBytes(base + k, high)
                    while hits != 0 { atA(k + hits.trailingZeroBitCount >> 3); hits &= hits &- 1 }
                    k += 8
                }
                // The last bytes: the line's last eight again, only the bytes from k on. In bounds: n >= 8.
                if k < n && n >= 8 {
                    var hits = aBytes(base + (n - 8), high &<< UInt64(8 &* (k &- (n &- 8))))
                    while hits != 0 { atA(n - 8 + hits.trailingZeroBitCount >> 3); hits &= hits &- 1 }
                    k = n
                }
            }
            while k < n {
                if l[k] == 0x61 { atA(k) }
                k += 1
            }
            // Prefix rules, looked up by the first byte of the line after a two-byte filter.
            if n >= 2, t.mayOpen(l[0], l[1]) {
                t.prefixes.withUnsafeBufferPointer { p in
                    for e in t.entries[Int(t.bucket[Int(l[0])])..<Int(t.bucket[Int(l[0]) + 1])] where Int(e.length) <= n {
                        guard equal(l, 0, UnsafeBufferPointer(rebasing: p[Int(e.start)..<Int(e.start + e.length)])) else { continue }
                        if e.rule == .promo { promoCandidate = true } else { r.insert(e.rule) }
                    }
                }
            }
            if rights { r.insert(.copyright) }
            if appOrAI { promoCandidate = true }
            if n >= 4, l[n - 4] == 0x20, l[n - 3] == 0x61, l[n - 2] == 0x67, l[n - 1] == 0x6F { r.insert(.relativeTime) } // " ago"
            else if n >= 8, l[n - 1] == 0x79 || l[n - 1] == 0x77 {
                if t.yesterday.withUnsafeBufferPointer({ n >= $0.count && equal(l, n - $0.count, $0) })
                    || t.justNow.withUnsafeBufferPointer({ equal(l, n - $0.count, $0) }) { r.insert(.relativeTime) }
            }
            if n > 0, l[n - 1] == 0x29 { r.insert(.caption) }
            var s = 0, e = n
            while s < e, l[s] == 0x3A || l[s] == 0x2E || l[s] == 0x21 { s += 1 }
            while e > s, l[e - 1] == 0x3A || l[e - 1] == 0x2E || l[e - 1] == 0x21 { e -= 1 }
            if (e - s <= 40 && t.phraseLengths & (1 << UInt64(e - s)) != 0 && t.phrases.mask(fnv(l, s, e)) != 0)
                || (n >= 5 && l[n - 5] == 0x20 && l[n - 4] == 0x6C && l[n - 3] == 0x6F && l[n - 2] == 0x67 && l[n - 1] == 0x6F) { r.insert(.phrase) } // " logo"
        }
        if promoCandidate && spaces < 30 && isPromo(lower) { r.insert(.promo) }
        return r
    }

    /// Whether `b[at...]` starts with `p` (the caller checks that `p` fits).
    @inline(__always) static func equal(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, _ p: UnsafeBufferPointer<UInt8>) -> Bool {
        for k in 0..<p.count where b[at + k] != p[k] { return false }
        return true
    }

    /// The byte form of the word test of `dateline(_:)`: three quarters of the words are numbers
    /// or date words.
    static func isDateline(_ lower: [UInt8]) -> Bool {
        lower.withUnsafeBufferPointer { isDateline($0, datewords: precheck.datewords) }
    }

    static func isDateline(_ lower: UnsafeBufferPointer<UInt8>, datewords: Stopwords.Table) -> Bool {
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
                if s == e || digit || datewords.mask(fnv(lower, s, e)) != 0 { dateish += 1 }
                // Past a quarter of non-date words it cannot pass.
                if (words - dateish) * 4 > 16 { return false }
            }
            i = j + 1
        }
        return words > 0 && dateish * 4 >= words * 3
    }

    static func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool { contains(hay, needle, from: 0) }

    /// Whether `needle` occurs in `hay[from...]`.
    static func contains(_ hay: [UInt8], _ needle: [UInt8], from: Int) -> Bool {
        guard let f = needle.first, hay.count - from >= needle.count else { return false }
        var i = from
        let last = hay.count - needle.count
        while i <= last {
            if hay[i] == f && hay[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}

/// The byte tables of `LineClassifier.possibleRules`, built once: prefix rules bucketed by first
/// byte behind a filter of two-byte openings, and open-addressing tables of phrase and date-word hashes.
struct PrecheckTables: Sendable {
    struct Entry: Sendable {
        var start: Int32
        var length: Int32
        var rule: LineClassifier.Rules
    }

    /// All prefix bytes, one after the other.
    let prefixes: [UInt8]
    /// Prefix rules sorted by first byte; those of byte `c` are `entries[bucket[c]..<bucket[c + 1]]`.
    let entries: [Entry]
    let bucket: [Int32]
    /// One bit per two-byte opening of a prefix rule.
    let openings: [UInt64]
    /// FNV-1a hashes of the boilerplate phrases (a hit is confirmed on the string), and their lengths as bits.
    let phrases: Stopwords.Table
    let phraseLengths: UInt64
    let datewords: Stopwords.Table
    let rightsReserved = Array("all rights reserved".utf8)
    let yesterday = Array("yesterday".utf8)
    let justNow = Array("just now".utf8)

    init() {
        typealias C = LineClassifier
        let groups: [([[UInt8]], C.Rules)] = [
            (C.copyrightPrefixes, .copyright), (C.promoStarts, .promo), ([C.commentsBytes], .comments), (C.bylineBytes, .byline),
            (C.bulletPrefixes, .bullet), (C.captionPrefixes, .caption), (C.phrasePrefixBytes, .phrase), ([C.logoPrefix], .phrase),
        ]
        var all: [([UInt8], C.Rules)] = []
        for (list, rule) in groups { for p in list where !p.isEmpty { all.append((p, rule)) } }
        // A stable sort keeps the rules of one first byte in list order.
        let sorted = all.enumerated().sorted { ($0.element.0[0], $0.offset) < ($1.element.0[0], $1.offset) }.map(\.element)
        var bytes: [UInt8] = [], entries: [Entry] = []
        var bucket = [Int32](repeating: 0, count: 257)
        var openings = [UInt64](repeating: 0, count: 1024)
        for (p, rule) in sorted {
            entries.append(Entry(start: Int32(bytes.count), length: Int32(p.count), rule: rule))
            bytes += p
            bucket[Int(p[0]) + 1] += 1
            // A one-byte prefix opens with every second byte.
            for second in p.count >= 2 ? [Int(p[1])] : Array(0..<256) {
                let v = Int(p[0]) << 8 | second
                openings[v >> 6] |= 1 << UInt64(v & 63)
            }
        }
        for c in 0..<256 { bucket[c + 1] += bucket[c] }
        prefixes = bytes
        self.entries = entries
        self.bucket = bucket
        self.openings = openings
        let phraseList = C.skipLines.union(C.stopLines).union(C.endLines).map { Array($0.utf8) }
        phrases = Stopwords.Table(Dictionary(phraseList.map { (C.fnv($0[...]), UInt16(1)) }, uniquingKeysWith: { a, _ in a }), slots: 256)
        phraseLengths = phraseList.reduce(0) { $0 | ($1.count <= 40 ? 1 << UInt64($1.count) : 0) }
        datewords = Stopwords.Table(Dictionary(C.dateWords.map { (C.fnv(Array($0.utf8)[...]), UInt16(1)) }, uniquingKeysWith: { a, _ in a }), slots: 512)
    }

    /// Whether some prefix rule opens with the bytes `a`, `b`.
    @inline(__always) func mayOpen(_ a: UInt8, _ b: UInt8) -> Bool {
        let v = Int(a) << 8 | Int(b)
        return openings[v >> 6] & (1 << UInt64(v & 63)) != 0
    }
}
