/// A SHA-256 content hash (32 bytes), the identity of an article.
///
/// Stored as four words so that `Set<ContentHash>` and comparisons stay cheap; parsed from and
/// printed as the 64-character lower-case hex used as Kafka key and `content_hash`.
public struct ContentHash: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    public init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
        self.w3 = w3
    }

    /// From 32 raw bytes; nil for any other length.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        var words: [UInt64] = [0, 0, 0, 0]
        var i = 0
        for b in bytes {
            words[i >> 3] = words[i >> 3] << 8 | UInt64(b)
            i += 1
        }
        self.init(w0: words[0], w1: words[1], w2: words[2], w3: words[3])
    }

    /// From 64 hex digits (either case); nil for anything else.
    public init?(hex: some Collection<UInt8>) {
        guard hex.count == 64 else { return nil }
        var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0
        var i = 0
        for c in hex {
            let v: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): v = c &- UInt8(ascii: "A") &+ 10
            default: return nil
            }
            switch i >> 4 {
            case 0: w0 = w0 << 4 | UInt64(v)
            case 1: w1 = w1 << 4 | UInt64(v)
            case 2: w2 = w2 << 4 | UInt64(v)
            default: w3 = w3 << 4 | UInt64(v)
            }
            i += 1
        }
        self.init(w0: w0, w1: w1, w2: w2, w3: w3)
    }

    /// From a hex `String`.
    public init?(hex: String) { self.init(hex: hex.utf8) }

    /// The 32 bytes (big-endian words).
    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(32)
        for w in [w0, w1, w2, w3] {
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: w >> UInt64(shift))) }
        }
        return out
    }

    /// 64 lower-case hex digits as bytes.
    public var hexBytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(64)
        for w in [w0, w1, w2, w3] {
            for shift in stride(from: 60, through: 0, by: -4) {
                let d = UInt8(truncatingIfNeeded: w >> UInt64(shift)) & 0x0F
                out.append(d < 10 ? UInt8(ascii: "0") &+ d : UInt8(ascii: "a") &+ (d &- 10))
            }
        }
        return out
    }

    /// 64 lower-case hex digits.
    public var hex: String { String(decoding: hexBytes, as: UTF8.self) }
    public var description: String { hex }

    public static func < (a: ContentHash, b: ContentHash) -> Bool {
        (a.w0, a.w1, a.w2, a.w3) < (b.w0, b.w1, b.w2, b.w3)
    }
}
