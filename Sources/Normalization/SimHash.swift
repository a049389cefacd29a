/// 64-bit SimHash over word shingles (3 consecutive words), with FNV-1a shingle hashes.
public enum SimHash {
    /// Words per shingle.
    public static let shingleSize = 3

    /// SimHash of `text` (expected already canonical: case-folded, white space folded). Word
    /// boundaries are ASCII white space and ASCII punctuation; non-ASCII bytes are word bytes.
    public static func compute(_ text: [UInt8]) -> UInt64 {
        var wordHashes: [UInt64] = []
        wordHashes.reserveCapacity(text.count / 5 + 1)
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var inWord = false
        for c in text {
            let isWord = c >= 0x80 || (c >= 48 && c <= 57) || (c | 0x20 >= 97 && c | 0x20 <= 122)
            if isWord {
                h = (h ^ UInt64(c)) &* 0x100_0000_01b3
                inWord = true
            } else if inWord {
                wordHashes.append(h); h = 0xcbf2_9ce4_8422_2325; inWord = false
            }
        }
        if inWord { wordHashes.append(h) }
        if wordHashes.isEmpty { return 0 }
        var votes = [Int32](repeating: 0, count: 64)
        let k = min(shingleSize, wordHashes.count)
        for i in 0...(wordHashes.count - k) {
            var s: UInt64 = 0x9E37_79B9_7F4A_7C15
            for j in 0..<k { s = mix(s ^ wordHashes[i + j]) }
            for bit in 0..<64 { votes[bit] += (s >> UInt64(bit)) & 1 == 1 ? 1 : -1 }
        }
        var out: UInt64 = 0
        for bit in 0..<64 where votes[bit] > 0 { out |= 1 << UInt64(bit) }
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
        var t = UTF8Repair.repair(bytes)
        t = HTMLEntities.decode(t)
        t = TextCleaner.removeControlCharacters(t)
        t = UnicodeNormalizer.nfc(t)
        t = CaseFolder.fold(t)
        return Whitespace.fold(t)
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
