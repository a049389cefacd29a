import Articles
import Feeds
import Testing
@testable import Extraction

@Suite struct DocumentExtractorTests {
    let ctx = ExtractionContext(url: "https://feeds.example/rss", fetchedAt: Timestamp(secondsSinceEpoch: 1_700_000_000), kindHint: .page)

    /// Bodies and titles come out in NFC (DESIGN.md's canonical text), whatever the page mixes:
    /// a decomposed "é", and Bengali U+09DF, which NFC decomposes (a composition exclusion).
    @Test func pageTextComesOutInNFC() throws {
        let decomposedE = "Cafe\u{0301}"
        let bengali = "কুষ্টি\u{09DF}া"
        let sentence = "The \(decomposedE) by the \(bengali) river opened again on Monday after a long winter of repairs to its roof and kitchen."
        let html = "<html><head><title>\(decomposedE) reopens</title></head><body><article><h1>\(decomposedE) reopens</h1>"
            + String(repeating: "<p>\(sentence)</p>", count: 4) + "</article></body></html>"
        let doc = try DocumentExtractor().extract(Array(html.utf8), context: ExtractionContext(url: "https://news.example/cafe", kindHint: .page))
        let article = try #require(doc.articles.first)
        #expect(article.text.utf8.elementsEqual(article.text.precomposedForTest.utf8))
        #expect(article.text.contains("Caf\u{00E9}"))
        #expect(article.text.unicodeScalars.contains { $0.value == 0x09AF } && !article.text.unicodeScalars.contains { $0.value == 0x09DF })
        #expect(article.title.unicodeScalars.contains { $0.value == 0xE9 })
    }

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

import Foundation

extension String {
    /// Foundation's NFC, as a reference for the product's own.
    var precomposedForTest: String { precomposedStringWithCanonicalMapping }
}
