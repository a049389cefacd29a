import Articles
import Extraction
import Foundation
import Testing
import TestSupport

/// Scores the extractor on ../shared/corpora/html-articles with ../shared/tools/score-articles.
@Suite struct HTMLCorpusTests {
    @Test(.enabled(if: SharedCorpora.root != nil, "../shared not found beside the checkout (set FEEDWORKER_SHARED): corpus test skipped"))
    func htmlArticlesCorpus() throws {
        let root = try #require(SharedCorpora.root)
        let dir = root.appendingPathComponent("corpora/html-articles")
        let pages = dir.appendingPathComponent("pages")
        let names = try FileManager.default.contentsOfDirectory(atPath: pages.path).filter { $0.hasSuffix(".html") }.sorted()
        var predictions: [String: Any] = [:]
        for name in names {
            let id = String(name.dropLast(5))
            let bytes = [UInt8](try Data(contentsOf: pages.appendingPathComponent(name)))
            do {
                let doc = try DocumentExtractor().extract(bytes, context: ExtractionContext(url: "https://example.test/\(id)"))
                let a = try #require(doc.articles.first)
                let md = doc.pageMetadata
                var o: [String: Any] = ["title": a.title, "articleBody": a.text]
                if let b = md?.byline { o["byline"] = b }
                if let d = md?.publishedRaw { o["publishedTime"] = d }
                if let l = a.language { o["lang"] = l }
                predictions[id] = o
            } catch {
                print("html-articles \(id): \(error)")
            }
        }
        let report = try CorpusScorer.run("score-articles", shared: root, truth: dir.appendingPathComponent("ground-truth.json"), predictions: predictions)
        #expect(report.status == 0)
        print("html-articles score: \(report.summaryLine)")
        if let worst = report.json["worst_pages"] as? [[String: Any]] {
            print("html-articles worst pages: " + worst.map { "\($0["id"] ?? "?")=\($0["f1"] ?? "?")" }.joined(separator: " "))
        }
        let f1 = try #require(report.json["body_f1"] as? Double)
        let meta = try #require(report.json["metadata_exact"] as? [String: Double])
        // Issue 4 asked >= 0.93; 0.974 before the boilerplate pruning of issue 10, 0.964 after,
        // 0.9685 in the seventh session, 0.9711 since the eighth kept captions in the article's
        // flow (issue 10 asks >= 0.97). This corpus's reference (Readability's output) also keeps
        // lead-picture captions, "Related: …" lines and link lists that the product drops on purpose.
        #expect(f1 >= 0.97)
        // Issue 10: title, byline, published day and language not lower than when it was filed
        // (0.9921, 0.8947, 1.0, 1.0). A page refused as "mostly links" loses all four at once:
        // these floors caught the pruner emptying a section front (nytimes-5) into its links.
        #expect((meta["title"] ?? 0) >= 0.99)
        #expect((meta["byline"] ?? 0) >= 0.89)
        #expect((meta["publishedTime"] ?? 0) >= 0.99)
        #expect((meta["lang"] ?? 0) >= 0.99)
    }
}
