// Fuzz target: CharsetDecoder.toUTF8. Input: an optional declared label on a first line of at most
// 32 printable ASCII bytes ("windows-1252\n<bytes>"), else no declaration.
// Invariant: the output is valid UTF-8 (the decoder promises it, invalid sequences become U+FFFD).
import Normalization

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var declared: String? = nil
    if let nl = bytes.prefix(33).firstIndex(of: 0x0A), bytes[..<nl].allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
        declared = String(decoding: bytes[..<nl], as: UTF8.self)
        bytes = Array(bytes[(nl + 1)...])
    }
    guard let out = try? CharsetDecoder.toUTF8(bytes, declared: declared) else { return 0 }
    if String(validating: out.bytes, as: UTF8.self) == nil {
        fatalError("CharsetDecoder output is not valid UTF-8 (declared \(declared ?? "nil"), charset \(out.charset))")
    }
    return 0
}
