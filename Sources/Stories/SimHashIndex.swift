/// A multi-index of 64-bit fingerprints for Hamming-distance lookups up to 3 bits.
///
/// The fingerprint is cut into four 16-bit blocks, and table t maps block t's value to the
/// members having it. Two fingerprints within distance 3 differ in at most 3 blocks, so by the
/// pigeonhole principle they agree exactly on at least one of the four: looking up each of the
/// query's four blocks and checking the full distance of every member found gives every member
/// within 3 (and some farther, filtered out). With fingerprints spread evenly, each table bucket
/// holds n / 65,536 members, so a lookup reads 4 buckets (arrays indexed by the block value,
/// each entry holding its fingerprint) and makes ~4n / 65,536 distance checks.
///
/// Members are identified by an `Int` slot chosen by the caller. Not thread-safe (a value type).
public struct SimHashIndex: Sendable {
    /// The largest distance ``nearest(to:within:)`` is exact for (pigeonhole over 4 blocks).
    public static let maximumExactDistance = 3

    /// One bucket entry: the member and its whole fingerprint (checked without another lookup).
    struct Entry: Sendable {
        var slot: Int
        var fingerprint: UInt64
    }

    /// Bucket `t << 16 | block` holds the members whose block t has that value (4 × 65,536 buckets).
    private var buckets: [[Entry]] = Array(repeating: [], count: 4 << 16)
    private var fingerprints: [Int: UInt64] = [:]

    public init() {}

    /// Members in the index.
    public var count: Int { fingerprints.count }

    /// The fingerprint of member `slot`, if present.
    public func fingerprint(of slot: Int) -> UInt64? { fingerprints[slot] }

    /// Adds (or moves) member `slot` with `fingerprint`.
    public mutating func insert(_ slot: Int, fingerprint: UInt64) {
        if fingerprints[slot] != nil { remove(slot) }
        fingerprints[slot] = fingerprint
        for t in 0..<4 {
            buckets[Self.bucket(fingerprint, t)].append(Entry(slot: slot, fingerprint: fingerprint))
        }
    }

    /// Removes member `slot` (no-op if absent).
    public mutating func remove(_ slot: Int) {
        guard let fingerprint = fingerprints.removeValue(forKey: slot) else { return }
        for t in 0..<4 {
            let b = Self.bucket(fingerprint, t)
            guard let i = buckets[b].firstIndex(where: { $0.slot == slot }) else { continue }
            buckets[b].swapAt(i, buckets[b].count - 1)
            buckets[b].removeLast()
        }
    }

    /// The member closest to `fingerprint` within `maxDistance` (at most
    /// ``maximumExactDistance``), ties broken by the lower slot; nil if none.
    public func nearest(to fingerprint: UInt64, within maxDistance: Int) -> (slot: Int, distance: Int)? {
        precondition(maxDistance <= Self.maximumExactDistance, "the 4-block index is exact up to distance 3")
        var best: (slot: Int, distance: Int)?
        for t in 0..<4 {
            buckets[Self.bucket(fingerprint, t)].withUnsafeBufferPointer { bucket in
                for entry in bucket {
                    let d = (entry.fingerprint ^ fingerprint).nonzeroBitCount
                    guard d <= maxDistance else { continue }
                    if let b = best, (b.distance, b.slot) <= (d, entry.slot) { continue }
                    best = (entry.slot, d)
                }
            }
        }
        return best
    }

    /// Every member within `maxDistance` (at most ``maximumExactDistance``), by slot.
    public func all(near fingerprint: UInt64, within maxDistance: Int) -> [(slot: Int, distance: Int)] {
        precondition(maxDistance <= Self.maximumExactDistance, "the 4-block index is exact up to distance 3")
        var found: [Int: Int] = [:]
        for t in 0..<4 {
            for entry in buckets[Self.bucket(fingerprint, t)] {
                let d = (entry.fingerprint ^ fingerprint).nonzeroBitCount
                if d <= maxDistance { found[entry.slot] = d }
            }
        }
        return found.sorted { $0.key < $1.key }.map { (slot: $0.key, distance: $0.value) }
    }

    @inline(__always)
    static func bucket(_ fingerprint: UInt64, _ t: Int) -> Int {
        t << 16 | Int(UInt16(truncatingIfNeeded: fingerprint >> UInt64(16 * t)))
    }
}
