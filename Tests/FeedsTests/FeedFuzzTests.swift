import Testing
import Articles
import Feeds

/// Random and mutated feeds: the parser must not crash, must terminate, and must emit clean, bounded text.
@Suite struct FeedFuzzTests {
    struct SplitMix { var s: UInt64; mutating func next() -> UInt64 {
        s &+= 0x9E37_79B9_7F4A_7C15; var z = s
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9; z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31) } }

    static let seeds: [String] = [
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>S &amp; T</title><item><title>A &lt;b&gt;x</title><link>/a</link><description><![CDATA[<p>x</p>]]></description><pubDate>Mon, 02 Jan 2006 15:04:05 GMT</pubDate></item></channel></rss>",
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>F</title><entry><title type=\"xhtml\"><div><b>t</b></div></title><link href=\"x\"/><content type=\"html\">&lt;p&gt;c&lt;/p&gt;</content><author><name>n</name></author></entry></feed>",
        "{\"version\":\"https://jsonfeed.org/version/1\",\"title\":\"J\",\"items\":[{\"id\":\"1\",\"title\":\"t\",\"content_html\":\"<p>x</p>\"}]}",
        "<rdf:RDF><item rdf:about=\"u\"><title>r</title></item></rdf:RDF>",
    ]

    static let tokens: [String] = ["<", ">", "&", "&amp;", "&#", "&#x", ";", "<![CDATA[", "]]>", "<!--", "-->", "<?", "?>",
        "</item>", "<item>", "<entry>", "</title>", "<title>", "\"", "'", "/", "=", "\u{0}", "\u{FEFF}", "<!DOCTYPE x [", "]"]

    static func mutate(_ input: [UInt8], _ rng: inout SplitMix) -> [UInt8] {
        var b = input
        let ops = Int(rng.next() % 8) + 1
        for _ in 0..<ops {
            let pos = b.isEmpty ? 0 : Int(rng.next() % UInt64(b.count))
            switch rng.next() % 5 {
            case 0: if !b.isEmpty { b.remove(at: pos) }
            case 1: b.insert(UInt8(truncatingIfNeeded: rng.next()), at: pos)
            case 2: b.insert(contentsOf: Array(tokens[Int(rng.next() % UInt64(tokens.count))].utf8), at: pos)
            case 3: b = Array(b.prefix(pos))  // truncate
            default: if !b.isEmpty { b[pos] = UInt8(truncatingIfNeeded: rng.next()) }
            }
        }
        return b
    }

    static func check(_ bytes: [UInt8]) {
        let limits = ExtractionLimits(maxDocumentBytes: 1 << 20, maxNestingDepth: 64, maxEntries: 100)
        guard let f = try? FeedParser.parse(bytes, context: ExtractionContext(url: "https://e.example/", limits: limits)) else { return }
        #expect(f.articles.count <= 100)
        for a in f.articles {
            for s in [a.title, a.text] + a.authors {
                let u = Array(s.utf8)
                #expect(UTF8Repair.isValid(u))
                #expect(!u.contains(where: { $0 < 0x20 && $0 != 0x0A }))
                #expect(u.count <= bytes.count * 4 + 16)
            }
            let e = ArticleEvent(article: a, jobID: "fuzz", fetchedAt: nil)
            #expect(UTF8Repair.isValid(e.encodeJSON()))
        }
    }

    @Test func mutatedFeedsDoNotCrash() {
        var rng = SplitMix(s: 42)
        for seed in Self.seeds {
            let base = Array(seed.utf8)
            for _ in 0..<600 { Self.check(Self.mutate(base, &rng)) }
        }
    }

    @Test func randomBytesDoNotCrash() {
        var rng = SplitMix(s: 7)
        for k in 0..<500 {
            var b: [UInt8] = Array((k % 2 == 0 ? "<rss><channel><item>" : "<feed><entry>").utf8)
            for _ in 0..<Int(rng.next() % 400) {
                if rng.next() % 4 == 0 { b += Array(Self.tokens[Int(rng.next() % UInt64(Self.tokens.count))].utf8) }
                else { b.append(UInt8(truncatingIfNeeded: rng.next())) }
            }
            Self.check(b)
        }
    }
}
