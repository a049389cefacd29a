import Articles
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
        #expect(a.text.contains("The bridge seen from the western bank"), "figure caption belongs to the story")
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
        for html in [notFound, index, login, "<html><body></body></html>"] {
            #expect(throws: ExtractionError.self) { try DocumentExtractor().extract(Array(html.utf8), context: ctx) }
            do { _ = try DocumentExtractor().extract(Array(html.utf8), context: ctx) } catch {
                if case .noArticle = error {} else { Issue.record("expected noArticle, got \(error)") }
            }
        }
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
