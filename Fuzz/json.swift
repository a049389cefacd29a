// Fuzz target: Normalization's JSON reader (JSONReader.parse).
// Invariant: a value that parses survives JSONWriter.encode → JSONReader.parse unchanged, numbers
// compared as numbers (NaN cannot occur: JSON has no NaN literal).
import Normalization

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let value = try? JSONReader.parse(bytes) else { return 0 }
    let encoded = JSONWriter.encode(value)
    guard let again = try? JSONReader.parse(encoded) else {
        fatalError("JSONWriter output does not parse: \(String(decoding: encoded.prefix(200), as: UTF8.self))")
    }
    if !sameJSON(again, value) { fatalError("JSON round trip changed the value: \(value) → \(again)") }
    return 0
}

/// Equality of JSON values with numbers compared as numbers: the writer prints a double with an
/// integral value without a fraction (`-2.5e03` → `-2500`), which reads back as an integer.
func sameJSON(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case let (.array(x), .array(y)):
        return x.count == y.count && zip(x, y).allSatisfy { sameJSON($0, $1) }
    case let (.object(x), .object(y)):
        return x.count == y.count && x.allSatisfy { k, v in y[k].map { sameJSON(v, $0) } ?? false }
    case (.integer, .double), (.double, .integer), (.double, .double):
        return a.doubleValue == b.doubleValue
    default:
        return a == b
    }
}
