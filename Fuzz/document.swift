// Fuzz target: the whole DocumentExtractor (kind detection, feeds, HTML pages, text dumps).
// Invariants: an HTML page or text dump gives no article with both an empty title and an empty text;
// a feed gives at most limits.maxEntries articles (feeds keep empty entries, see docs/fuzzing.md).
import Articles
import Extraction

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let context = ExtractionContext(url: "https://fuzz.example/a/page.html", fetchedAt: Timestamp(secondsSinceEpoch: 1_714_557_600))
    guard let doc = try? DocumentExtractor().extract(bytes, context: context) else { return 0 }
    if doc.kind == .feed {
        if doc.articles.count > context.limits.maxEntries { fatalError("\(doc.articles.count) feed entries over the limit") }
        return 0
    }
    for a in doc.articles where a.title.isEmpty && a.text.isEmpty {
        fatalError("\(doc.kind) article with empty title and empty text: \(a)")
    }
    return 0
}
