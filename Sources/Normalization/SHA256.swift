import CCrypto

/// SHA-256 through OpenSSL libcrypto.
public enum SHA256 {
    /// The 32-byte digest of `bytes`.
    public static func digest(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        bytes.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                _ = CCrypto.SHA256(src.baseAddress ?? UnsafePointer(bitPattern: 1), src.count, dst.baseAddress)
            }
        }
        return out
    }

    /// Lower-case hex of the digest of `bytes` (64 characters).
    public static func hex(_ bytes: [UInt8]) -> String {
        Hex.encode(digest(bytes))
    }
}

/// Lower-case hexadecimal encoding.
public enum Hex {
    static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Hex of `bytes`.
    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: Unicode.UTF8.self)
    }

    /// 16-character hex of a 64-bit value.
    public static func encode(_ v: UInt64) -> String {
        var out = [UInt8](repeating: 0, count: 16)
        for i in 0..<16 { out[i] = digits[Int((v >> UInt64(60 - 4 * i)) & 15)] }
        return String(decoding: out, as: Unicode.UTF8.self)
    }
}
