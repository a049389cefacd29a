#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why bytes could not be converted to UTF-8.
public enum CharsetError: Error, Sendable, Hashable {
    /// iconv does not know the charset.
    case unsupportedCharset(String)
    /// iconv failed with this errno at this input offset.
    case conversionFailed(charset: String, errno: Int32, offset: Int)
}

/// Converts text in any common charset to valid UTF-8 (glibc iconv for non-UTF-8 input).
public enum CharsetDecoder {
    /// Converts `bytes` to UTF-8. Priority: BOM, then `declared`, then UTF-8 when the bytes are valid
    /// UTF-8, else Windows-1252. A UTF-16/32 declaration in bytes that open with ASCII markup (no NULs)
    /// is wrong and ignored. The result is always valid UTF-8 (invalid input sequences → U+FFFD).
    public static func toUTF8(_ bytes: [UInt8], declared: String?) throws(CharsetError) -> (bytes: [UInt8], charset: String) {
        // BOM
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            return (UTF8Repair.repair(Array(bytes[3...])), "utf-8")
        }
        if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xFE {
            return (try convert(Array(bytes[2...]), from: "UTF-16LE"), "utf-16le")
        }
        if bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF {
            return (try convert(Array(bytes[2...]), from: "UTF-16BE"), "utf-16be")
        }
        if let d = declared.flatMap(normalizeName), !(isWideCharset(d) && startsWithASCIIMarkup(bytes)) {
            if d == "utf-8" || d == "us-ascii" { return (UTF8Repair.repair(bytes), "utf-8") }
            if d == "utf-16" {
                // No BOM: guess the byte order from NULs.
                let le = bytes.count >= 2 && bytes[1] == 0 && bytes[0] != 0
                return (try convert(bytes, from: le ? "UTF-16LE" : "UTF-16BE"), le ? "utf-16le" : "utf-16be")
            }
            do {
                return (try convert(bytes, from: d), d)
            } catch {
                if case .unsupportedCharset = error {
                    // fall through to sniffing
                } else { throw error }
            }
        }
        // UTF-16 without BOM or declaration: "<\0?\0" patterns.
        if bytes.count >= 4, bytes[0] == 0x3C, bytes[1] == 0, bytes[2] != 0, bytes[3] == 0 {
            return (try convert(bytes, from: "UTF-16LE"), "utf-16le")
        }
        if bytes.count >= 4, bytes[0] == 0, bytes[1] == 0x3C, bytes[2] == 0 {
            return (try convert(bytes, from: "UTF-16BE"), "utf-16be")
        }
        if UTF8Repair.isValid(bytes) { return (bytes, "utf-8") }
        return (try convert(bytes, from: "WINDOWS-1252"), "windows-1252")
    }

    /// True for the 16- and 32-bit Unicode encodings (`utf-16`, `utf-32le`, `ucs-4`...), whose text
    /// has a NUL byte in every ASCII character.
    static func isWideCharset(_ normalized: String) -> Bool {
        normalized.hasPrefix("utf-16") || normalized.hasPrefix("utf-32") || normalized.hasPrefix("ucs-4")
            || normalized.hasPrefix("ucs4") || normalized == "ucs-2" || normalized.hasPrefix("utf16") || normalized.hasPrefix("utf32")
    }

    /// True when the bytes open with ASCII markup (`<` then three non-NUL bytes, as `<?xm` or `<rss`)
    /// and no BOM: per XML 1.0 appendix F such bytes are an 8-bit encoding whatever the declaration
    /// inside them says, since UTF-16/32 text would carry NULs between the ASCII bytes.
    static func startsWithASCIIMarkup(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 4 && bytes[0] == 0x3C && bytes[1] != 0 && bytes[1] < 0x80 && bytes[2] != 0 && bytes[3] != 0
    }

    /// Canonical lower-case name for a declared charset label (`"ISO-8859-1"` → `"windows-1252"` as
    /// browsers do, `"x-sjis"` → `"shift_jis"`...). Nil for empty labels.
    public static func normalizeName(_ label: String) -> String? {
        var s = label.trimmingASCIIWhitespace().lowercased()
        if s.hasPrefix("\"") || s.hasPrefix("'") { s.removeFirst() }
        if s.hasSuffix("\"") || s.hasSuffix("'") { s.removeLast() }
        if s.isEmpty { return nil }
        switch s {
        case "utf8", "utf-8", "unicode-1-1-utf-8", "x-unicode20utf8": return "utf-8"
        case "ascii", "us-ascii", "ansi_x3.4-1968": return "us-ascii"
        case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "cp1252", "windows-1252", "x-cp1252", "cp819": return "windows-1252"
        case "utf-16", "unicode", "ucs-2": return "utf-16"
        case "utf-16le": return "utf-16le"
        case "utf-16be": return "utf-16be"
        case "shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "windows-31j", "cp932": return "shift_jis"
        case "euc-jp", "eucjp", "x-euc-jp": return "euc-jp"
        case "euc-kr", "euckr", "ks_c_5601-1987", "cp949", "windows-949": return "euc-kr"
        case "gb2312", "gbk", "x-gbk", "cp936", "gb18030", "chinese": return "gb18030"
        case "big5", "big5-hkscs", "x-x-big5", "cn-big5": return "big5"
        case "koi8-r", "koi8r": return "koi8-r"
        default: return s
        }
    }

    /// Converts `bytes` from `charset` to UTF-8 with iconv; invalid input bytes become U+FFFD.
    public static func convert(_ bytes: [UInt8], from charset: String) throws(CharsetError) -> [UInt8] {
        let name: String
        switch charset.lowercased() {
        case "utf-16le": name = "UTF-16LE"
        case "utf-16be": name = "UTF-16BE"
        case "shift_jis": name = "CP932"
        case "euc-kr": name = "CP949"
        case "gb18030": name = "GB18030"
        case "big5": name = "BIG5-HKSCS"
        default: name = charset.uppercased()
        }
        let cd = iconv_open("UTF-8", name)
        if cd == iconv_t(bitPattern: -1) { throw .unsupportedCharset(charset) }
        defer { iconv_close(cd) }
        var out = [UInt8](repeating: 0, count: bytes.count * 3 + 16)
        var produced = 0
        var input = bytes
        var inOffset = 0
        let total = input.count
        var failure: CharsetError? = nil
        input.withUnsafeMutableBufferPointer { inBuf in
            while inOffset < total {
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuf.baseAddress! + inOffset)
                    .assumingMemoryBound(to: CChar.self)
                var inLeft = total - inOffset
                if out.count - produced < 64 { out.append(contentsOf: [UInt8](repeating: 0, count: out.count)) }
                let (r, e, outLeftAfter, inLeftAfter): (Int, Int32, Int, Int) = out.withUnsafeMutableBufferPointer { ob in
                    var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(ob.baseAddress! + produced)
                        .assumingMemoryBound(to: CChar.self)
                    var outLeft = ob.count - produced
                    let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                    return (r, errno, outLeft, inLeft)
                }
                let consumed = (total - inOffset) - inLeftAfter
                produced = out.count - outLeftAfter
                inOffset += consumed
                if r != -1 { break }
                switch e {
                case E2BIG:
                    out.append(contentsOf: [UInt8](repeating: 0, count: out.count))
                case EILSEQ, EINVAL:
                    // Replace one bad byte (EINVAL: truncated sequence at the end) and go on.
                    if out.count - produced < 3 { out.append(contentsOf: [UInt8](repeating: 0, count: 64)) }
                    out[produced] = 0xEF; out[produced + 1] = 0xBF; out[produced + 2] = 0xBD
                    produced += 3
                    inOffset += 1
                    _ = iconv(cd, nil, nil, nil, nil)
                default:
                    failure = .conversionFailed(charset: charset, errno: e, offset: inOffset)
                    inOffset = total
                }
            }
        }
        if let failure { throw failure }
        out.removeSubrange(produced...)
        return UTF8Repair.repair(out)
    }
}
