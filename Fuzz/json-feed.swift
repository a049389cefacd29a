// Fuzz target: the JSON Feed reader on its own (JSONFeedReader.parse, internal: @testable).
// Invariant: no article has both an empty title and an empty text.
import Articles
@testable import Feeds

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let context = ExtractionContext(url: "https://fuzz.example/feed.json", fetchedAt: Timestamp(secondsSinceEpoch: 1_714_557_600))
    guard let feed = try? JSONFeedReader.parse(bytes, context: context) else { return 0 }
    for a in feed.articles where a.title.isEmpty && a.text.isEmpty {
        fatalError("JSON Feed article with empty title and empty text: \(a)")
    }
    return 0
}
