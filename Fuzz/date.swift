// Fuzz target: DateParser.parse (absolute and relative dates).
// Invariant: a parsed date, written as RFC 3339, parses back to the same instant.
import Normalization

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let t = DateParser.parse(bytes, reference: Timestamp(secondsSinceEpoch: 1_714_557_600)) else { return 0 }
    let written = RFC3339.format(t)
    guard let back = DateParser.parse(written), back == t else {
        fatalError("date \(t.secondsSinceEpoch) written as \(written) parses back as \(String(describing: DateParser.parse(written)))")
    }
    return 0
}
