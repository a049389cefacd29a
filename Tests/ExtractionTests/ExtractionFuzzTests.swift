import Articles
import Foundation
import Testing
@testable import Extraction

/// Random and mutated pages through the whole HTML path: no crash, valid UTF-8 out, bounded output.
@Suite struct ExtractionFuzzTests {
    /// Deterministic xorshift generator so failures reproduce.
    struct Rng {
        var s: UInt64
        mutating func next() -> UInt64 { s ^= s << 13; s ^= s >> 7; s ^= s << 17; return s }
        mutating func int(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
    }

    static let seedPage = Array(HTMLArticleExtractorTests.page(head: "<meta property=\"og:title\" content=\"T\"><script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"headline\":\"H\"}</script>").utf8)
    static let fragments = ["<", ">", "</", "<!--", "-->", "<![CDATA[", "]]>", "<script>", "</script>", "<p>", "</div>", "<table><tr><td>",
                            "&amp;", "&#x0;", "&#99999999;", "&", "\"", "'", "=", "<a href='", "<title>", "\u{0}", "\u{FFFD}", "<svg><p/>",
                            "<br><br><br>", "<div class=\"comment\">", "<li>", "<style>", "é", "\u{1F600}"]

    func check(_ bytes: [UInt8]) {
        let ctx = ExtractionContext(url: "https://fuzz.example/", fetchedAt: Timestamp(secondsSinceEpoch: 1_700_000_000))
        do {
            let doc = try DocumentExtractor().extract(bytes, context: ctx)
            for a in doc.articles {
                // Strings built from bytes are valid UTF-8 by construction; check they round-trip and are bounded.
                #expect(String(decoding: Array(a.text.utf8), as: UTF8.self) == a.text)
                #expect(a.text.utf8.count <= bytes.count * 4 + 64)
                #expect(a.title.utf8.count <= bytes.count * 4 + 64)
            }
        } catch {
            // Typed errors are fine; crashes are not.
            _ = error.code
        }
    }

    @Test func mutatedPages() {
        var rng = Rng(s: 0x9E37_79B9_7F4A_7C15)
        for _ in 0..<400 {
            var page = Self.seedPage
            for _ in 0..<(1 + rng.int(20)) {
                switch rng.int(4) {
                case 0: if !page.isEmpty { page[rng.int(page.count)] = UInt8(truncatingIfNeeded: rng.next()) }
                case 1: if !page.isEmpty { let at = rng.int(page.count); page.removeSubrange(at..<min(page.count, at + rng.int(200))) }
                case 2: page.insert(contentsOf: Array(Self.fragments[rng.int(Self.fragments.count)].utf8), at: rng.int(page.count + 1))
                default: page = Array(page.prefix(rng.int(page.count + 1)))
                }
            }
            check(page)
        }
    }

    @Test func randomBytes() {
        var rng = Rng(s: 42)
        for _ in 0..<200 {
            let n = rng.int(4096)
            var b: [UInt8] = []
            b.reserveCapacity(n)
            for _ in 0..<n { b.append(UInt8(truncatingIfNeeded: rng.next())) }
            if rng.int(2) == 0, !b.isEmpty { b[0] = 0x3C }
            check(b)
        }
    }

    @Test func mutatedTextDumps() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/dump-harbor-courier.txt")
        let seed = [UInt8](try Data(contentsOf: url))
        var rng = Rng(s: 7)
        for _ in 0..<300 {
            var dump = seed
            for _ in 0..<(1 + rng.int(10)) {
                switch rng.int(3) {
                case 0: if !dump.isEmpty { dump[rng.int(dump.count)] = UInt8(truncatingIfNeeded: rng.next()) }
                case 1: if !dump.isEmpty { let at = rng.int(dump.count); dump.removeSubrange(at..<min(dump.count, at + rng.int(300))) }
                default: dump.insert(contentsOf: Array(["\n", " ago", "By ", "©", "\n\n", "Comments"][rng.int(6)].utf8), at: rng.int(dump.count + 1))
                }
            }
            let ctx = ExtractionContext(url: "u", fetchedAt: Timestamp(secondsSinceEpoch: 1_700_000_000))
            if let articles = try? TextDumpExtractor().extract(dump, context: ctx) {
                for a in articles { #expect(!a.title.isEmpty); #expect(a.text.utf8.count <= dump.count * 3) }
            }
        }
    }

    @Test func pathologicalPages() {
        check(Array((String(repeating: "<div>", count: 20_000) + String(repeating: "<p>word ", count: 500)).utf8))
        check(Array(String(repeating: "<a href=x>", count: 20_000).utf8))
        check(Array(("<html><body>" + String(repeating: "<table><tr><td>", count: 1500) + "text").utf8))
        check(Array(("<p>" + String(repeating: "&amp;", count: 100_000)).utf8))
        check(Array(("<title>" + String(repeating: "x", count: 100_000)).utf8))
        check(Array(("<script>" + String(repeating: "<p>", count: 10_000)).utf8))
        check(Array(String(repeating: "<br>", count: 30_000).utf8))
        check([0xEF, 0xBB, 0xBF] + Array("<html><body><p>after a BOM, invalid \u{FFFD} bytes: ".utf8) + [0xC3, 0x28, 0xFF, 0xFE, 0x80] + Array(String(repeating: " more prose here.", count: 40).utf8))
    }
}
