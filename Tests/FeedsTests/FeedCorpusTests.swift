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
        let predictions = FileManager.default.temporaryDirectory.appendingPathComponent("feeds-pred-\(getpid()).json")
        try Data(FeedCorpusFormatter.encode(feeds)).write(to: predictions)
        defer { try? FileManager.default.removeItem(at: predictions) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", root.appendingPathComponent("tools/score-feeds").path,
                       root.appendingPathComponent("corpora/feeds/expected-feedparser.json").path, predictions.path]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: out, as: UTF8.self)
        print(text)
        // Last line: "feeds=100 entry_count_match=0.97 ..."
        var figures: [String: Double] = [:]
        for item in (text.split(separator: "\n").last ?? "").split(separator: " ") {
            let kv = item.split(separator: "=")
            if kv.count == 2, let v = Double(kv[1]) { figures[String(kv[0])] = v }
        }
        return figures
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
