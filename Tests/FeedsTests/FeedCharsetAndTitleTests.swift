import Testing
import Articles
import Feeds

/// Issue 11, item 6: a wrong UTF-16/32 declaration on 8-bit bytes, and escaped markup in titles.
@Suite struct WrongWideDeclarationTests {
    /// An RSS document of `count` items whose titles carry non-ASCII text, serialised as UTF-8.
    static func rss(declaring encoding: String, count: Int) -> [UInt8] {
        var s = "<?xml version=\"1.0\" encoding=\"\(encoding)\"?>\n<rss version=\"2.0\"><channel><title>Blog café</title>\n"
        for i in 0..<count {
            s += "<item><title>Entrée \(i) — ünïcode</title><link>https://example.org/\(i)</link>"
            s += "<description>&lt;p&gt;Body \(i)&lt;/p&gt;</description></item>\n"
        }
        s += "</channel></rss>\n"
        return Array(s.utf8)
    }

    @Test(arguments: ["utf-16", "UTF-16", "utf-16le", "UTF-16BE", "utf-32", "ucs-2"])
    func utf8BytesDeclaredWide(encoding: String) throws {
        let bytes = Self.rss(declaring: encoding, count: 59)
        #expect(bytes.prefix(5) == ArraySlice("<?xml".utf8))
        let f = try FeedParser.parse(bytes, context: ExtractionContext(url: "https://example.org/feed"))
        #expect(f.articles.count == 59)
        #expect(f.title == "Blog café")
        #expect(f.charset == "utf-8")
        for (i, a) in f.articles.enumerated() {
            #expect(a.title == "Entrée \(i) — ünïcode")
            #expect(a.url == "https://example.org/\(i)")
            #expect(a.text == "Body \(i)")
        }
    }

    @Test func latin1BytesDeclaredUTF16() throws {
        // 8-bit bytes that are not valid UTF-8: decoded as Windows-1252, not as UTF-16 garbage.
        let bytes = Array("<?xml version=\"1.0\" encoding=\"utf-16\"?><rss><channel><item><title>caf".utf8)
            + [0xE9] + Array("</title></item></channel></rss>".utf8)
        let f = try FeedParser.parse(bytes, context: ExtractionContext(url: ""))
        #expect(f.articles.map(\.title) == ["café"])
    }

    @Test func realUTF16WithoutBOMStillDecoded() throws {
        let s = "<?xml version=\"1.0\" encoding=\"utf-16\"?><rss><channel><item><title>Ünï</title></item></channel></rss>"
        var le: [UInt8] = [], be: [UInt8] = []
        for u in s.utf16 {
            le.append(UInt8(u & 0xFF)); le.append(UInt8(u >> 8))
            be.append(UInt8(u >> 8)); be.append(UInt8(u & 0xFF))
        }
        #expect(try FeedParser.parse(le, context: ExtractionContext(url: "")).articles.map(\.title) == ["Ünï"])
        #expect(try FeedParser.parse(be, context: ExtractionContext(url: "")).articles.map(\.title) == ["Ünï"])
    }
}

@Suite struct EscapedMarkupInTitleTests {
    func titles(_ items: [String], channel: String = "<title>C</title>") throws -> (String?, [String]) {
        let body = items.map { "<item>\($0)<link>https://e.example/x</link></item>" }.joined()
        let f = try parse("<rss version=\"2.0\"><channel>\(channel)\(body)</channel></rss>")
        return (f.title, f.articles.map(\.title))
    }

    @Test func escapedMarkupStaysText() throws {
        let (_, t) = try titles([
            "<title>#include &lt;/etc/shadow&gt;</title>",
            "<title>Vec&lt;String&gt; &amp;&amp; Option&lt;T&gt;</title>",
            "<title>&#60;script&#62;alert(1)&#60;/script&#62;</title>",
            "<title>a &amp;lt; b</title>",  // double-escaped: one level of decoding
        ])
        #expect(t == ["#include </etc/shadow>", "Vec<String> && Option<T>", "<script>alert(1)</script>", "a &lt; b"])
    }

    @Test func realMarkupIsStripped() throws {
        let (_, t) = try titles([
            "<title><![CDATA[<b>Bold</b> &amp; <i>co</i>]]></title>",
            "<title>Literal <b>child</b> tag</title>",
            "<title><![CDATA[#include]]> &lt;stdio.h&gt;</title>",
            "<title>Keep <!-- comment -->this</title>",
        ])
        #expect(t == ["Bold & co", "Literal child tag", "#include <stdio.h>", "Keep this"])
    }

    @Test func channelTitleToo() throws {
        let (c, _) = try titles(["<title>x</title>"], channel: "<title>Tips &lt;/dev/null&gt;</title>")
        #expect(c == "Tips </dev/null>")
    }

    @Test func descriptionsStillRenderEscapedHTML() throws {
        let f = try parse("""
        <rss version="2.0"><channel><item><title>t</title>
        <description>&lt;p&gt;One &lt;b&gt;bold&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Two&lt;/p&gt;</description></item></channel></rss>
        """)
        #expect(f.articles.first?.text == "One bold\n\nTwo")
    }

    @Test func atomHTMLTitleIsMarkup() throws {
        let f = try parse("""
        <feed xmlns="http://www.w3.org/2005/Atom"><title>F</title>
        <entry><title type="html">A &lt;em&gt;b&lt;/em&gt;</title><id>1</id></entry>
        <entry><title type="text">A &lt;em&gt;b&lt;/em&gt;</title><id>2</id></entry>
        <entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">A <em>b</em> &lt;c&gt;</div></title><id>3</id></entry>
        </feed>
        """)
        #expect(f.articles.map(\.title) == ["A b", "A <em>b</em>", "A b <c>"])
    }
}
