/// Fused single-pass text clean-up: optional entity decoding, control-character removal and
/// white-space folding (runs of Unicode white space → one space, trimmed), writing straight into
/// a pre-sized buffer. Input must be valid UTF-8.
public enum TextSink {
    /// `src` decoded (when `decodeEntities`), stripped of control characters and folded.
    public static func cleanFold(_ src: UnsafeBufferPointer<UInt8>, decodeEntities: Bool, lowercaseASCII: Bool = false) -> [UInt8] {
        let n = src.count
        if n == 0 { return [] }
        return [UInt8](unsafeUninitializedCapacity: n * 2 + 8) { out, count in
            var w = 0
            var pending = false
            var i = 0
            let lowerBit: UInt8 = lowercaseASCII ? 0x20 : 0
            while i < n {
                let c = src[i]
                if c > 0x20 && c < 0x7F && c != 0x26 {
                    if pending { if w > 0 { out[w] = 0x20; w += 1 }; pending = false }
                    out[w] = (c >= 65 && c <= 90) ? c | lowerBit : c; w += 1; i += 1
                    // Tight copy of printable ASCII, 8 bytes at a time while possible.
                    let ones: UInt64 = 0x0101_0101_0101_0101
                    let highs: UInt64 = 0x8080_8080_8080_8080
                    while i + 8 <= n {
                        let x = UnsafeRawPointer(src.baseAddress! + i).loadUnaligned(as: UInt64.self)
                        let low = (x &- ones &* 0x20) & ~x & highs            // some byte < 0x20
                        let amp = ((x ^ (ones &* 0x26)) &- ones) & ~(x ^ (ones &* 0x26)) & highs
                        let del = ((x ^ (ones &* 0x7F)) &- ones) & ~(x ^ (ones &* 0x7F)) & highs
                        if (x & highs) | low | amp | del != 0 { break }
                        // Single spaces between words are copied as they are; a double space or a
                        // space in the last byte leaves the block to the byte loop.
                        let t = x ^ (ones &* 0x20)
                        let sp = ~(((t & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | t) & highs  // exact: byte == 0x20
                        if sp & (sp >> 8) != 0 || sp & 0x8000_0000_0000_0000 != 0 { break }
                        var y = x
                        if lowerBit != 0 {
                            let a = x | highs
                            let ge = (a &- ones &* 0x41) & highs
                            let gt = (a &- ones &* 0x5B) & highs
                            y = x | ((ge & ~gt) >> 2)
                        }
                        UnsafeMutableRawPointer(out.baseAddress! + w).storeBytes(of: y, as: UInt64.self)
                        w += 8; i += 8
                    }
                    while i < n {
                        let x = src[i]
                        guard x > 0x20 && x < 0x7F && x != 0x26 else { break }
                        out[w] = (x >= 65 && x <= 90) ? x | lowerBit : x; w += 1; i += 1
                    }
                    continue
                }
                if c == 0x20 { pending = true; i += 1; continue }
                if c == 0x26 {
                    if decodeEntities, let (used, cp1, cp2) = HTMLEntities.reference(src, at: i) {
                        i += used
                        var cp = cp1
                        var round = 0
                        while round < 2 {
                            defer { round += 1; cp = cp2 }
                            if cp == 0 { continue }
                            if cp == 0x20 || (cp >= 0x09 && cp <= 0x0D) || cp == 0xA0 || cp == 0x85 || (cp >= 0x2000 && cp <= 0x200B)
                                || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF
                                || cp == 0x1680 {
                                pending = true; continue
                            }
                            if cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) { continue }
                            if pending { if w > 0 { out[w] = 0x20; w += 1 }; pending = false }
                            var v = cp
                            if v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) { v = 0xFFFD }
                            if v < 0x80 {
                                let b = UInt8(v)
                                out[w] = (b >= 65 && b <= 90) ? b | lowerBit : b; w += 1
                            } else if v < 0x800 {
                                out[w] = UInt8(0xC0 | (v >> 6)); out[w + 1] = UInt8(0x80 | (v & 0x3F)); w += 2
                            } else if v < 0x10000 {
                                out[w] = UInt8(0xE0 | (v >> 12)); out[w + 1] = UInt8(0x80 | ((v >> 6) & 0x3F))
                                out[w + 2] = UInt8(0x80 | (v & 0x3F)); w += 3
                            } else {
                                out[w] = UInt8(0xF0 | (v >> 18)); out[w + 1] = UInt8(0x80 | ((v >> 12) & 0x3F))
                                out[w + 2] = UInt8(0x80 | ((v >> 6) & 0x3F)); out[w + 3] = UInt8(0x80 | (v & 0x3F)); w += 4
                            }
                        }
                        continue
                    }
                    if pending { if w > 0 { out[w] = 0x20; w += 1 }; pending = false }
                    out[w] = c; w += 1; i += 1
                    continue
                }
                if c < 0x80 {
                    if c >= 0x09 && c <= 0x0D { pending = true }
                    // other C0 controls and DEL are dropped
                    i += 1; continue
                }
                if c == 0xC2 || c == 0xE1 || c == 0xE2 || c == 0xE3 || c == 0xEF {
                    let l = Whitespace.spaceLength(src, at: i)
                    if l > 0 { pending = true; i += l; continue }
                    if c == 0xC2, i + 1 < n, src[i + 1] >= 0x80, src[i + 1] <= 0x9F { i += 2; continue }  // C1 controls
                }
                if pending { if w > 0 { out[w] = 0x20; w += 1 }; pending = false }
                out[w] = c; w += 1; i += 1
                // Continuation bytes of this sequence.
                while i < n, src[i] & 0xC0 == 0x80 { out[w] = src[i]; w += 1; i += 1 }
            }
            count = w
        }
    }

    /// Array convenience.
    public static func cleanFold(_ src: [UInt8], decodeEntities: Bool) -> [UInt8] {
        src.withUnsafeBufferPointer { cleanFold($0, decodeEntities: decodeEntities) }
    }
}
