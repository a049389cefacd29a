// Fuzz target: Normalization's JSON reader (JSONReader.parse).
// Invariant: a value that parses survives JSONWriter.encode → JSONReader.parse unchanged
// (NaN cannot occur: JSON has no NaN literal).
import Normalization

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let value = try? JSONReader.parse(bytes) else { return 0 }
    let encoded = JSONWriter.encode(value)
    guard let again = try? JSONReader.parse(encoded) else {
        fatalError("JSONWriter output does not parse: \(String(decoding: encoded.prefix(200), as: UTF8.self))")
    }
    if again != value { fatalError("JSON round trip changed the value: \(value) → \(again)") }
    return 0
}
