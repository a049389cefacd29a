import Foundation
import Testing
import TestSupport
@testable import Extraction

/// The word-at-a-time paths of the text-dump line model (DumpLines, LineFeatures, the rule
/// pre-check) against plain byte-at-a-time references, on generated lines and on the corpus dumps.
@Suite struct TextDumpFastPathTests {
    /// A small seeded generator (xorshift64*), so a failure replays.
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12; state ^= state << 25; state ^= state >> 27
            return state &* 0x2545_F491_4F6C_DD1D
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static let pieces: [String] = [
        "a", "The", "of", "and", "der", "die", "la", "que", "и", "в", "i", "och", "Share", "share", "logo", "Logo",
        "By", "by", "Jane", "DOE", "2", "19", "2019", "Nov", "nov", "Published:", "at", "9:24", "pm", "ET", "min", "read",
        "ago", "days", "yesterday", "just", "now", "Comments", "comments", "(3)", "All", "rights", "reserved", "©", "(c)",
        "Copyright", "app", "App", "Store", "download", "AI", "ai", "features", "Sign", "up", "subscribe", "Read", "more:",
        "Photo:", "(AP", "Photo/Jane)", "•", "·", "|", "»", "›", "/", ">", "::", "http://x.test/a", "www.x.test", "e-mail",
        "…", "。", "東京", "フェリー", "서울", "！", "？", "，", "、", "«", "»", ".", "!", "?", ",", "\"", "”", "’", "'",
        "Ünïcödé", "Éric", "Ñandú", "Ärger", "Дом", "ABCDEFGHIJ", "abcdefgh", "abcdefghi", "x.", "U.S.", "...", "e.g.",
        "Leave a comment", "lesen sie auch", "Lies auch", "à lire aussi", "Related", "Advertisement", "Menu", "Search",
        "Posted by", "Written by", "Author:", "ÉCRIT", "ÄÖÜ", "Ǆ", "İstanbul", "\u{00A0}", "\u{3000}", "\t", "  ", "   ",
    ]

    static func line(_ rng: inout Rng) -> [UInt8] {
        var out: [UInt8] = []
        for k in 0..<(1 + rng.below(14)) {
            if k > 0 && rng.below(6) != 0 { out.append(0x20) }
            out += Array(pieces[rng.below(pieces.count)].utf8)
        }
        return out
    }

    /// Corpus lines, when ../shared is there.
    static func corpusLines() -> [[UInt8]] {
        guard let root = SharedCorpora.root else { return [] }
        let dir = root.appendingPathComponent("corpora/text-dumps/pages")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        var out: [[UInt8]] = []
        for name in names.sorted() {
            guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent(name).path) else { continue }
            let lines = DumpLines([UInt8](data))
            for i in 0..<lines.count { out.append(Array(lines[i])) }
        }
        return out
    }

    // MARK: DumpLines

    /// The byte-at-a-time fold DumpLines had before its eight-byte path (soft hyphens dropped).
    static func referenceFold(_ src: [UInt8]) -> [[UInt8]] {
        var lines: [[UInt8]] = [], cur: [UInt8] = []
        var pending = false
        var i = 0
        let b = Array(src)
        func end() { if !cur.isEmpty { lines.append(cur) }; cur = []; pending = false }
        while i < b.count {
            let c = b[i]
            if c == 0x0A || c == 0x0D { end(); i += 1; continue }
            if c == 0xC2, i + 1 < b.count, b[i + 1] == 0xAD { i += 2; continue }
            let l = c < 0x80 ? (c == 0x20 || c == 0x09 || c == 0x0B || c == 0x0C ? 1 : 0)
                : b.withUnsafeBufferPointer { DumpLines.unicodeSpaceLength($0, i) }
            if l > 0 { pending = true; i += l; continue }
            if pending { if !cur.isEmpty { cur.append(0x20) }; pending = false }
            cur.append(c); i += 1
        }
        end()
        return lines
    }

    @Test func dumpLinesMatchTheByteFold() {
        var rng = Rng(state: 0x9E37_79B9_7F4A_7C15)
        let extra: [[UInt8]] = [[0x0A], [0x0D, 0x0A], [0x0D], [0x20, 0x0A], [0x20, 0x20], [0x0C], [0xC2], [0xC2, 0xAD], [0x20, 0xC2, 0xAD, 0x20]]
        for _ in 0..<3000 {
            var text: [UInt8] = []
            for _ in 0..<(1 + rng.below(12)) {
                text += Self.line(&rng)
                text += extra[rng.below(extra.count)]
            }
            // Cut anywhere, also inside a multi-byte character.
            let input = Array(text.prefix(rng.below(text.count + 1)))
            let lines = DumpLines(input)
            let got = (0..<lines.count).map { Array(lines[$0]) }
            #expect(got == Self.referenceFold(input), "\(input)")
        }
    }

    // MARK: LineFeatures

    /// The byte-at-a-time features LineFeatures computed before its word-at-a-time path.
    static func referenceFeatures(_ line: [UInt8]) -> (LineFeatures, [Int]) {
        var f = LineFeatures()
        var counts = [Int](repeating: 0, count: Stopwords.languages.count)
        let b = line, n = b.count
        var i = 0
        while i < n {
            var j = i, hasAlnum = false, tokenChars = 0
            var core: [UInt8] = [], pending: [UInt8] = []
            while j < n, b[j] != 0x20 {
                let c = b[j]
                let isCore = c >= 0x80 || LineFeatures.isAlnum(c)
                if isCore { core += pending + [c]; pending = [] } else if !core.isEmpty { pending.append(c) }
                if c < 0x80 {
                    if isCore { hasAlnum = true } else if c == 0x2C { f.commas += 1 } else if c == 0x2E || c == 0x21 || c == 0x3F {
                        if (j + 1 == n || b[j + 1] == 0x20), j > i, b[j - 1] != 0x2E { f.sentenceEnds += 1 }
                    }
                    tokenChars += 1
                } else if c & 0xC0 != 0x80 {
                    tokenChars += 1
                    if c != 0xC2 && c != 0xE2 && !(c == 0xE3 && j + 1 < n && b[j + 1] == 0x80) { hasAlnum = true }
                    if c >= 0xE3 && c <= 0xED, j + 2 < n {
                        let c1 = b[j + 1], c2 = b[j + 2]
                        if c == 0xE3 && c1 == 0x80 {
                            if c2 == 0x82 { f.sentenceEnds += 1 } else if c2 == 0x81 { f.commas += 1 }
                        } else {
                            f.cjk += 1
                            if c == 0xE3 && (c1 == 0x81 || c1 == 0x82 || c1 == 0x83) { f.kana += 1 }
                            if (c == 0xEA && c1 >= 0xB0) || (c >= 0xEB && c <= 0xED) { f.hangul += 1 }
                        }
                    } else if c == 0xEF, j + 2 < n, b[j + 1] == 0xBC {
                        let c2 = b[j + 2]
                        if c2 == 0x81 || c2 == 0x9F { f.sentenceEnds += 1 } else if c2 == 0x8C { f.commas += 1 }
                    }
                }
                j += 1
            }
            f.chars += tokenChars + (j < n ? 1 : 0)
            if hasAlnum {
                f.words += 1
                let c0 = b[i]
                if (c0 >= 0x41 && c0 <= 0x5A) || (c0 == 0xC3 && i + 1 < j && b[i + 1] >= 0x80 && b[i + 1] <= 0x9E)
                    || (c0 == 0xD0 && i + 1 < j && b[i + 1] >= 0x90 && b[i + 1] <= 0xAF) { f.capitalized += 1 }
                let token = b[i..<j]
                if token.starts(with: Array("http".utf8)) || token.starts(with: Array("www.".utf8)) { f.urls += 1 }
                if core.count <= 8, let mask = Stopwords.table[Stopwords.pack(core[...])] {
                    for k in counts.indices where mask & (1 << k) != 0 { counts[k] += 1 }
                }
            } else if b.withUnsafeBufferPointer({ LineFeatures.isSeparatorToken($0, i, j) }) {
                f.separators += 1
            }
            i = j + 1
        }
        f.endsSentence = b.withUnsafeBufferPointer { LineFeatures.endsLikeSentence($0) }
        return (f, counts)
    }

    func expectSameFeatures(_ line: [UInt8]) {
        // Inside a larger buffer too: the eight-byte loads stop at the line's end, not the buffer's.
        let padded = [0x41] + line + Array("abcdefghijkl".utf8)
        let slice = padded[1..<(1 + line.count)]
        for input in [line[...], slice] {
            var counts = SIMD16<UInt16>()
            let got = LineFeatures.compute(input, stopwordCounts: &counts)
            let (want, wantCounts) = Self.referenceFeatures(line)
            let fields = { (f: LineFeatures) in
                [f.chars, f.words, f.cjk, f.kana, f.hangul, f.sentenceEnds, f.commas, f.separators, f.urls, f.capitalized, f.endsSentence ? 1 : 0]
            }
            #expect(fields(got) == fields(want), "\(String(decoding: line, as: UTF8.self))")
            #expect((0..<wantCounts.count).map { Int(counts[$0]) } == wantCounts, "\(String(decoding: line, as: UTF8.self))")
        }
    }

    @Test func lineFeaturesMatchTheByteScan() {
        var rng = Rng(state: 0xD1B5_4A32_D192_ED03)
        for _ in 0..<5000 { expectSameFeatures(Self.line(&rng)) }
        // Many stopwords on one line (the packed counters flush past 63 hits).
        expectSameFeatures(Array(repeatElement("the and of", count: 80).joined(separator: " ").utf8))
        for line in Self.corpusLines() { expectSameFeatures(line) }
    }

    @Test func equalLinesHashEqual() {
        var counts = SIMD16<UInt16>()
        let a = Array("Home | News | Sport".utf8), b = Array("x Home | News | Sport".utf8)
        let fa = LineFeatures.compute(a[...], stopwordCounts: &counts)
        let fb = LineFeatures.compute(b[2...], stopwordCounts: &counts)
        let fc = LineFeatures.compute(Array("Home | News | Sports".utf8)[...], stopwordCounts: &counts)
        #expect(fa.hash == fb.hash)
        #expect(fa.hash != fc.hash)
    }

    @Test func byteMasks() {
        for c in 0...255 {
            for pos in 0..<8 {
                // The byte at each position, among ASCII letters and other bytes.
                var bytes = Array("aZ9.é!xQ".utf8.prefix(8))
                bytes[pos] = UInt8(c)
                let w = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
                let other = LineFeatures.nonAlnumBytes(w)
                for k in 0..<8 {
                    #expect((other >> UInt64(8 * k + 7)) & 1 == (LineFeatures.isAlnum(bytes[k]) ? 0 : 1))
                }
                var lower = bytes
                _ = LineClassifier.lowercaseASCII(&lower)
                #expect(lower == bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 })
                let packed = LineFeatures.lowercasedASCII(UInt64(bigEndian: w.bigEndian))
                #expect(packed == w | UInt64(littleEndian: lower.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }))
            }
        }
    }

    @Test func cutSeparatorSwitchMatchesTheSet() {
        for v in 0..<0x3000 {
            guard let s = Unicode.Scalar(v) else { continue }
            #expect(PageTitle.isCut(s) == PageTitle.cutScalars.contains(s))
        }
    }

    // MARK: Rule pre-check

    /// The rule families the pre-check had before its tables, on plain collection operations.
    static func referenceRules(_ lower: [UInt8]) -> LineClassifier.Rules {
        typealias C = LineClassifier
        let n = lower.count
        let digits = lower.contains { $0 >= 0x30 && $0 <= 0x39 }
        let spaces = lower.filter { $0 == 0x20 }.count
        var r: C.Rules = []
        func has(_ p: String) -> Bool { lower.starts(with: Array(p.utf8)) }
        func ends(_ p: String) -> Bool { lower.count >= p.utf8.count && lower.suffix(p.utf8.count).elementsEqual(p.utf8) }
        func infix(_ p: String) -> Bool { C.contains(lower, Array(p.utf8)) }
        if digits && n <= 100 && spaces < 16 {
            var words = 0, dateish = 0, early = false
            for w in lower.split(separator: 0x20) {
                words += 1
                let t = String(decoding: w, as: UTF8.self).trimmingCharacters(in: ",.:;()[]")
                if t.isEmpty || t.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) || C.dateWords.contains(t) { dateish += 1 }
                if (words - dateish) * 4 > 16 { early = true; break }
            }
            if !early && words > 0 && dateish * 4 >= words * 3 { r.insert(.dateline) }
        }
        let prefixes: [([[UInt8]], C.Rules)] = [
            (C.copyrightPrefixes, .copyright), (C.promoStarts, .promo), ([C.commentsBytes], .comments), (C.bylineBytes, .byline),
            (C.bulletPrefixes, .bullet), (C.captionPrefixes, .caption), (C.phrasePrefixBytes, .phrase), ([C.logoPrefix], .phrase),
        ]
        var promo = infix("app") || infix(" ai ")
        for (list, rule) in prefixes { for p in list where lower.starts(with: p) { if rule == .promo { promo = true } else { r.insert(rule) } } }
        if promo && spaces < 30 && C.isPromo(lower) { r.insert(.promo) }
        if infix("all rights reserved") { r.insert(.copyright) }
        if ends(" ago") || ends("yesterday") || ends("just now") { r.insert(.relativeTime) }
        if lower.last == 0x29 { r.insert(.caption) }
        let trimmed = String(decoding: lower, as: UTF8.self).trimmingCharacters(in: ":.!")
        if (trimmed.utf8.count <= 40 && C.skipLines.union(C.stopLines).union(C.endLines).contains(trimmed)) || ends(" logo") { r.insert(.phrase) }
        return r
    }

    @Test func preCheckMatchesThePlainRules() {
        var rng = Rng(state: 0x2545_F491_4F6C_DD1D)
        var lines = (0..<20000).map { _ in Self.line(&rng) }
        lines += LineClassifier.skipLines.union(LineClassifier.endLines).union(LineClassifier.stopLines).map { Array($0.utf8) + [0x21] }
        lines += LineClassifier.endPrefixes.map { Array("\($0) now".utf8) } + LineClassifier.promoPrefixes.map { Array("\($0) x app".utf8) }
        lines += Self.corpusLines()
        var fired = 0
        for line in lines where line.count <= 200 {
            var lower = line
            _ = LineClassifier.lowercaseASCII(&lower)
            let got = LineClassifier.possibleRules(lower)
            #expect(got == Self.referenceRules(lower), "\(String(decoding: line, as: UTF8.self))")
            if !got.isEmpty { fired += 1 }
        }
        #expect(fired > 1000)
    }

    @Test func lowercaseCountsMatchTheByteScan() {
        var rng = Rng(state: 0x9E37_79B9_7F4A_7C15)
        var lines = (0..<5000).map { _ in Self.line(&rng) }
        // Every length around the eight-byte steps, and more than 255 steps of spaces.
        lines += (0..<40).map { Array(repeating: UInt8(0x20), count: $0) } + (0..<40).map { n in (0..<n).map { UInt8(0x41 + $0 % 7) } }
        lines.append(Array(repeating: UInt8(0x20), count: 8 * 300 + 5))
        for line in lines {
            var lower = line
            let (digits, spaces) = LineClassifier.lowercaseASCII(&lower)
            #expect(lower == line.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 })
            #expect(digits == line.contains { $0 >= 0x30 && $0 <= 0x39 })
            #expect(spaces == line.filter { $0 == 0x20 }.count, "\(String(decoding: line, as: UTF8.self))")
        }
    }

    // MARK: Bylines

    static let bylinePieces: [String] = [
        "By", "by", "BY", "Written by", "Posted by", "Author:", "Authors:", "Story by", "Text by", "Reporting by", "Words by",
        "Jane", "DOE", "Doe", "KIM", "TONG-HYUNG", "O'NEIL", "o'neil", "McDonald", "van", "der", "and", "&", "und", "et", "y",
        "And", ",", ", ", " ,", "|", " | ", ".", "Jr.", "Staff", "Writer", "staff writer", "Reuters", "reuters", "AFP", "in",
        "Tokyo", "2", "12:05", "PM", "on", "March", "@handle", "-", "'", "(reporting)", "X", "", " ", "  ", "Ünïcödé", "•", "·",
    ]

    @Test func asciiBylineMatchesTheStringRule() {
        var rng = Rng(state: 0x6A09_E667_F3BC_C908)
        var lines: [String] = []
        for _ in 0..<12000 {
            var s = ""
            for k in 0..<(1 + rng.below(12)) {
                if k > 0 && rng.below(3) != 0 { s += " " }
                s += Self.bylinePieces[rng.below(Self.bylinePieces.count)]
            }
            lines.append(s)
        }
        lines += Self.corpusLines().map { String(decoding: $0, as: UTF8.self) }
        var named = 0
        for line in lines {
            let want = LineClassifier.stringByline(line)
            #expect(LineClassifier.byline(line) == want, "\(line)")
            if want != nil { named += 1 }
        }
        #expect(named > 400)
    }
}
