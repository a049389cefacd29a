/// A fixed open-addressing map from non-zero 64-bit keys to small values, built once; lookups are a
/// multiply, a shift and a few compares (no `Hasher`). Used for tag and element names on hot paths.
public struct IntegerTable: Sendable {
    var keys: [UInt64]
    var values: [UInt8]
    let shift: UInt64
    let mask: Int

    /// Builds a table holding `entries` (keys must be non-zero; later duplicates win).
    public init(_ entries: [(UInt64, UInt8)]) {
        var bits = 4
        while (1 << bits) < entries.count * 4 { bits += 1 }
        let size = 1 << bits
        keys = [UInt64](repeating: 0, count: size)
        values = [UInt8](repeating: 0, count: size)
        shift = UInt64(64 - bits)
        mask = size - 1
        for (k, v) in entries where k != 0 {
            var i = Int(truncatingIfNeeded: (k &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while keys[i] != 0 && keys[i] != k { i = (i + 1) & mask }
            keys[i] = k; values[i] = v
        }
    }

    /// The value stored for `key`, or nil.
    @inline(__always)
    public func value(for key: UInt64) -> UInt8? {
        guard key != 0 else { return nil }
        var i = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while true {
            let k = keys[i]
            if k == key { return values[i] }
            if k == 0 { return nil }
            i = (i + 1) & mask
        }
    }
}
