import Foundation

/// Unicode NFC over UTF-8 bytes. Runs the NFC quick check first and normalizes only when it fails.
public enum UnicodeNormalizer {
    /// NFC form of `bytes` (which must be valid UTF-8; repair first if unsure).
    public static func nfc(_ bytes: [UInt8]) -> [UInt8] {
        // Every code point below U+0300 is NFC-stable: lead bytes < 0xCC cover them.
        var simple = true
        for b in bytes where b >= 0xCC { simple = false; break }
        if simple { return bytes }
        let s = String(decoding: bytes, as: Unicode.UTF8.self)
        if isNFC(s) { return bytes }
        return Array(s.precomposedStringWithCanonicalMapping.utf8)
    }

    /// NFC form of a `String`.
    public static func nfc(_ s: String) -> String {
        isNFC(s) ? s : s.precomposedStringWithCanonicalMapping
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
        var ascii = true
        for b in bytes where b >= 0x80 { ascii = false; break }
        if ascii {
            var out = bytes
            out.withUnsafeMutableBufferPointer { p in
                for i in 0..<p.count where p[i] >= 65 && p[i] <= 90 { p[i] |= 0x20 }
            }
            return out
        }
        let s = String(decoding: bytes, as: Unicode.UTF8.self)
        return Array(s.lowercased(with: nil).utf8)
    }
}
