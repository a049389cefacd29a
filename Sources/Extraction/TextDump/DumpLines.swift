import Normalization

/// The non-empty lines of a plain-text dump, white space folded, as ranges into one byte buffer.
///
/// A line ends at LF, CR or CRLF. Each line is trimmed and its runs of Unicode white space
/// (including no-break spaces) become one ASCII space, so equal lines have equal bytes.
struct DumpLines: Sendable {
    /// The folded lines, one after the other.
    let bytes: [UInt8]
    /// Where each line sits in `bytes`.
    let ranges: [Range<Int>]

    init(_ input: [UInt8]) {
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var ranges: [Range<Int>] = []
        input.withUnsafeBufferPointer { buf in
            let n = buf.count
            var i = 0
            while i < n {
                var j = i
                while j < n, buf[j] != 0x0A, buf[j] != 0x0D { j &+= 1 }
                let start = out.count
                Whitespace.fold(UnsafeBufferPointer(rebasing: buf[i..<j]), into: &out)
                if out.count > start { ranges.append(start..<out.count) }
                i = j &+ 1
            }
        }
        self.bytes = out
        self.ranges = ranges
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
