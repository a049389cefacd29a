/// Builds display text from raw page bytes: folds white space, decodes character references,
/// repairs invalid UTF-8 (the `String` initializer substitutes U+FFFD), separates paragraphs.
struct TextBuilder {
    private(set) var bytes: [UInt8] = []
    /// Pending separator: 0 none, 1 space, 2 line break, 3 paragraph break.
    private var pending: UInt8 = 0

    init() { bytes.reserveCapacity(4096) }

    var isEmpty: Bool { bytes.isEmpty }

    /// Appends raw text, folding white-space runs into one space.
    mutating func appendRaw(_ src: ArraySlice<UInt8>) {
        src.withUnsafeBufferPointer { buf in
            let n = buf.count
            var i = 0
            while i < n {
                if TextBuilder.isWS(buf[i]) {
                    if pending == 0 { pending = 1 }
                    i += 1
                    continue
                }
                // A run of non-space bytes goes in with one copy.
                var j = i + 1
                while j < n, !TextBuilder.isWS(buf[j]) { j += 1 }
                flushSeparator()
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buf[i..<j]))
                i = j
            }
        }
    }

    mutating func flushSeparator() {
        if !bytes.isEmpty {
            switch pending {
            case 1: bytes.append(32)
            case 2: bytes.append(10)
            case 3: bytes.append(10); bytes.append(10)
            default: break
            }
        }
        pending = 0
    }

    /// Requests a paragraph break before the next text.
    mutating func paragraphBreak() { pending = 3 }
    /// Requests a line break before the next text (unless a paragraph break is pending).
    mutating func lineBreak() { if pending < 2 { pending = 2 } }

    /// The text so far, with character references decoded.
    func string() -> String { TextBuilder.decodedString(bytes[...]) }

    /// Decodes character references in raw bytes, trims white space and returns valid UTF-8.
    static func decodedString(_ raw: ArraySlice<UInt8>) -> String {
        var lo = raw.startIndex, hi = raw.endIndex
        while lo < hi, isWS(raw[lo]) { lo += 1 }
        while hi > lo, isWS(raw[hi - 1]) { hi -= 1 }
        let slice = raw[lo..<hi]
        let text = slice.contains(0x26) ? EntityDecoding.decode(slice) : String(decoding: slice, as: UTF8.self)
        return removingSoftHyphens(text)
    }

    /// Drops soft hyphens (U+00AD, `&shy;`): invisible break hints that would split words
    /// ("Mit­tel­al­ter") for search, scoring and the content hash.
    static func removingSoftHyphens(_ s: String) -> String {
        var text = s
        let found = text.withUTF8 { buf -> Bool in
            // 0xAD after 0xC2 is U+00AD and nothing else in valid UTF-8.
            var i = 1
            while i < buf.count {
                if buf[i] == 0xAD && buf[i - 1] == 0xC2 { return true }
                i += 1
            }
            return false
        }
        guard found else { return s }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            if b == 0xAD, out.last == 0xC2 { out.removeLast(); continue }
            out.append(b)
        }
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always) static func isWS(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 10 || b == 13 || b == 12 }

    /// Folds white-space runs of a string into single spaces and trims it.
    static func fold(_ s: String) -> String {
        var out: [UInt8] = []
        var space = false
        for b in s.utf8 {
            if isWS(b) { space = true; continue }
            if space && !out.isEmpty { out.append(32) }
            space = false
            out.append(b)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
