// Fuzz target: the feed parser (FeedParser.parse: charset sniffing and decoding, format detection,
// the XML feed reader for RSS/RDF/Atom; JSON Feed input also reaches JSONFeedReader).
// Invariant: at most limits.maxEntries articles. (Not "title or text non-empty": feed readers keep
// every entry, even an empty one, for entry-count parity with gofeed/feedparser; see docs/fuzzing.md.)
import Articles
import Feeds

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let context = ExtractionContext(url: "https://fuzz.example/feed.xml", fetchedAt: Timestamp(secondsSinceEpoch: 1_714_557_600))
    guard let feed = try? FeedParser.parse(bytes, context: context) else { return 0 }
    if feed.articles.count > context.limits.maxEntries {
        fatalError("\(feed.articles.count) entries over the limit \(context.limits.maxEntries)")
    }
    return 0
}
