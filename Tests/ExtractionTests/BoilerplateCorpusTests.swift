import Articles
import Extraction
import Foundation
import Testing
import TestSupport

/// Scores boilerplate removal on ../shared/corpora/boilerplate (495 multilingual pages with
/// snippets that must and must not be in the body) with ../shared/tools/score-snippets.
@Suite struct BoilerplateCorpusTests {
    @Test(.enabled(if: SharedCorpora.root != nil, "../shared not found beside the checkout (set FEEDWORKER_SHARED): corpus test skipped"))
    func boilerplateCorpus() throws {
        let root = try #require(SharedCorpora.root)
        let dir = root.appendingPathComponent("corpora/boilerplate")
        let pages = dir.appendingPathComponent("pages")
        let names = try FileManager.default.contentsOfDirectory(atPath: pages.path).filter { $0.hasSuffix(".html") }.sorted()
        #expect(names.count == 495)
        var predictions: [String: Any] = [:]
        var failures = 0
        for name in names {
            let key = String(name.dropLast(5))   // the file name without its last extension (names contain dots)
            let bytes = [UInt8](try Data(contentsOf: pages.appendingPathComponent(name)))
            do {
                let doc = try DocumentExtractor().extract(bytes, context: ExtractionContext(url: "https://example.test/\(key)"))
                predictions[key] = ["articleBody": doc.articles.first?.text ?? ""]
            } catch {
                failures += 1
                predictions[key] = ["articleBody": ""]
            }
        }
        let report = try CorpusScorer.run("score-snippets", shared: root, truth: dir.appendingPathComponent("evaldata.json"), predictions: predictions)
        #expect(report.status == 0)
        print("boilerplate score: \(report.summaryLine) (\(failures) pages without an article)")
        let scores = report.summary
        let f1 = try #require(scores["f1"]), precision = try #require(scores["precision"]), recall = try #require(scores["recall"])
        // Measured 2026-11-30: F1 0.931, P 0.926, R 0.935 (before the pruning: 0.862 / 0.812 / 0.919);
        // 2026-12-01, with captions in the article's flow kept: F1 0.9331, P 0.9220, R 0.9445.
        // Issue 10 asks F1 >= 0.93 with P >= 0.92: the F1 floor sits a little below for the noise of
        // small changes elsewhere; precision is held at the bar.
        #expect(f1 >= 0.928)
        #expect(precision >= 0.92)
        #expect(recall >= 0.928)
    }
}
