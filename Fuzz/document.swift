// Fuzz target: the whole DocumentExtractor (kind detection, feeds, HTML pages, text dumps).
// Invariant: no article has both an empty title and an empty text.
import Articles
import Extraction

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let context = ExtractionContext(url: "https://fuzz.example/a/page.html", fetchedAt: Timestamp(secondsSinceEpoch: 1_714_557_600))
    guard let doc = try? DocumentExtractor().extract(bytes, context: context) else { return 0 }
    for a in doc.articles where a.title.isEmpty && a.text.isEmpty {
        fatalError("\(doc.kind) article with empty title and empty text: \(a)")
    }
    return 0
}
