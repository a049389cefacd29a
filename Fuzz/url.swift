// Fuzz target: URL canonicalization and resolution (URLTools.canonicalize, .resolve).
// Input: "reference\nbase" (or one URL). Invariant: canonicalization is idempotent.
import Normalization

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
    var urls = [parts[0]]
    if parts.count == 2, let resolved = URLTools.resolve(parts[0], against: parts[1]) { urls.append(resolved) }
    for u in urls {
        guard let c = URLTools.canonicalize(u) else { continue }
        let c2 = URLTools.canonicalize(c)
        if c2 != c { fatalError("canonicalize not idempotent: \(u) → \(c) → \(String(describing: c2))") }
    }
    return 0
}
