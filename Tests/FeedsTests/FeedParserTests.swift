import Testing
import Articles
import Feeds

func parse(_ s: String, url: String = "https://example.com/feed.xml", fetchedAt: Timestamp? = nil,
           limits: ExtractionLimits = .init()) throws -> ParsedFeed {
    try FeedParser.parse(Array(s.utf8), context: ExtractionContext(url: url, fetchedAt: fetchedAt, sourceHint: "Hint", limits: limits))
}

@Suite struct FeedFormatTests {
    @Test func detectsFormats() {
        #expect(FeedFormat.detect(Array("<?xml version=\"1.0\"?>\n<!-- c --><rss version=\"2.0\"><channel/></rss>".utf8)) == .rss)
        #expect(FeedFormat.detect(Array("<rdf:RDF xmlns:rdf=\"x\"></rdf:RDF>".utf8)) == .rdf)
        #expect(FeedFormat.detect(Array("<feed xmlns=\"http://www.w3.org/2005/Atom\">".utf8)) == .atom10)
        #expect(FeedFormat.detect(Array("<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\">".utf8)) == .atom03)
        #expect(FeedFormat.detect(Array("\u{FEFF}  <atom:feed xmlns:atom=\"http://www.w3.org/2005/Atom\">".utf8)) == .atom10)
        #expect(FeedFormat.detect(Array("{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[]}".utf8)) == .jsonFeed)
        #expect(FeedFormat.detect(Array("<!DOCTYPE html><html><body></body></html>".utf8)) == nil)
        #expect(FeedFormat.detect(Array("just text".utf8)) == nil)
        #expect(FeedFormat.detect([]) == nil)
    }

    @Test func htmlIsNotAFeed() {
        #expect(throws: FeedError.notAFeed) { try parse("<html><head><title>x</title></head></html>") }
    }
}

@Suite struct RSSTests {
    let rss = """
    <?xml version="1.0" encoding="utf-8"?>
    <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
         xmlns:media="http://search.yahoo.com/mrss/" xmlns:atom="http://www.w3.org/2005/Atom">
    <channel>
      <title>Example &amp; Co</title>
      <link>https://example.com/</link>
      <language>en-us</language>
      <atom:link href="https://example.com/feed.xml" rel="self"/>
      <image><title>Logo title</title><url>https://example.com/logo.png</url></image>
      <item>
        <title>First &lt;b&gt;bold&lt;/b&gt; story</title>
        <link>/2024/first?utm_source=rss</link>
        <guid isPermaLink="false">id-1</guid>
        <pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate>
        <dc:creator>Ann Lee</dc:creator>
        <category>World</category><category>Politics</category>
        <description>Short summary.</description>
        <content:encoded><![CDATA[<p>Para one &amp; more.</p><script>evil()</script><p>Para   two<br/>line</p>]]></content:encoded>
        <media:content url="https://cdn.example.com/a.jpg" medium="image"/>
      </item>
      <item>
        <title>Second</title>
        <guid>https://example.com/2</guid>
        <dc:date>2003-06-11T08:00:00+02:00</dc:date>
        <description>&lt;p&gt;Escaped &lt;i&gt;html&lt;/i&gt; body&lt;/p&gt;</description>
      </item>
    </channel>
    </rss>
    """

    @Test func parsesChannelAndItems() throws {
        let f = try parse(rss)
        #expect(f.format == .rss)
        #expect(f.title == "Example & Co")
        #expect(f.link == "https://example.com/")
        #expect(f.language == "en-us")
        #expect(!f.isMalformed)
        #expect(f.articles.count == 2)
        let a = f.articles[0]
        #expect(a.title == "First <b>bold</b> story")  // escaped markup in a title is text (issue 11)
        #expect(a.url == "https://example.com/2024/first?utm_source=rss")
        #expect(a.canonicalURL == "https://example.com/2024/first")
        #expect(a.entryID == "id-1")
        #expect(a.publishedAt.map(RFC3339.format) == "2003-06-10T04:00:00Z")
        #expect(a.authors == ["Ann Lee"])
        #expect(a.categories == ["World", "Politics"])
        #expect(a.text == "Para one & more.\n\nPara two\n\nline")
        #expect(a.summary == "Short summary.")
        #expect(a.imageURL == "https://cdn.example.com/a.jpg")
        #expect(a.source == "Example & Co")
        #expect(a.feedURL == "https://example.com/feed.xml")
        #expect(a.language == "en-us")
        let b = f.articles[1]
        #expect(b.url == "https://example.com/2")  // permalink guid used as link
        #expect(b.publishedAt.map(RFC3339.format) == "2003-06-11T06:00:00Z")
        #expect(b.text == "Escaped html body")
    }

    @Test func rss091WithoutNamespaces() throws {
        let f = try parse("<rss version=\"0.91\"><channel><title>Old</title><item><title>A</title><link>http://a.example/1</link></item></channel></rss>")
        #expect(f.articles.map(\.title) == ["A"])
        #expect(f.articles.first?.url == "http://a.example/1")
    }

    @Test func sourceHintWhenNoTitle() throws {
        let f = try parse("<rss><channel><item><title>A</title></item></channel></rss>")
        #expect(f.articles.first?.source == "Hint")
    }

    @Test func relativeDatesUseFetchedAt() throws {
        let ref = DateParser.parse("2024-01-10T00:00:00Z")
        let f = try parse("<rss><channel><item><title>A</title><pubDate>2 days ago</pubDate></item></channel></rss>", fetchedAt: ref)
        #expect(f.articles.first?.publishedAt.map(RFC3339.format) == "2024-01-08T00:00:00Z")
    }
}

@Suite struct RDFTests {
    @Test func parsesRSS10() throws {
        let f = try parse("""
        <?xml version="1.0"?>
        <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
          <channel rdf:about="https://example.org/"><title>RDF Site</title><link>https://example.org/</link></channel>
          <item rdf:about="https://example.org/a"><title>Item A</title><link>https://example.org/a</link>
            <dc:date>2024-02-03T04:05:06Z</dc:date><dc:creator>Bob</dc:creator><description>Text A</description></item>
          <item rdf:about="https://example.org/b"><title>Item B</title><link>https://example.org/b</link></item>
        </rdf:RDF>
        """)
        #expect(f.format == .rdf)
        #expect(f.title == "RDF Site")
        #expect(f.articles.map(\.title) == ["Item A", "Item B"])
        #expect(f.articles[0].entryID == "https://example.org/a")
        #expect(f.articles[0].publishedAt.map(RFC3339.format) == "2024-02-03T04:05:06Z")
        #expect(f.articles[0].authors == ["Bob"])
        #expect(f.articles[0].text == "Text A")
    }
}

@Suite struct AtomTests {
    @Test func parsesAtom10() throws {
        let f = try parse("""
        <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr" xml:base="https://blog.example.net/">
          <title type="text">Blog &lt;3</title>
          <link rel="self" href="/atom.xml"/><link rel="alternate" href="/"/>
          <entry>
            <title type="html">Hello &lt;em&gt;world&lt;/em&gt;</title>
            <link rel="replies" href="/c"/><link rel="alternate" type="text/html" href="posts/1"/>
            <id>urn:uuid:1</id>
            <published>2024-03-01T10:00:00-05:00</published><updated>2024-03-02T00:00:00Z</updated>
            <author><name>Zoé</name><email>z@example.net</email></author>
            <category term="swift"/><category term="linux"/>
            <summary>Sum</summary>
            <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>One</p><p>Two &amp; three</p></div></content>
          </entry>
          <entry xml:base="https://other.example/x/">
            <title>Plain &lt;tag&gt; text</title><link href="y"/><id>urn:uuid:2</id><updated>2024-03-03T00:00:00Z</updated>
          </entry>
        </feed>
        """)
        #expect(f.format == .atom10)
        #expect(f.title == "Blog <3")
        #expect(f.link == "https://blog.example.net/")
        #expect(f.language == "fr")
        let a = f.articles[0]
        #expect(a.title == "Hello world")
        #expect(a.url == "https://blog.example.net/posts/1")
        #expect(a.entryID == "urn:uuid:1")
        #expect(a.publishedAt.map(RFC3339.format) == "2024-03-01T15:00:00Z")
        #expect(a.authors == ["Zoé"])
        #expect(a.categories == ["swift", "linux"])
        #expect(a.text == "One\n\nTwo & three")
        #expect(a.summary == "Sum")
        let b = f.articles[1]
        #expect(b.title == "Plain <tag> text")  // type="text": not HTML
        #expect(b.url == "https://other.example/x/y")
        #expect(b.publishedAt.map(RFC3339.format) == "2024-03-03T00:00:00Z")  // updated as fallback
    }

    @Test func parsesAtom03() throws {
        let f = try parse("""
        <feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Old Atom</title>
          <entry><title>E</title><link rel="alternate" type="text/html" href="http://example.org/e"/>
          <issued>2004-01-01T00:00:00Z</issued><modified>2004-01-02T00:00:00Z</modified>
          <content type="text/html" mode="escaped">&lt;p&gt;Body&lt;/p&gt;</content>
          <author><name>Old Author</name></author></entry>
        </feed>
        """)
        #expect(f.format == .atom03)
        #expect(f.articles.first?.publishedAt.map(RFC3339.format) == "2004-01-01T00:00:00Z")
        #expect(f.articles.first?.url == "http://example.org/e")
        #expect(f.articles.first?.text == "Body")
        #expect(f.articles.first?.authors == ["Old Author"])
    }
}

@Suite struct JSONFeedTests {
    @Test func parsesJSONFeed11() throws {
        let f = try parse("""
        {"version": "https://jsonfeed.org/version/1.1", "title": "JF", "home_page_url": "https://jf.example/",
         "language": "de", "authors": [{"name": "Feed Author"}],
         "items": [
          {"id": "1", "url": "/p/1", "title": "Eins", "content_html": "<p>A</p><p>B</p>",
           "date_published": "2024-04-01T12:00:00+02:00", "tags": ["x"], "image": "https://jf.example/i.png"},
          {"id": 2, "title": "Zwei", "content_text": "plain\\n\\ntext", "authors": [{"name": "Item Author"}]}
         ]}
        """, url: "https://jf.example/feed.json")
        #expect(f.format == .jsonFeed)
        #expect(f.title == "JF")
        #expect(f.articles.count == 2)
        #expect(f.articles[0].url == "https://jf.example/p/1")
        #expect(f.articles[0].text == "A\n\nB")
        #expect(f.articles[0].publishedAt.map(RFC3339.format) == "2024-04-01T10:00:00Z")
        #expect(f.articles[0].authors == ["Feed Author"])
        #expect(f.articles[0].language == "de")
        #expect(f.articles[1].entryID == "2")
        #expect(f.articles[1].text == "plain\n\ntext")
        #expect(f.articles[1].authors == ["Item Author"])
    }

    @Test func invalidJSONFeedIsTypedError() {
        #expect(throws: FeedError.self) { try parse("{\"version\": \"https://jsonfeed.org/version/1\", \"items\": [") }
    }
}

@Suite struct MalformedFeedTests {
    @Test func recoversFromBrokenMarkup() throws {
        let f = try parse("""
        <rss><channel><title>Broken & Co</title>
        <item><title>Fish & Chips &nbsp;&undeclared; here</title><link>http://x.example/1?a=1&b=2</link></item>
        <item><title>No end tag<link>http://x.example/2</link></item>
        <item><title>Bad <b>nesting</i></b></title><link>http://x.example/3</link></item>
        <item><title>Truncated</title><link>http://x.example/4
        """)
        #expect(f.isMalformed)
        #expect(f.title == "Broken & Co")
        #expect(f.articles.count == 4)
        #expect(f.articles[0].title == "Fish & Chips &undeclared; here")
        #expect(f.articles[0].url == "http://x.example/1?a=1&b=2")
        #expect(f.articles[2].title == "Bad nesting")
        #expect(f.articles[3].title == "Truncated")
    }

    @Test func noEntityExpansion() throws {
        var s = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
        for k in 1...9 { s += "<!ENTITY lol\(k) \"" + String(repeating: "&lol\(k - 1);", count: 10) + "\">" }
        s += "<!ENTITY ext SYSTEM \"file:///etc/passwd\">]><rss><channel><item><title>&lol9;&ext;</title></item></channel></rss>"
        let f = try parse(s)
        #expect(f.articles.first?.title == "&lol9;&ext;")
    }

    @Test func caps() throws {
        let big = [UInt8](repeating: 0x20, count: 2000)
        #expect(throws: FeedError.tooLarge(bytes: 2000, limit: 1000)) {
            try FeedParser.parse(big, context: ExtractionContext(url: "", limits: ExtractionLimits(maxDocumentBytes: 1000)))
        }
        let many = "<rss><channel>" + String(repeating: "<item><title>t</title></item>", count: 50) + "</channel></rss>"
        let f = try parse(many, limits: ExtractionLimits(maxEntries: 10))
        #expect(f.articles.count == 10)
        #expect(f.warnings.contains(.entriesTruncated(kept: 10)))
        let deep = "<rss><channel><item><title>d</title>" + String(repeating: "<x>", count: 5000) + "</item></channel></rss>"
        let g = try parse(deep, limits: ExtractionLimits(maxNestingDepth: 64))
        #expect(g.articles.count == 1)
        #expect(g.isMalformed)
    }
}

@Suite struct FeedCharsetTests {
    @Test func latin1Declaration() throws {
        let head = Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><channel><item><title>Caf".utf8)
        let f = try FeedParser.parse(head + [0xE9, 0x20, 0x93, 0x78, 0x94] + Array("</title></item></channel></rss>".utf8),
                                     context: ExtractionContext(url: ""))
        #expect(f.charset == "windows-1252")
        #expect(f.articles.first?.title == "Café \u{201C}x\u{201D}")
    }

    @Test func shiftJISDeclaration() throws {
        let head = Array("<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><rss><channel><item><title>".utf8)
        let f = try FeedParser.parse(head + [0x93, 0xFA, 0x96, 0x7B] + Array("</title></item></channel></rss>".utf8),
                                     context: ExtractionContext(url: ""))
        #expect(f.articles.first?.title == "日本")
    }

    @Test func utf16WithBOM() throws {
        let s = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss><channel><item><title>Ünï</title></item></channel></rss>"
        var bytes: [UInt8] = [0xFF, 0xFE]
        for u in s.utf16 { bytes.append(UInt8(u & 0xFF)); bytes.append(UInt8(u >> 8)) }
        let f = try FeedParser.parse(bytes, context: ExtractionContext(url: ""))
        #expect(f.articles.first?.title == "Ünï")
    }

    @Test func httpCharsetWhenNoDeclaration() throws {
        let bytes = Array("<rss><channel><item><title>".utf8) + [0xC7, 0xD1] + Array("</title></item></channel></rss>".utf8)
        let f = try FeedParser.parse(bytes, context: ExtractionContext(url: "", contentType: "application/rss+xml; charset=EUC-KR"))
        #expect(f.articles.first?.title == "한")
    }
}

@Suite struct FeedCorpusFormatterTests {
    @Test func predictionShape() throws {
        let f = try parse("<rss><channel><title>T</title><item><title>A</title><link>http://a/1</link><guid>g</guid><pubDate>2024-01-01T00:00:00Z</pubDate><author>me</author></item></channel></rss>")
        let v = try JSONReader.parse(FeedCorpusFormatter.encode([("feed1", f), ("missing", nil)]))
        #expect(v["feed1"]?["title"]?.stringValue == "T")
        let e = try #require(v["feed1"]?["entries"]?.arrayValue?.first)
        #expect(e["title"]?.stringValue == "A")
        #expect(e["link"]?.stringValue == "http://a/1")
        #expect(e["id"]?.stringValue == "g")
        #expect(e["published"]?.stringValue == "2024-01-01T00:00:00Z")
        #expect(e["author"]?.stringValue == "me")
        #expect(v["missing"]?["entries"] == .array([]))
    }
}

@Suite struct AuthorTests {
    @Test func rssAuthorEmailAndName() throws {
        let f = try parse("<rss><channel><item><title>A</title><author>ed@example.com (Ed Itor)</author></item><item><title>B</title><author>only@example.com</author></item></channel></rss>")
        #expect(f.articles[0].authors == ["Ed Itor"])
        #expect(f.articles[1].authors == ["only@example.com"])
    }
}
