/// An exact set of 64-bit token hashes (`BoilerplateHints.hash`), looked up without `Hasher`:
/// open addressing with linear probing in a power-of-two table at most half full, indexed by the
/// hash's own bits (FNV-1a hashes are already well mixed). Membership is the same as `Set<UInt64>`'s.
struct TokenHashSet: Sendable {
    /// Slots; `empty` marks a free slot (the value `empty` itself is held by `hasEmpty`).
    private let slots: [UInt64]
    private let mask: Int
    private let hasEmpty: Bool
    private static let empty: UInt64 = 0

    /// A set of `values` (duplicates are kept once).
    init<S: Sequence>(_ values: S) where S.Element == UInt64 {
        let list = Array(values)
        var size = 8
        while size < 2 * list.count { size *= 2 }
        var slots = [UInt64](repeating: Self.empty, count: size)
        var hasEmpty = false
        for v in list {
            if v == Self.empty { hasEmpty = true; continue }
            var i = Self.slot(v, size - 1)
            while slots[i] != Self.empty && slots[i] != v { i = (i + 1) & (size - 1) }
            slots[i] = v
        }
        self.slots = slots
        self.mask = size - 1
        self.hasEmpty = hasEmpty
    }

    @inline(__always) private static func slot(_ v: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: v ^ (v >> 32)) & mask
    }

    /// Is `v` in the set?
    @inline(__always)
    func contains(_ v: UInt64) -> Bool {
        if v == Self.empty { return hasEmpty }
        return slots.withUnsafeBufferPointer { s in
            var i = Self.slot(v, mask)
            while true {
                let x = s[i]
                if x == v { return true }
                if x == Self.empty { return false }
                i = (i + 1) & mask
            }
        }
    }
}
