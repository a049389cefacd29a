/// 64-bit SimHash over word shingles (3 consecutive words), with FNV-1a shingle hashes.
public enum SimHash {
    /// Words per shingle.
    public static let shingleSize = 3

    /// SimHash of `text` (expected already canonical: case-folded, white space folded). Words are
    /// the runs between bytes <= 0x20 (white space and controls); each shingle of `shingleSize` consecutive words votes.
    public static func compute(_ text: [UInt8]) -> UInt64 {
        var wordHashes: [UInt64] = []
        wordHashes.reserveCapacity(text.count / 5 + 1)
        text.withUnsafeBufferPointer { b in
            let n = b.count
            var i = 0
            while i < n {
                while i < n, b[i] <= 0x20 { i += 1 }
                guard i < n else { break }
                let start = i
                // Find the word's end 8 bytes at a time: the lowest byte <= 0x20 (exact for the lowest).
                var end = -1
                while i + 8 <= n {
                    let x = UnsafeRawPointer(b.baseAddress! + i).loadUnaligned(as: UInt64.self)
                    let m = (x &- 0x2121_2121_2121_2121) & ~x & 0x8080_8080_8080_8080
                    if m != 0 { end = i + m.trailingZeroBitCount >> 3; break }
                    i += 8
                }
                if end < 0 { while i < n, b[i] > 0x20 { i += 1 }; end = i }
                i = end
                // Hash the word 8 bytes at a time (multiply-rotate; the shingle hash mixes fully).
                var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(end - start)
                var k = start
                while k + 8 <= end {
                    h = (h ^ UnsafeRawPointer(b.baseAddress! + k).loadUnaligned(as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
                    h = h << 31 | h >> 33
                    k += 8
                }
                if k < end {
                    var tail: UInt64
                    if k + 8 <= n {
                        let shiftBits = UInt64(8 * (end - k))
                        tail = UnsafeRawPointer(b.baseAddress! + k).loadUnaligned(as: UInt64.self) & ((1 << shiftBits) &- 1)
                    } else {
                        tail = 0
                        var shift: UInt64 = 0
                        while k < end { tail |= UInt64(b[k]) << shift; shift += 8; k += 1 }
                    }
                    h = (h ^ tail) &* 0x9E37_79B9_7F4A_7C15
                    h = h << 31 | h >> 33
                }
                wordHashes.append(h)
            }
        }
        if wordHashes.isEmpty { return 0 }
        // Bit votes counted SWAR-style: lane k of acc[j] counts bit (8k + j); flushed every 255 shingles.
        var counts = [Int32](repeating: 0, count: 64)
        var acc = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        let lanes: UInt64 = 0x0101_0101_0101_0101
        let k = min(shingleSize, wordHashes.count)
        let total = wordHashes.count - k + 1
        var pending = 0
        func flush() {
            withUnsafeBytes(of: acc) { raw in
                for j in 0..<8 {
                    let word = raw.loadUnaligned(fromByteOffset: j * 8, as: UInt64.self)
                    for lane in 0..<8 { counts[lane * 8 + j] += Int32((word >> UInt64(lane * 8)) & 0xFF) }
                }
            }
            acc = (0, 0, 0, 0, 0, 0, 0, 0)
            pending = 0
        }
        wordHashes.withUnsafeBufferPointer { w in
            for i in 0..<total {
                var s: UInt64 = w[i]
                if k > 1 { s ^= (w[i + 1] << 21 | w[i + 1] >> 43) }
                if k > 2 { s ^= (w[i + 2] << 42 | w[i + 2] >> 22) }
                s = mix(s)
                acc.0 &+= s & lanes
                acc.1 &+= (s >> 1) & lanes
                acc.2 &+= (s >> 2) & lanes
                acc.3 &+= (s >> 3) & lanes
                acc.4 &+= (s >> 4) & lanes
                acc.5 &+= (s >> 5) & lanes
                acc.6 &+= (s >> 6) & lanes
                acc.7 &+= (s >> 7) & lanes
                pending += 1
                if pending == 255 { flush() }
            }
        }
        flush()
        var out: UInt64 = 0
        for bit in 0..<64 where Int(counts[bit]) * 2 > total { out |= 1 << UInt64(bit) }
        return out
    }

    /// Number of differing bits.
    public static func hammingDistance(_ a: UInt64, _ b: UInt64) -> Int { (a ^ b).nonzeroBitCount }

    @inline(__always) static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The canonical text that the content hash covers (DESIGN.md "Canonical text for the content hash").
public enum CanonicalText {
    /// One part (title or body) in canonical form: valid UTF-8, entities decoded, control characters
    /// removed, NFC, case folded, every white-space run to one space, trimmed.
    public static func normalize(_ bytes: [UInt8]) -> [UInt8] {
        normalize(validUTF8: UTF8Repair.repair(bytes))
    }

    /// `normalize` for input already known to be valid UTF-8 (e.g. the bytes of a `String`).
    public static func normalize(validUTF8 bytes: [UInt8]) -> [UInt8] {
        var t = bytes.withUnsafeBufferPointer {
            TextSink.cleanFold($0, decodeEntities: true, lowercaseASCII: true)
        }
        t = UnicodeNormalizer.nfc(t)
        return CaseFolder.fold(t)
    }

    /// `normalize(title) + "\n\n" + normalize(body)`. Boilerplate removal is the extractor's job:
    /// `body` is the article's clean text.
    public static func make(title: [UInt8], body: [UInt8]) -> [UInt8] {
        var out = normalize(title)
        out.append(0x0A); out.append(0x0A)
        out.append(contentsOf: normalize(body))
        return out
    }
}
