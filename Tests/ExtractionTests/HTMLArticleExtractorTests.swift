import Articles
import Foundation
import Testing
@testable import Extraction

@Suite struct HTMLArticleExtractorTests {
    static let prose = [
        "The river authority confirmed on Thursday that the old stone bridge will close for repairs, after inspectors found cracks in two of its five arches during the spring survey.",
        "Engineers expect the work to take eighteen months, and a temporary footbridge, paid for by the county, will carry pedestrians and cyclists across the water in the meantime.",
        "Residents of the eastern bank, who rely on the bridge to reach the market and the railway station, asked for an extra bus line, which the council agreed to study.",
        "The bridge, built in 1788, is the oldest crossing in the region still open to traffic, and it carried more than nine thousand vehicles a day before the weight limit was lowered.",
    ]

    static func page(head: String = "", extraBody: String = "", lang: String = "en") -> String {
        """
        <!DOCTYPE html><html lang="\(lang)"><head><title>Old bridge to close for repairs | The Valley Gazette</title>\(head)</head>
        <body>
        <header class="site-header"><nav class="menu"><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav></header>
        <div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience. Accept all cookies?</div>
        <main><article class="post-content">
        <h1>Old bridge to close for repairs</h1>
        <div class="byline">By Jane Doe</div>
        <p>\(prose[0])</p>
        <div class="share-bar"><a href="https://share.example/fb">Share on Facebook</a> <a href="https://share.example/tw">Tweet</a></div>
        <p>\(prose[1])</p>
        <figure><img src="bridge.jpg"><figcaption>The bridge seen from the western bank in April, before inspectors closed one lane.</figcaption></figure>
        <blockquote><p>\(prose[2])</p></blockquote>
        <ul><li>Closure starts on the first of June and lasts eighteen months.</li><li>A footbridge opens two weeks before the closure.</li></ul>
        <p>\(prose[3])</p>
        </article></main>
        <aside class="related-links"><h3>Related</h3><ul><li><a href="/a">Council votes budget</a></li><li><a href="/b">New bus line</a></li></ul></aside>
        <div class="comments"><h3>Comments</h3><p>First! Great article, thanks for sharing this with everyone here.</p></div>
        <footer class="site-footer">© 2024 The Valley Gazette. All rights reserved. <a href="/privacy">Privacy</a></footer>
        \(extraBody)
        </body></html>
        """
    }

    func extract(_ html: String, url: String = "https://gazette.example/bridge") throws -> (Article, PageMetadata) {
        let doc = try DocumentExtractor().extract(Array(html.utf8), context: ExtractionContext(url: url))
        #expect(doc.kind == .htmlPage)
        return (try #require(doc.articles.first), try #require(doc.pageMetadata))
    }

    @Test func keepsStoryDropsBoilerplate() throws {
        let (a, _) = try extract(Self.page())
        for p in Self.prose { #expect(a.text.contains(p)) }
        #expect(a.text.contains("Closure starts on the first of June"))
        // A caption in the article's flow stays for readers and is listed in `captions`, which the
        // canonical text leaves out (DESIGN.md): two sites carrying one story caption different photos.
        let caption = "The bridge seen from the western bank in April, before inspectors closed one lane."
        #expect(a.text.contains(caption))
        #expect(a.captions == [caption])
        for junk in ["Home", "cookies", "Share on Facebook", "Council votes budget", "First! Great article", "All rights reserved"] {
            #expect(!a.text.contains(junk), "boilerplate left in body: \(junk)")
        }
        // Paragraphs separated by exactly one blank line, no line starting or ending with spaces.
        #expect(!a.text.contains("\n\n\n"))
        #expect(a.text.contains(Self.prose[0] + "\n\n"))
    }

    @Test func titleLosesSiteSuffixAndBylineIsFound() throws {
        let (a, md) = try extract(Self.page())
        #expect(a.title == "Old bridge to close for repairs")
        #expect(md.byline == "By Jane Doe")
        #expect(a.authors == ["Jane Doe"])
        #expect(a.language == "en")
        #expect(!a.text.hasPrefix("Old bridge to close"), "a heading repeating the title is dropped from the body")
    }

    @Test func metadataRanking() throws {
        let head = """
        <meta name="twitter:title" content="Twitter title of the bridge story">
        <meta property="og:title" content="OpenGraph title of the bridge story">
        <meta property="og:site_name" content="The Valley Gazette">
        <meta name="author" content="Meta Author">
        <meta property="article:published_time" content="2024-05-02T08:30:00+02:00">
        <meta name="description" content="A short summary.">
        <link rel="canonical" href="https://gazette.example/news/bridge">
        """
        let (a, md) = try extract(Self.page(head: head))
        #expect(a.title == "OpenGraph title of the bridge story", "og:title outranks twitter:title and <title>")
        #expect(md.byline == "Meta Author", "meta author outranks the visible byline")
        #expect(md.publishedRaw == "2024-05-02T08:30:00+02:00")
        #expect(a.source == "The Valley Gazette")
        #expect(a.summary == "A short summary.")
        #expect(a.canonicalURL == "https://gazette.example/news/bridge")
        let dc = head + "<meta name=\"DC.title\" content=\"Dublin Core title\">"
        let (b, _) = try extract(Self.page(head: dc))
        #expect(b.title == "Dublin Core title", "Dublin Core outranks OpenGraph")
    }

    @Test func parselyAndWeiboNames() throws {
        let head = """
        <meta name="parsely-title" content="Parsely title of the bridge story">
        <meta name="parsely-pub-date" content="2024-04-20T04:20:00.000Z">
        <meta name="parsely-author" content="Jane Parsely">
        """
        let (a, md) = try extract(Self.page(head: head))
        #expect(a.title == "Parsely title of the bridge story")
        #expect(md.publishedRaw == "2024-04-20T04:20:00.000Z")
        #expect(a.publishedAt == Timestamp(secondsSinceEpoch: 1_713_586_800))
        #expect(md.byline == "Jane Parsely")
    }

    @Test func titleCleaning() {
        let none: () -> [String] = { [] }
        #expect(TitleCleaner.clean("Old bridge to close for repairs | The Valley Gazette", headings: none, h1s: none) == "Old bridge to close for repairs")
        #expect(TitleCleaner.clean("Old bridge to close for repairs – Gazette", headings: none, h1s: none) == "Old bridge to close for repairs")
        // Too few words left: keep the original.
        #expect(TitleCleaner.clean("Bridge | Gazette", headings: none, h1s: none) == "Bridge | Gazette")
        #expect(TitleCleaner.clean("Gazette: Old bridge to close for repairs", headings: none, h1s: none) == "Old bridge to close for repairs")
    }

    @Test func noArticlePages() {
        let ctx = ExtractionContext(url: "https://x.example/")
        let notFound = "<html><head><title>404 Not Found</title></head><body><h1>Page not found</h1><p>Sorry, we could not find that page.</p></body></html>"
        let index = "<html><head><title>News</title></head><body><ul>" + (0..<40).map { "<li><a href=\"/s\($0)\">Headline number \($0) of the day</a></li>" }.joined() + "</ul></body></html>"
        let login = "<html><head><title>Sign in</title></head><body><form><input name=u><input type=password name=p><button>Log in</button></form><p>Subscribe to continue reading.</p></body></html>"
        let wall = "<html><head><title>Markets rally as rates fall | Daily Ledger</title></head><body><article><h1>Markets rally as rates fall</h1><p>Stocks climbed on Tuesday after the central bank cut its main rate for the first time in two years, lifting banks and builders.</p><div class=\"paywall\"><p>Subscribe to continue reading. Already a subscriber? Sign in.</p></div></article></body></html>"
        let softError = "<html><head><title>The Daily Ledger</title></head><body><h1>Sorry, page not found</h1><p>The page you were looking for may have moved. Try the search box or go back to the front page of the site.</p></body></html>"
        for html in [notFound, index, login, wall, softError, "<html><body></body></html>"] {
            #expect(throws: ExtractionError.self) { try DocumentExtractor().extract(Array(html.utf8), context: ctx) }
            do { _ = try DocumentExtractor().extract(Array(html.utf8), context: ctx) } catch {
                if case .noArticle = error {} else { Issue.record("expected noArticle, got \(error)") }
            }
        }
    }

    @Test func shortBriefWithAlarmingTitleIsStillAnArticle() throws {
        let html = "<html><head><title>Terror alert lifted at central station | Daily Ledger</title></head><body><article><h1>Terror alert lifted at central station</h1><p>Police lifted the alert at the central station on Sunday evening after a suspicious bag turned out to hold only clothes, and trains resumed within the hour.</p></article></body></html>"
        let doc = try DocumentExtractor().extract(Array(html.utf8), context: ExtractionContext(url: "https://x.example/"))
        #expect(doc.articles.first?.title == "Terror alert lifted at central station")
    }

    @Test func typedErrorsForBadInput() {
        let ctx = ExtractionContext(url: "u", limits: ExtractionLimits(maxDocumentBytes: 1000))
        #expect(throws: ExtractionError.empty) { try DocumentExtractor().extract([], context: ctx) }
        #expect(throws: ExtractionError.tooLarge(bytes: 2000, limit: 1000)) { try DocumentExtractor().extract(Array(repeating: 0x41, count: 2000), context: ctx) }
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
        #expect(throws: ExtractionError.binary(reason: "PNG image")) { try DocumentExtractor().extract(png, context: ctx) }
    }

    @Test func detection() {
        #expect(DocumentSniffer.detect(Array("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>".utf8), hint: .auto, contentType: nil) == .feed)
        #expect(DocumentSniffer.detect(Array("<feed xmlns=\"http://www.w3.org/2005/Atom\">".utf8), hint: .page, contentType: "text/html") == .feed)
        #expect(DocumentSniffer.detect(Array("{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[]}".utf8), hint: .auto, contentType: nil) == .feed)
        #expect(DocumentSniffer.detect(Array("<!doctype html><html><body>".utf8), hint: .feed, contentType: nil) == .htmlPage)
        #expect(DocumentSniffer.detect(Array("logo\nA title here\n".utf8), hint: .auto, contentType: nil) == .textDump)
    }

    @Test func charsetSniffing() {
        #expect(CharsetSniffer.sniff(Array("<html><head><meta charset=\"windows-1252\">".utf8), contentType: nil) == "windows-1252")
        #expect(CharsetSniffer.sniff(Array("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\">".utf8), contentType: nil) == "shift_jis")
        #expect(CharsetSniffer.sniff(Array("<html>".utf8), contentType: "text/html; charset=ISO-8859-1") == "iso-8859-1")
        #expect(CharsetSniffer.sniff(Array("<html>".utf8), contentType: nil) == nil)
    }
}

@Suite struct DateCandidatesTests {
    func c(_ s: String) -> String? { DateCandidates.candidate(Array(s.utf8)[...]) }

    @Test func recognisesDateShapedSnippets() {
        #expect(c("  March 25, 2015 ") == "March 25, 2015")
        #expect(c("2019-04-28 06:01") == "2019-04-28 06:01")
        #expect(c("21.12.2018 às 10h55") != nil)
        #expect(c("Founded in 2015 by three friends") == nil)
        #expect(c("Call 555-1234 today") == nil)
        #expect(c("Chapter 12") == nil)
    }

    @Test func budgetBoundsTheSearch() {
        let filler = String(repeating: "<p>" + String(repeating: "x", count: 100) + "</p>", count: 2000)
        let html = "<html><body>\(filler)<p>March 25, 2015</p></body></html>"
        let doc = HTMLParser.parse(Array(html.utf8))
        #expect(DateCandidates.collect(doc, budgetBytes: 64 * 1024).isEmpty, "date beyond the budget is not searched")
        #expect(DateCandidates.collect(doc, budgetBytes: 1 << 20) == ["March 25, 2015"])
    }
}

@Suite struct LinkedDataTests {
    static func page(_ ld: String, title: String = "Bridge closes | Gazette") -> String {
        HTMLArticleExtractorTests.page(head: "<script type=\"application/ld+json\">\(ld)</script>")
            .replacingOccurrences(of: "<title>Old bridge to close for repairs | The Valley Gazette</title>", with: "<title>\(title)</title>")
    }

    func extract(_ html: String) throws -> (Article, PageMetadata) {
        let doc = try DocumentExtractor().extract(Array(html.utf8), context: ExtractionContext(url: "https://gazette.example/news/bridge", fetchedAt: nil))
        return (try #require(doc.articles.first), try #require(doc.pageMetadata))
    }

    @Test func jsonLDOutranksMetaTags() throws {
        let ld = #"{"@context":"https://schema.org","@type":"NewsArticle","headline":"Old stone bridge closes for repairs","author":[{"@type":"Person","name":"Ana Pérez"},{"@type":"Person","name":"Tom Roe"}],"datePublished":"2024-05-02T08:30:00+02:00","publisher":{"@type":"Organization","name":"Valley Gazette"}}"#
        let html = Self.page(ld).replacingOccurrences(of: "</head>", with: "<meta property=\"og:title\" content=\"OG title\"><meta name=\"author\" content=\"Meta Author\"></head>")
        let (a, md) = try extract(html)
        #expect(a.title == "Old stone bridge closes for repairs")
        #expect(md.byline == "Ana Pérez, Tom Roe")
        #expect(a.authors == ["Ana Pérez", "Tom Roe"])
        #expect(a.source == "Valley Gazette")
        #expect(a.publishedAt == Timestamp(secondsSinceEpoch: 1_714_631_400)) // 2024-05-02T06:30:00Z
    }

    @Test func graphAndContextObject() throws {
        let ld = #"{"@context":{"@vocab":"http://schema.org/"},"@graph":[{"@type":"WebPage","name":"Page"},{"@type":"BlogPosting","headline":"Graph headline here","author":{"name":"Graph Author"}}]}"#
        let (a, md) = try extract(Self.page(ld))
        #expect(a.title == "Graph headline here")
        #expect(md.byline == "Graph Author")
    }

    @Test func nonArticleOrBrokenJSONLDIsIgnored() throws {
        for ld in [#"{"@context":"https://schema.org","@type":"Organization","name":"Gazette Inc"}"#, #"{"@context":"https://schema.org","@type":"NewsArticle","headline":"#, "<![CDATA[ not json ]]>"] {
            let (a, _) = try extract(Self.page(ld, title: "Old bridge to close for repairs | The Valley Gazette"))
            #expect(a.title == "Old bridge to close for repairs")
        }
    }

    @Test func relativeCanonicalIsResolved() throws {
        let html = HTMLArticleExtractorTests.page(head: "<link rel=\"canonical\" href=\"/news/bridge?x=1\">")
        let (a, _) = try extract(html)
        #expect(a.canonicalURL == "https://gazette.example/news/bridge?x=1")
    }

    @Test func entitiesInTitleAndBodyAreDecoded() throws {
        let html = HTMLArticleExtractorTests.page(extraBody: "").replacingOccurrences(of: "Old bridge to close for repairs |", with: "Old &quot;stone&quot; bridge&#160;to close &amp; repairs |")
            .replacingOccurrences(of: "Engineers expect", with: "Engineers&nbsp;&mdash; expect")
        let (a, _) = try extract(html)
        #expect(a.title == "Old \"stone\" bridge\u{A0}to close & repairs")
        #expect(a.text.contains("Engineers\u{A0}— expect"))
    }
}

@Suite struct LegacyEncodingTests {
    @Test func windows1252PageIsDecoded() throws {
        var bytes = Array("<html><head><meta charset=\"windows-1252\"><title>Caf".utf8) + [0xE9] + Array(" prices rise again in the old town | Gazette</title></head><body><article>".utf8)
        for _ in 0..<6 {
            bytes += Array("<p>The caf".utf8) + [0xE9] + Array(" on the square raised the price of an espresso for the second time this year, citing the cost of beans and rent, and regulars grumbled.</p>".utf8)
        }
        bytes += Array("</article></body></html>".utf8)
        let doc = try DocumentExtractor().extract(bytes, context: ExtractionContext(url: "https://x.example/"))
        let a = try #require(doc.articles.first)
        #expect(a.title == "Café prices rise again in the old town")
        #expect(a.text.contains("The café on the square"))
        #expect(!a.text.contains("\u{FFFD}"))
    }

    @Test func utf16PagesWithAndWithoutBOM() throws {
        let html = HTMLArticleExtractorTests.page()
        var le: [UInt8] = []
        for u in html.utf16 { le.append(UInt8(u & 0xFF)); le.append(UInt8(u >> 8)) }
        for bytes in [[0xFF, 0xFE] + le, le] {
            let doc = try DocumentExtractor().extract(bytes, context: ExtractionContext(url: "https://x.example/"))
            let a = try #require(doc.articles.first)
            #expect(a.title == "Old bridge to close for repairs")
            #expect(a.text.contains(HTMLArticleExtractorTests.prose[0]))
            #expect(!a.text.contains("\u{0}"))
        }
    }

    @Test func undeclaredInvalidUTF8BecomesValidText() throws {
        var bytes = Array("<html><body><article>".utf8)
        for _ in 0..<6 { bytes += Array("<p>Bytes ".utf8) + [0xC3, 0x28, 0xFF] + Array(" inside a paragraph of otherwise ordinary prose that goes on for a while, long enough to count as an article.</p>".utf8) }
        bytes += Array("</article></body></html>".utf8)
        let doc = try DocumentExtractor().extract(bytes, context: ExtractionContext(url: "https://x.example/"))
        let a = try #require(doc.articles.first)
        #expect(a.text.contains("ordinary prose"))
        #expect(Array(a.text.utf8).count == a.text.utf8.count)
    }
}

@Suite struct CharsetDecisionTests {
    @Test func validUTF8WinsOverAStaleDeclaration() {
        let bytes = Array("<meta charset=gb2312><title>新电脑</title>".utf8)
        let (out, warnings) = TextDecoding.toUTF8(bytes, declared: "gb2312")
        #expect(out == bytes)
        #expect(warnings.count == 1)
    }

    @Test func legacyBytesAreConverted() {
        let bytes: [UInt8] = Array("caf".utf8) + [0xE9]
        let (out, _) = TextDecoding.toUTF8(bytes, declared: "iso-8859-1")
        #expect(String(decoding: out, as: UTF8.self) == "café")
    }
}
