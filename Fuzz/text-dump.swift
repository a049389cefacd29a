// Fuzz target: the text-dump extractor on its own (TextDumpExtractor.extract).
// Invariant: no article has both an empty title and an empty text.
import Articles
import Extraction

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let context = ExtractionContext(url: "https://fuzz.example/dump.txt", fetchedAt: Timestamp(secondsSinceEpoch: 1_714_557_600))
    guard let articles = try? TextDumpExtractor().extract(bytes, context: context) else { return 0 }
    for a in articles where a.title.isEmpty && a.text.isEmpty {
        fatalError("text-dump article with empty title and empty text: \(a)")
    }
    return 0
}
