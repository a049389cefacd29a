/// Fused single-pass text clean-up: optional entity decoding, control-character removal and
/// white-space folding (runs of Unicode white space → one space, trimmed), writing straight into
/// a pre-sized buffer. Input must be valid UTF-8.
public enum TextSink {
    /// `src` decoded (when `decodeEntities`), stripped of control characters and folded.
    public static func cleanFold(_ src: UnsafeBufferPointer<UInt8>, decodeEntities: Bool) -> [UInt8] {
        let n = src.count
        if n == 0 { return [] }
        return [UInt8](unsafeUninitializedCapacity: n * 2 + 8) { out, count in
            var w = 0
            var pending = false
            var i = 0
            @inline(__always) func emit(_ c: UInt8) {
                if pending { if w > 0 { out[w] = 0x20; w += 1 }; pending = false }
                out[w] = c; w += 1
            }
            while i < n {
                let c = src[i]
                if c > 0x20 && c < 0x7F && c != UInt8(ascii: "&") {
                    if pending { if w > 0 { out[w] = 0x20; w += 1 }; pending = false }
                    out[w] = c; w += 1; i += 1
                    // Tight copy of printable ASCII.
                    while i < n {
                        let x = src[i]
                        guard x > 0x20 && x < 0x7F && x != UInt8(ascii: "&") else { break }
                        out[w] = x; w += 1; i += 1
                    }
                    continue
                }
                if c == 0x20 { pending = true; i += 1; continue }
                if c > 0x20 && c < 0x7F {
                    if c == UInt8(ascii: "&") && decodeEntities, let (used, cp1, cp2) = HTMLEntities.reference(src, at: i) {
                        i += used
                        for cp in [cp1, cp2] where cp != 0 {
                            if cp == 0x20 || (cp >= 0x09 && cp <= 0x0D) || cp == 0xA0 || cp == 0x85 || (cp >= 0x2000 && cp <= 0x200B)
                                || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF
                                || cp == 0x1680 {
                                pending = true; continue
                            }
                            if cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) { continue }
                            if pending { if w > 0 { out[w] = 0x20; w += 1 }; pending = false }
                            var tmp: [UInt8] = []
                            UTF8Encoding.append(cp, to: &tmp)
                            for t in tmp { out[w] = t; w += 1 }
                        }
                        continue
                    }
                    emit(c); i += 1; continue
                }
                if c < 0x80 {
                    if c == 0x20 || (c >= 0x09 && c <= 0x0D) { pending = true }
                    // other C0 controls and DEL are dropped
                    i += 1; continue
                }
                let l = Whitespace.spaceLength(src, at: i)
                if l > 0 { pending = true; i += l; continue }
                if c == 0xC2, i + 1 < n, src[i + 1] >= 0x80, src[i + 1] <= 0x9F { i += 2; continue }  // C1 controls
                emit(c); i += 1
            }
            count = w
        }
    }

    /// Array convenience.
    public static func cleanFold(_ src: [UInt8], decodeEntities: Bool) -> [UInt8] {
        src.withUnsafeBufferPointer { cleanFold($0, decodeEntities: decodeEntities) }
    }
}
