/// The offsets of one partition that were handed out and not yet committed, in order, so that
/// a partition's committed offset only ever moves over work that is done: out-of-order
/// completions wait for the lowest unfinished offset before them.
public struct PartitionOffsets: Sendable {
    private var offsets: [Int64] = []
    private var done: [Bool] = []
    private var head = 0

    public init() {}

    /// Offsets begun and not yet passed by the committable position.
    public var inFlight: Int { offsets.count - head }

    /// Starts tracking `offset` (offsets of one partition arrive in increasing order).
    public mutating func begin(_ offset: Int64) {
        offsets.append(offset)
        done.append(false)
    }

    /// Marks `offset` done. Returns the highest offset such that it and every offset begun
    /// before it are done, if that moved (the offset to store: the next read is that + 1).
    public mutating func finish(_ offset: Int64) -> Int64? {
        // Binary search among the live offsets (sorted ascending).
        var lo = head, hi = offsets.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if offsets[mid] < offset { lo = mid + 1 } else { hi = mid }
        }
        guard lo < offsets.count, offsets[lo] == offset else { return nil }
        done[lo] = true
        var passed: Int64? = nil
        while head < offsets.count && done[head] {
            passed = offsets[head]
            head += 1
        }
        if head > 1024 && head * 2 > offsets.count {
            offsets.removeFirst(head)
            done.removeFirst(head)
            head = 0
        }
        return passed
    }
}
