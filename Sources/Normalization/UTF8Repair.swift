/// Validates UTF-8 and replaces every maximal invalid subpart with U+FFFD (the WHATWG/Unicode practice).
public enum UTF8Repair {
    /// True when `bytes` is well-formed UTF-8.
    public static func isValid(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { firstInvalid($0, from: 0) == nil }
    }

    /// Returns `bytes` with invalid sequences replaced by U+FFFD; valid input is returned unchanged.
    public static func repair(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBufferPointer { b -> [UInt8] in
            guard var bad = firstInvalid(b, from: 0) else { return bytes }
            var out: [UInt8] = []
            out.reserveCapacity(b.count + 16)
            var copied = 0
            while true {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied..<bad]))
                out.append(contentsOf: [0xEF, 0xBF, 0xBD])
                let skip = max(1, validPrefixLength(b, at: bad))
                copied = bad + skip
                guard let next = firstInvalid(b, from: copied) else { break }
                bad = next
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied..<b.count]))
            return out
        }
    }

    /// Length of a well-formed sequence at `i` (or 0 if invalid there).
    @inline(__always)
    static func sequenceLength(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let n = b.count
        let c = b[i]
        if c < 0x80 { return 1 }
        if c < 0xC2 { return 0 }
        if c < 0xE0 {
            return i + 1 < n && b[i + 1] & 0xC0 == 0x80 ? 2 : 0
        }
        if c < 0xF0 {
            guard i + 2 < n else { return 0 }
            let c1 = b[i + 1]
            let lo: UInt8 = c == 0xE0 ? 0xA0 : 0x80
            let hi: UInt8 = c == 0xED ? 0x9F : 0xBF
            return c1 >= lo && c1 <= hi && b[i + 2] & 0xC0 == 0x80 ? 3 : 0
        }
        if c < 0xF5 {
            guard i + 3 < n else { return 0 }
            let c1 = b[i + 1]
            let lo: UInt8 = c == 0xF0 ? 0x90 : 0x80
            let hi: UInt8 = c == 0xF4 ? 0x8F : 0xBF
            return c1 >= lo && c1 <= hi && b[i + 2] & 0xC0 == 0x80 && b[i + 3] & 0xC0 == 0x80 ? 4 : 0
        }
        return 0
    }

    /// Number of bytes forming the maximal invalid subpart starting at `i`.
    static func validPrefixLength(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let n = b.count
        let c = b[i]
        var need = 0
        var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
        switch c {
        case 0xC2...0xDF: need = 1
        case 0xE0: need = 2; lo = 0xA0
        case 0xE1...0xEC, 0xEE, 0xEF: need = 2
        case 0xED: need = 2; hi = 0x9F
        case 0xF0: need = 3; lo = 0x90
        case 0xF1...0xF3: need = 3
        case 0xF4: need = 3; hi = 0x8F
        default: return 1
        }
        var k = 1
        while k <= need, i + k < n {
            let x = b[i + k]
            if k == 1 { if x < lo || x > hi { break } } else if x & 0xC0 != 0x80 { break }
            k += 1
        }
        return k
    }

    static func firstInvalid(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var i = start
        let n = b.count
        while i < n {
            // ASCII fast path, 8 bytes at a time.
            while i + 8 <= n {
                let w = UnsafeRawPointer(b.baseAddress! + i).loadUnaligned(as: UInt64.self)
                if w & 0x8080_8080_8080_8080 != 0 { break }
                i &+= 8
            }
            guard i < n else { break }
            let l = sequenceLength(b, at: i)
            if l == 0 { return i }
            i &+= l
        }
        return nil
    }
}

extension Unicode.UTF8 {
    /// `bytes` with invalid UTF-8 replaced by U+FFFD. Same as `UTF8Repair.repair`.
    public static func repaired(_ bytes: [UInt8]) -> [UInt8] { UTF8Repair.repair(bytes) }
}
