/// Why a story component refused its settings or input.
public enum StoryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The Hamming threshold is outside 0...``SimHashIndex/maximumExactDistance``.
    case distanceOutOfRange(Int)
    /// The window is not a positive number of seconds.
    case windowNotPositive(Int64)

    public var description: String {
        switch self {
        case .distanceOutOfRange(let k):
            return "story distance k = \(k) is outside 0...\(SimHashIndex.maximumExactDistance) (the 4-block index is exact up to 3)"
        case .windowNotPositive(let s):
            return "story window must be positive, got \(s) s"
        }
    }
}
