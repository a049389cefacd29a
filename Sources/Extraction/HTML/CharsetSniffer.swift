/// Finds the character set an HTML page declares: a byte-order mark, then `<meta charset>` or
/// `<meta http-equiv=Content-Type content="...; charset=...">` in the first 4 kB, then the
/// HTTP `Content-Type` parameter. The result is passed as `declared` to the shared decoder.
public enum CharsetSniffer {
    /// The declared charset label, lower-cased, or nil when the page declares none.
    public static func sniff(_ bytes: [UInt8], contentType: String?) -> String? {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { return "utf-8" }
        if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xFE { return "utf-16le" }
        if bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF { return "utf-16be" }
        let head = Array(bytes.prefix(4096)).map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
        var i = 0
        let meta = Array("<meta".utf8)
        while i + meta.count < head.count {
            if head[i] == 0x3C, Array(head[i..<(i + meta.count)]) == meta {
                var end = i
                while end < head.count, head[end] != 0x3E { end += 1 }
                let tag = String(decoding: head[i..<end], as: UTF8.self)
                if let cs = charsetParameter(tag) { return cs }
                i = end
            }
            i += 1
        }
        if let ct = contentType { return charsetParameter(ct.lowercased()) }
        return nil
    }

    /// The value after `charset=` in `s` (quotes and separators stripped), lower-cased.
    public static func charsetParameter(_ s: String) -> String? {
        let b = Array(s.utf8).map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
        let key = Array("charset".utf8)
        var i = 0
        while i + key.count <= b.count {
            if Array(b[i..<(i + key.count)]) == key {
                var k = i + key.count
                while k < b.count, b[k] == 32 { k += 1 }
                guard k < b.count, b[k] == 0x3D else { i += 1; continue }
                k += 1
                while k < b.count, b[k] == 32 || b[k] == 0x22 || b[k] == 0x27 { k += 1 }
                let start = k
                while k < b.count, b[k] != 0x22, b[k] != 0x27, b[k] != 0x3B, b[k] != 32, b[k] != 0x3E, b[k] != 0x2F || k == start { k += 1 }
                if k > start { return String(decoding: b[start..<k], as: UTF8.self) }
                return nil
            }
            i += 1
        }
        return nil
    }
}
