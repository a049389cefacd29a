import Foundation
import Testing
import Articles
import Feeds
import TestSupport

/// Scores the parser against `../shared/corpora/feeds` with `../shared/tools/score-feeds`.
@Suite struct FeedCorpusTests {
    static func scoreFeedsCorpus() throws -> [String: Double] {
        let root = try #require(SharedCorpora.root)
        let dir = root.appendingPathComponent("corpora/feeds/files")
        let ids = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        var feeds: [(id: String, feed: ParsedFeed?)] = []
        for id in ids {
            let bytes = try [UInt8](Data(contentsOf: dir.appendingPathComponent(id)))
            let feed = try? FeedParser.parse(bytes, context: ExtractionContext(url: ""))
            feeds.append((id, feed))
        }
        let report = try CorpusScorer.run("score-feeds", shared: root, truth: root.appendingPathComponent("corpora/feeds/expected-feedparser.json"),
                                          predictionsJSON: Data(FeedCorpusFormatter.encode(feeds)))
        print(report.json.isEmpty ? report.summaryLine : "\(report.json)\n\(report.summaryLine)")
        // Last line: "feeds=100 entry_count_match=0.97 ..."
        return report.summary
    }

    @Test(.enabled(if: SharedCorpora.root != nil, "needs ../shared/corpora/feeds"))
    func feedsCorpusMeetsTargets() throws {
        let f = try Self.scoreFeedsCorpus()
        #expect(f["feeds"] == 100)
        #expect((f["entry_count_match"] ?? 0) >= 0.97)
        #expect((f["entry_title"] ?? 0) >= 0.98)
        #expect((f["entry_link"] ?? 0) >= 0.98)
        #expect((f["entry_published"] ?? 0) >= 0.95)
    }
}
