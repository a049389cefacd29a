import Foundation

/// Unicode NFC over UTF-8 bytes. Runs the NFC quick check first and normalizes only when it fails.
public enum UnicodeNormalizer {
    /// NFC form of `bytes` (which must be valid UTF-8; repair first if unsure).
    public static func nfc(_ bytes: [UInt8]) -> [UInt8] {
        if isTriviallyNFC(bytes) { return bytes }
        let s = String(decoding: bytes, as: Unicode.UTF8.self)
        if isNFC(s) { return bytes }
        return Array(s.precomposedStringWithCanonicalMapping.utf8)
    }

    /// NFC form of a `String` (its UTF-8 is checked in place first, as the byte form does).
    public static func nfc(_ s: String) -> String {
        if s.utf8.withContiguousStorageIfAvailable(isTriviallyNFC) == true { return s }
        return isNFC(s) ? s : s.precomposedStringWithCanonicalMapping
    }

    /// True when every code point is in a range that is NFC-stable whatever surrounds it: below
    /// U+0300, Cyrillic (but U+0483–U+0489), U+2002–U+20BF (punctuation, currency), U+4000–U+9FFF
    /// (CJK) and U+1F000–U+1FFFF (emoji).
    public static func isTriviallyNFC(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer(isTriviallyNFC)
    }

    /// The same test over a buffer of UTF-8 bytes.
    static func isTriviallyNFC(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = b.count
        var i = 0
        while i < n {
            while i + 8 <= n, UnsafeRawPointer(b.baseAddress! + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
            }
            guard i < n else { break }
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            if c < 0xCC { i += 2; continue }
            // Cyrillic (U+0400–U+04FF) has no combining marks and no decompositions that NFC
            // undoes, except the combining signs U+0483–U+0489 (D2 83–D2 89).
            if c == 0xD0 || c == 0xD1 || c == 0xD3 { i += 2; continue }
            if c == 0xD2, i + 1 < n, b[i + 1] < 0x83 || b[i + 1] > 0x89 { i += 2; continue }
            if c == 0xE2, i + 2 < n {
                let c1 = b[i + 1]
                if (c1 == 0x80 && b[i + 2] >= 0x82) || c1 == 0x81 || c1 == 0x82 { i += 3; continue }
                return false
            }
            if c >= 0xE4 && c <= 0xE9 { i += 3; continue }
            if c == 0xF0, i + 1 < n, b[i + 1] == 0x9F { i += 4; continue }
            return false
        }
        return true
    }

    static func isNFC(_ s: String) -> Bool {
        var span = s.utf8Span
        return span.checkForNFC(quickCheck: true)
    }
}

/// Case folding for hashing and comparison (lower-casing with an ASCII fast path).
public enum CaseFolder {
    /// Folded form of `bytes`.
    public static func fold(_ bytes: [UInt8]) -> [UInt8] {
        // Fast path: ASCII, Latin-1 letters and caseless ranges (punctuation, CJK, emoji) in one pass.
        var out = bytes
        let ok = out.withUnsafeMutableBufferPointer { p -> Bool in
            let n = p.count
            var i = 0
            while i < n {
                let c = p[i]
                if c < 0x80 { if c >= 65 && c <= 90 { p[i] = c | 0x20 }; i += 1; continue }
                if c == 0xC2 { i += 2; continue }
                if c == 0xC3, i + 1 < n {
                    let d = p[i + 1]
                    if d >= 0x80 && d <= 0x9E && d != 0x97 { p[i + 1] = d + 0x20 }
                    i += 2; continue
                }
                if c == 0xE2, i + 1 < n, p[i + 1] >= 0x80, p[i + 1] <= 0x82 { i += 3; continue }
                if c >= 0xE3 && c <= 0xE9 { i += 3; continue }
                if c == 0xF0, i + 1 < n, p[i + 1] == 0x9F { i += 4; continue }
                return false
            }
            return true
        }
        if ok { return out }
        let s = String(decoding: bytes, as: Unicode.UTF8.self)
        return Array(s.lowercased(with: nil).utf8)
    }
}
