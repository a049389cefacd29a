import Foundation
import Testing
import Articles
import Feeds
import TestSupport
@Test func dumpPredictions() throws {
    let dir = SharedCorpora.root!.appendingPathComponent("corpora/feeds/files")
    var feeds: [(id: String, feed: ParsedFeed?)] = []
    for id in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() {
        let bytes = try [UInt8](Data(contentsOf: dir.appendingPathComponent(id)))
        feeds.append((id, try? FeedParser.parse(bytes, context: ExtractionContext(url: ""))))
    }
    try Data(FeedCorpusFormatter.encode(feeds)).write(to: URL(fileURLWithPath: "/tmp/feeds-pred.json"))
}
