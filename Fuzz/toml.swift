// Fuzz target: the TOML config reader (TOMLReader.parse).
// Invariant: every parsed value prints (TOMLValue.description) and every key quotes without trapping.
import Config

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let root = try? TOMLReader().parse(text) else { return 0 }
    var n = 0
    for (key, entry) in root.entries { n &+= TOMLValue.quoteKey(key).utf8.count &+ entry.value.description.utf8.count }
    if n < 0 { fatalError("unreachable") }
    return 0
}
