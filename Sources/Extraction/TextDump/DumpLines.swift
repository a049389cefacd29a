/// The non-empty lines of a plain-text dump, white space folded, as ranges into one byte buffer.
///
/// A line ends at LF, CR or CRLF. Each line is trimmed and its runs of Unicode white space
/// (including no-break spaces) become one ASCII space, so equal lines have equal bytes. Soft
/// hyphens (U+00AD) are dropped, as from HTML text.
struct DumpLines: Sendable {
    /// The folded lines, one after the other.
    let bytes: [UInt8]
    /// Where each line sits in `bytes`.
    let ranges: [Range<Int>]

    init(_ input: [UInt8]) {
        var ranges: [Range<Int>] = []
        let out = [UInt8](unsafeUninitializedCapacity: input.count) { dstBuffer, written in
            input.withUnsafeBufferPointer { src in
                // The loop state stays in locals (a nested function capturing it kept it in memory).
                guard let s = src.baseAddress, let dst = dstBuffer.baseAddress else { written = 0; return }
                var o = 0
                var lineStart = 0
                var pendingSpace = false
                let n = src.count
                var i = 0
                // Invariant: o + (pendingSpace ? 1 : 0) <= i (each output byte stands for an input byte).
                while i < n {
                    var limit = n
                    if i + 8 <= n {
                        // The bytes that come out unchanged — printable ASCII with single spaces
                        // between words, the common case in Latin-script text — copied eight at a time.
                        let raw = UnsafeRawPointer(s + i).loadUnaligned(as: UInt64.self)
                        var (p, space) = DumpLines.foldFreePrefix(UInt64(littleEndian: raw))
                        // A space first is kept only after other text of the line.
                        if space & 0x80 != 0 && (o == lineStart || pendingSpace) { p = 0 }
                        if p > 0 {
                            if pendingSpace { if o > lineStart { dst[o] = 0x20; o += 1 }; pendingSpace = false }
                            UnsafeMutableRawPointer(dst + o).storeBytes(of: raw, as: UInt64.self)
                            // A space last is pending (the line may end there); the bytes stored past the
                            // prefix are overwritten later.
                            let spaceLast = (space >> UInt64(8 * p - 1)) & 1 != 0
                            o += spaceLast ? p - 1 : p; i += p
                            pendingSpace = spaceLast
                            if p == 8 { continue }
                        }
                        // The rest of these eight bytes one at a time.
                        limit = i + 8 - p
                    }
                    while i < limit {
                        let c = s[i]
                        if c > 0x20 && c < 0x80 {
                            if pendingSpace { if o > lineStart { dst[o] = 0x20; o += 1 }; pendingSpace = false }
                            dst[o] = c; o += 1; i += 1
                            continue
                        }
                        if c == 0x0A || c == 0x0D {
                            // The line ends.
                            if o > lineStart { ranges.append(lineStart..<o) }
                            lineStart = o
                            pendingSpace = false
                            i += 1
                            continue
                        }
                        // A soft hyphen (U+00AD) is an invisible break hint, dropped as from HTML text.
                        if c == 0xC2, i + 1 < n, s[i + 1] == 0xAD { i += 2; continue }
                        let l = c < 0x80 ? (c == 0x20 || c == 0x09 || c == 0x0B || c == 0x0C ? 1 : 0) : DumpLines.unicodeSpaceLength(src, i)
                        if l > 0 { pendingSpace = true; i += l; continue }
                        if pendingSpace { if o > lineStart { dst[o] = 0x20; o += 1 }; pendingSpace = false }
                        dst[o] = c; o += 1; i += 1
                    }
                }
                if o > lineStart { ranges.append(lineStart..<o) }
                written = o
            }
        }
        self.bytes = out
        self.ranges = ranges
    }

    /// For eight bytes (the first in the low byte): the length of their prefix that folds to itself
    /// — printable ASCII, no two spaces in a row — and the high bit of each space byte in it.
    @inline(__always)
    static func foldFreePrefix(_ w: UInt64) -> (Int, UInt64) {
        let high: UInt64 = 0x8080_8080_8080_8080
        let low7 = w & 0x7F7F_7F7F_7F7F_7F7F
        // Non-ASCII bytes, and ASCII bytes below 0x20 (b + 0x60 stays below the high bit; no carries below 0x80).
        let bad = (w & high) | (~(low7 &+ 0x6060_6060_6060_6060) & ~w & high)
        let y = low7 ^ 0x2020_2020_2020_2020
        let space = ~((y &+ 0x7F7F_7F7F_7F7F_7F7F) | y) & ~w & high
        // The second space of a pair ends the prefix too.
        let stop = bad | (space & (space << 8))
        let p = stop == 0 ? 8 : stop.trailingZeroBitCount >> 3
        return (p, p == 8 ? space : space & ((1 << UInt64(8 * p)) &- 1))
    }

    /// Byte length of the Unicode white space starting at `i` (0 when there is none): NEL, NBSP,
    /// U+1680, U+2000–U+200A, U+2028/2029, U+202F, U+205F, U+3000.
    @inline(__always)
    static func unicodeSpaceLength(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        let c = b[i]
        let n = b.count
        if c == 0xC2, i + 1 < n { return b[i + 1] == 0xA0 || b[i + 1] == 0x85 ? 2 : 0 }
        guard i + 2 < n else { return 0 }
        let c1 = b[i + 1], c2 = b[i + 2]
        switch c {
        case 0xE1: return c1 == 0x9A && c2 == 0x80 ? 3 : 0
        case 0xE2:
            if c1 == 0x80 && (c2 <= 0x8A || c2 == 0xA8 || c2 == 0xA9 || c2 == 0xAF) { return 3 }
            return c1 == 0x81 && c2 == 0x9F ? 3 : 0
        case 0xE3: return c1 == 0x80 && c2 == 0x80 ? 3 : 0
        default: return 0
        }
    }

    var count: Int { ranges.count }
    var isEmpty: Bool { ranges.isEmpty }

    /// The bytes of line `i`.
    subscript(i: Int) -> ArraySlice<UInt8> { bytes[ranges[i]] }

    /// Line `i` as a string.
    func string(_ i: Int) -> String { String(decoding: bytes[ranges[i]], as: UTF8.self) }

    /// Whether lines `a` and `b` have the same bytes.
    func equal(_ a: Int, _ b: Int) -> Bool {
        let ra = ranges[a], rb = ranges[b]
        return ra.count == rb.count && bytes[ra].elementsEqual(bytes[rb])
    }
}
