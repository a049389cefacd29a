#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decodes HTML character references (named, decimal and hexadecimal) in UTF-8 bytes.
///
/// Follows the HTML5 rules closely: the full named table, the legacy semicolon-less names
/// (`&amp`, `&copy`...) matched by longest prefix, numeric references with the Windows-1252
/// remap of 128–159, and U+FFFD for zero, surrogates and values above U+10FFFF. Anything that is
/// not a reference is copied unchanged, so a bare `&` survives.
public enum HTMLEntities {
    struct Entry: Sendable { var first: UInt32; var second: UInt32 }

    /// name bytes (without `&`, with `;` for the standard forms) → code points.
    static let table: [[UInt8]: Entry] = {
        var t: [[UInt8]: Entry] = [:]
        t.reserveCapacity(2300)
        for item in HTMLEntityTable.packed.utf8.split(whereSeparator: { $0 == 0x20 || $0 == 0x0A }) {
            guard let eq = item.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = Array(item[item.startIndex..<eq])
            let cps = item[item.index(after: eq)...].split(separator: UInt8(ascii: ","))
            var vals: [UInt32] = []
            for cp in cps {
                var v: UInt32 = 0
                for b in cp { v = v &* 16 &+ UInt32(hexValue(b) ?? 0) }
                vals.append(v)
            }
            t[name] = Entry(first: vals.first ?? 0xFFFD, second: vals.count > 1 ? vals[1] : 0)
        }
        return t
    }()

    /// Longest legacy (semicolon-less) name, in bytes.
    static let maxNameLength = 32

    /// Decodes `bytes` and appends the result to `out`.
    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        let n = bytes.count
        var i = 0
        var runStart = 0
        while i < n {
            guard let hit = memchr(bytes.baseAddress! + i, 0x26, n - i) else { break }
            i = bytes.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if i > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
            if let (consumed, cp1, cp2) = reference(bytes, at: i) {
                UTF8Encoding.append(cp1, to: &out)
                if cp2 != 0 { UTF8Encoding.append(cp2, to: &out) }
                i &+= consumed
            } else {
                out.append(UInt8(ascii: "&"))
                i &+= 1
            }
            runStart = i
        }
        if n > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<n])) }
    }

    /// Decodes `bytes` into a new array.
    public static func decode(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(UInt8(ascii: "&")) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        bytes.withUnsafeBufferPointer { decode($0, into: &out) }
        return out
    }

    /// Decodes a `String`.
    public static func decode(_ string: String) -> String {
        let bytes = Array(string.utf8)
        guard bytes.contains(UInt8(ascii: "&")) else { return string }
        return String(decoding: decode(bytes), as: Unicode.UTF8.self)
    }

    /// Parses the reference starting at `start` (which holds `&`). Returns bytes consumed and code points.
    static func reference(_ b: UnsafeBufferPointer<UInt8>, at start: Int) -> (Int, UInt32, UInt32)? {
        let n = b.count
        var i = start + 1
        guard i < n else { return nil }
        if b[i] == UInt8(ascii: "#") {
            i += 1
            var hex = false
            if i < n, b[i] | 0x20 == UInt8(ascii: "x") { hex = true; i += 1 }
            let digitsStart = i
            var value: UInt32 = 0
            var overflow = false
            while i < n {
                let d: UInt8? = hex ? hexValue(b[i]) : (b[i] >= 48 && b[i] <= 57 ? b[i] - 48 : nil)
                guard let d else { break }
                if value > 0x10FFFF { overflow = true } else { value = value * (hex ? 16 : 10) + UInt32(d) }
                i += 1
            }
            guard i > digitsStart else { return nil }
            if i < n, b[i] == UInt8(ascii: ";") { i += 1 }
            return (i - start, overflow ? 0xFFFD : numericValue(value), 0)
        }
        // Named: collect alphanumerics.
        var j = i
        while j < n, j - i < maxNameLength, isAlnum(b[j]) { j += 1 }
        guard j > i else { return nil }
        // Fast path for the common references.
        if j < n, b[j] == UInt8(ascii: ";") {
            let len = j - i
            let c0 = b[i]
            if len == 3, c0 == UInt8(ascii: "a"), b[i + 1] == UInt8(ascii: "m"), b[i + 2] == UInt8(ascii: "p") { return (5, 0x26, 0) }
            if len == 2, b[i + 1] == UInt8(ascii: "t") {
                if c0 == UInt8(ascii: "l") { return (4, 0x3C, 0) }
                if c0 == UInt8(ascii: "g") { return (4, 0x3E, 0) }
            }
            if len == 4, c0 == UInt8(ascii: "q"), b[i + 1] == UInt8(ascii: "u"), b[i + 2] == UInt8(ascii: "o"), b[i + 3] == UInt8(ascii: "t") {
                return (6, 0x22, 0)
            }
            if len == 4, c0 == UInt8(ascii: "n"), b[i + 1] == UInt8(ascii: "b"), b[i + 2] == UInt8(ascii: "s"), b[i + 3] == UInt8(ascii: "p") {
                return (6, 0xA0, 0)
            }
        }
        let t = table
        if j < n, b[j] == UInt8(ascii: ";") {
            let name = Array(UnsafeBufferPointer(rebasing: b[i...j]))
            if let e = t[name] { return (j + 1 - start, e.first, e.second) }
        }
        // Legacy forms: longest prefix without semicolon.
        var k = min(j, i + 6)  // the longest legacy name ("middot", "frac34"...) has 6 letters
        while k > i {
            let name = Array(UnsafeBufferPointer(rebasing: b[i..<k]))
            if let e = t[name] { return (k - start, e.first, e.second) }
            k -= 1
        }
        return nil
    }

    static let windows1252: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]

    static func numericValue(_ v: UInt32) -> UInt32 {
        if v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) { return 0xFFFD }
        if v >= 0x80 && v <= 0x9F { return windows1252[Int(v - 0x80)] }
        return v
    }

    @inline(__always) static func isAlnum(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c | 0x20 >= 97 && c | 0x20 <= 122)
    }

    @inline(__always) static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 65...70: return c - 55
        case 97...102: return c - 87
        default: return nil
        }
    }
}

/// Small UTF-8 encoding helpers.
public enum UTF8Encoding {
    /// Appends the UTF-8 form of `cp` (U+FFFD for surrogates and out-of-range values).
    @inline(__always)
    public static func append(_ cp: UInt32, to out: inout [UInt8]) {
        var c = cp
        if c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF) { c = 0xFFFD }
        if c < 0x80 {
            out.append(UInt8(c))
        } else if c < 0x800 {
            out.append(UInt8(0xC0 | (c >> 6)))
            out.append(UInt8(0x80 | (c & 0x3F)))
        } else if c < 0x10000 {
            out.append(UInt8(0xE0 | (c >> 12)))
            out.append(UInt8(0x80 | ((c >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (c & 0x3F)))
        } else {
            out.append(UInt8(0xF0 | (c >> 18)))
            out.append(UInt8(0x80 | ((c >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((c >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (c & 0x3F)))
        }
    }
}
