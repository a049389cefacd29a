// Fuzz target: the feed parser (FeedParser.parse: charset sniffing and decoding, format detection,
// the XML feed reader for RSS/RDF/Atom; JSON Feed input also reaches JSONFeedReader).
// Invariant: no article has both an empty title and an empty text.
import Articles
import Feeds

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let context = ExtractionContext(url: "https://fuzz.example/feed.xml", fetchedAt: Timestamp(secondsSinceEpoch: 1_714_557_600))
    guard let feed = try? FeedParser.parse(bytes, context: context) else { return 0 }
    for a in feed.articles where a.title.isEmpty && a.text.isEmpty {
        fatalError("feed article with empty title and empty text: \(a)")
    }
    return 0
}
