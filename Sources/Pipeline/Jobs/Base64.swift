import CSIMD

/// What the CPU offers to the job decoder's vector loops (``CSIMD``), read once.
enum VectorSupport {
    /// AVX2, with the operating system saving its registers.
    static let avx2 = fw_cpu_has_avx2() != 0
}

/// Standard base64 (RFC 4648 §4) decoding; white space ignored, padding optional.
enum Base64 {
    /// The RFC 4648 alphabet, sextet 0 to 63.
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Sextet of each byte; 0x40 = padding or white space (handled by the careful loop), 0xFF = invalid.
    private static let sextets: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i) }
        for c in [UInt8(ascii: "="), 0x20, 0x0A, 0x0D, 0x09] { t[Int(c)] = 0x40 }
        return t
    }()

    /// The 12 bits of two alphabet characters, indexed by the pair read as a little-endian `UInt16`
    /// (first character in the low byte); 0x8000 when either is padding, white space or invalid.
    /// 128 KB, built on first use.
    private static let pairs: [UInt16] = {
        var t = [UInt16](repeating: 0x8000, count: 65536)
        for a in 0..<256 where sextets[a] < 64 {
            for b in 0..<256 where sextets[b] < 64 { t[a | b << 8] = UInt16(sextets[a]) << 6 | UInt16(sextets[b]) }
        }
        return t
    }()

    /// Decodes `input`; nil when it holds a byte outside the alphabet, data after padding, more
    /// than two `=`, or a lone trailing character.
    ///
    /// The bulk of a job body is decoded 32 alphabet characters at a time with AVX2 when the CPU
    /// has it (``CSIMD``), then eight at a time (one 8-byte load, four lookups in the pair table,
    /// two 4-byte stores), then four at a time through the sextet table; from the first group
    /// holding padding or white space on, a careful per-character loop finishes the input (groups
    /// before it leave no pending bits). Each loop stops before a group it cannot take whole and
    /// hands over to the next, so all of them give the careful loop's result.
    static func decode(_ input: [UInt8]) -> [UInt8]? { decode(input[...]) }

    /// `decode` over a slice (a job's body read in place from the message). `vectorized: false`
    /// skips the AVX2 loop (the tests compare both paths).
    static func decode(_ input: ArraySlice<UInt8>, vectorized: Bool = true) -> [UInt8]? {
        // + 8: room for the eight-character loop's last 4-byte store, one byte past its output.
        // (The AVX2 loop checks its 32-byte stores against this capacity itself.)
        let capacity = input.count / 4 * 3 + 8
        var failed = false
        let out = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            input.withUnsafeBufferPointer { src in
                sextets.withUnsafeBufferPointer { table in
                    var i = 0
                    var o = 0
                    let n = src.count
                    if let srcBase = src.baseAddress, let dstBase = buffer.baseAddress {
                        if vectorized && VectorSupport.avx2 {
                            var consumed = 0
                            o = fw_base64_decode_avx2(srcBase, n, dstBase, buffer.count, &consumed)
                            i = consumed
                        }
                        let raw = UnsafeRawPointer(srcBase)
                        let dst = UnsafeMutableRawPointer(dstBase)
                        pairs.withUnsafeBufferPointer { pair in
                            // Bounds: i + 8 <= n keeps the load inside the input; o = 3i/4 (also
                            // after the AVX2 loop, which takes whole 4-character groups), so the
                            // second store's last byte, o + 6 <= 3(n - 8)/4 + 6 = 3n/4, is inside
                            // capacity >= 3(n - 3)/4 + 8.
                            while i + 8 <= n {
                                let v = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                                let p0 = pair[Int(truncatingIfNeeded: v & 0xFFFF)]
                                let p1 = pair[Int(truncatingIfNeeded: (v >> 16) & 0xFFFF)]
                                let p2 = pair[Int(truncatingIfNeeded: (v >> 32) & 0xFFFF)]
                                let p3 = pair[Int(truncatingIfNeeded: v >> 48)]
                                if (p0 | p1 | p2 | p3) & 0x8000 != 0 { break }
                                let w0 = UInt32(p0) << 12 | UInt32(p1)
                                let w1 = UInt32(p2) << 12 | UInt32(p3)
                                // The three bytes of each 24-bit group, most significant first, in
                                // the low three bytes of a little-endian store (the fourth byte is
                                // overwritten by the next store or left past `count`).
                                let s0 = (w0 >> 16) | (w0 & 0xFF00) | ((w0 & 0xFF) << 16)
                                let s1 = (w1 >> 16) | (w1 & 0xFF00) | ((w1 & 0xFF) << 16)
                                dst.storeBytes(of: s0.littleEndian, toByteOffset: o, as: UInt32.self)
                                dst.storeBytes(of: s1.littleEndian, toByteOffset: o + 3, as: UInt32.self)
                                o += 6
                                i += 8
                            }
                        }
                    }
                    while i + 4 <= n {
                        let a = table[Int(src[i])], b = table[Int(src[i + 1])]
                        let c = table[Int(src[i + 2])], d = table[Int(src[i + 3])]
                        if (a | b | c | d) & 0xC0 != 0 { break }
                        let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                        buffer[o] = UInt8(truncatingIfNeeded: v >> 16)
                        buffer[o + 1] = UInt8(truncatingIfNeeded: v >> 8)
                        buffer[o + 2] = UInt8(truncatingIfNeeded: v)
                        o += 3
                        i += 4
                    }
                    var acc: UInt32 = 0
                    var bits = 0
                    var padding = 0
                    while i < n {
                        let c = src[i]
                        i += 1
                        let v = table[Int(c)]
                        if v == 0xFF { failed = true; break }
                        if v == 0x40 {
                            if c == UInt8(ascii: "=") { padding += 1 }
                            continue
                        }
                        if padding > 0 { failed = true; break }
                        acc = acc << 6 | UInt32(v)
                        bits += 6
                        if bits >= 8 {
                            bits -= 8
                            buffer[o] = UInt8(truncatingIfNeeded: acc >> UInt32(bits))
                            o += 1
                        }
                    }
                    if padding > 2 || bits >= 6 { failed = true }
                    count = o
                }
            }
        }
        return failed ? nil : out
    }

    /// Encodes `input` with padding (a retried job's body, tests).
    static func encode(_ input: [UInt8]) -> [UInt8] {
        let table = alphabet
        var out: [UInt8] = []
        out.reserveCapacity((input.count + 2) / 3 * 4)
        // The four characters of the 24 bits in `n`, the last `padding` of them `=`.
        func group(_ n: UInt32, padding: Int) {
            out.append(table[Int(n >> 18 & 63)])
            out.append(table[Int(n >> 12 & 63)])
            out.append(padding >= 2 ? UInt8(ascii: "=") : table[Int(n >> 6 & 63)])
            out.append(padding >= 1 ? UInt8(ascii: "=") : table[Int(n & 63)])
        }
        var i = 0
        while i + 2 < input.count {
            group(UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2]), padding: 0)
            i += 3
        }
        let rest = input.count - i
        if rest == 1 {
            group(UInt32(input[i]) << 16, padding: 2)
        } else if rest == 2 {
            group(UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8, padding: 1)
        }
        return out
    }
}
