import Articles
import Feeds
import Testing
@testable import Extraction

@Suite struct DocumentExtractorTests {
    let ctx = ExtractionContext(url: "https://feeds.example/rss", fetchedAt: Timestamp(secondsSinceEpoch: 1_700_000_000), kindHint: .page)

    @Test func rssGoesToTheFeedParserWhateverTheHint() throws {
        let rss = """
        <?xml version="1.0"?><rss version="2.0"><channel><title>Example Feed</title>
        <item><title>First &amp; best</title><link>/a</link><guid>a1</guid><pubDate>Tue, 14 Nov 2023 22:13:20 GMT</pubDate></item>
        <item><title>Second</title><link>https://feeds.example/b</link></item>
        </channel></rss>
        """
        let doc = try DocumentExtractor().extract(Array(rss.utf8), context: ctx)
        #expect(doc.kind == .feed)
        #expect(doc.feedTitle == "Example Feed")
        #expect(doc.articles.map(\.title) == ["First & best", "Second"])
        #expect(doc.articles.first?.url == "https://feeds.example/a")
        #expect(doc.articles.first?.publishedAt == Timestamp(secondsSinceEpoch: 1_700_000_000))
    }

    @Test func jsonFeedIsDetected() throws {
        let json = #"{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{"id":"1","title":"Hello","content_text":"Body"}]}"#
        let doc = try DocumentExtractor().extract(Array(json.utf8), context: ctx)
        #expect(doc.kind == .feed)
        #expect(doc.articles.count == 1)
    }

    @Test func pageMentioningChannelIsStillAPage() throws {
        let html = "<channel>" + HTMLArticleExtractorTests.page()
        let doc = try DocumentExtractor().extract(Array(html.utf8), context: ExtractionContext(url: "https://x.example/", kindHint: .feed))
        #expect(doc.kind == .htmlPage)
        #expect(doc.articles.first?.title == "Old bridge to close for repairs")
    }

    @Test func textDumpIsDetected() throws {
        let dump = "Masthead\nLocal library extends its opening hours for the winter\nLocal library extends its opening hours for the winter\nTown Crier · 3 hours ago\nThe central library will stay open until nine in the evening from December, the town said, after a petition signed by more than two thousand readers.\n"
        let doc = try DocumentExtractor().extract(Array(dump.utf8), context: ctx)
        #expect(doc.kind == .textDump)
        #expect(doc.articles.first?.source == "Town Crier")
        #expect(doc.articles.first?.publishedAt == Timestamp(secondsSinceEpoch: 1_700_000_000 - 3 * 3600))
    }
}
