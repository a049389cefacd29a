/// White-space helpers over UTF-8 bytes, covering all Unicode `White_Space` characters.
public enum Whitespace {
    /// ASCII white space: space, tab, LF, VT, FF, CR.
    @inline(__always)
    public static func isASCIISpace(_ b: UInt8) -> Bool {
        b == 0x20 || (b >= 0x09 && b <= 0x0D)
    }

    /// Same as `isASCIISpace`: true for the single-byte white-space characters.
    @inline(__always)
    public static func isSpace(_ b: UInt8) -> Bool { isASCIISpace(b) }

    /// Length of the white-space character starting at `i`, or 0 if none.
    /// Recognizes ASCII space, U+0085, U+00A0, U+1680, U+2000–200A, U+2028/2029, U+202F, U+205F, U+3000,
    /// and the zero-width U+200B/U+FEFF (treated as separators).
    @inline(__always)
    public static func spaceLength(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let c = b[i]
        if c < 0x80 { return isASCIISpace(c) ? 1 : 0 }
        let n = b.count
        switch c {
        case 0xC2:
            if i + 1 < n, b[i + 1] == 0x85 || b[i + 1] == 0xA0 { return 2 }
        case 0xE1:
            if i + 2 < n, b[i + 1] == 0x9A, b[i + 2] == 0x80 { return 3 }
        case 0xE2:
            if i + 2 < n {
                let c1 = b[i + 1], c2 = b[i + 2]
                if c1 == 0x80 && (c2 <= 0x8B || c2 == 0xA8 || c2 == 0xA9 || c2 == 0xAF) { return 3 }
                if c1 == 0x81 && c2 == 0x9F { return 3 }
            }
        case 0xE3:
            if i + 2 < n, b[i + 1] == 0x80, b[i + 2] == 0x80 { return 3 }
        case 0xEF:
            if i + 2 < n, b[i + 1] == 0xBB, b[i + 2] == 0xBF { return 3 }
        default: break
        }
        return 0
    }

    /// Folds every run of Unicode white space to one ASCII space and trims both ends.
    public static func fold(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        bytes.withUnsafeBufferPointer { fold($0, into: &out) }
        return out
    }

    /// Appends the folded form of `b` to `out`.
    public static func fold(_ b: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        let n = b.count
        var i = 0
        var pendingSpace = false
        let startCount = out.count
        while i < n {
            let c = b[i]
            if c > 0x20 && c < 0x80 {
                if pendingSpace { if out.count > startCount { out.append(0x20) }; pendingSpace = false }
                out.append(c); i &+= 1; continue
            }
            let l = spaceLength(b, at: i)
            if l > 0 { pendingSpace = true; i &+= l; continue }
            if pendingSpace { if out.count > startCount { out.append(0x20) }; pendingSpace = false }
            out.append(c); i &+= 1
        }
    }

    /// Folds a `String`.
    public static func fold(_ s: String) -> String {
        String(decoding: fold(Array(s.utf8)), as: Unicode.UTF8.self)
    }
}

/// Text clean-up passes over UTF-8 bytes.
public enum TextCleaner {
    /// Removes C0 controls (except TAB, LF, CR), DEL and C1 controls (U+0080–U+009F), and U+FFFE/U+FFFF.
    public static func removeControlCharacters(_ bytes: [UInt8]) -> [UInt8] {
        var needs = false
        for c in bytes where (c < 0x20 && c != 0x09 && c != 0x0A && c != 0x0D) || c == 0x7F || c == 0xC2 || c == 0xEF {
            needs = true; break
        }
        guard needs else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        let n = bytes.count
        var i = 0
        while i < n {
            let c = bytes[i]
            if (c < 0x20 && c != 0x09 && c != 0x0A && c != 0x0D) || c == 0x7F { i += 1; continue }
            if c == 0xC2, i + 1 < n, bytes[i + 1] >= 0x80, bytes[i + 1] <= 0x9F { i += 2; continue }
            if c == 0xEF, i + 2 < n, bytes[i + 1] == 0xBF, bytes[i + 2] == 0xBE || bytes[i + 2] == 0xBF { i += 3; continue }
            out.append(c); i += 1
        }
        return out
    }

    /// Splits text on blank lines into paragraphs, folds white space inside each, drops empty ones,
    /// and joins them with `"\n\n"`.
    public static func paragraphs(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var para: [UInt8] = []
        var i = 0
        let n = bytes.count
        func flush() {
            let f = Whitespace.fold(para)
            if !f.isEmpty {
                if !out.isEmpty { out.append(0x0A); out.append(0x0A) }
                out.append(contentsOf: f)
            }
            para.removeAll(keepingCapacity: true)
        }
        while i < n {
            if bytes[i] == 0x0A {
                var j = i + 1
                while j < n, bytes[j] == 0x20 || bytes[j] == 0x09 || bytes[j] == 0x0D { j += 1 }
                if j < n, bytes[j] == 0x0A { flush(); i = j + 1; continue }
            }
            para.append(bytes[i]); i += 1
        }
        flush()
        return out
    }
}
