/// A set of ASCII keywords searched as substrings of a lower-cased byte string
/// (the class/id hints of the content scorer).
struct Keywords: Sendable {
    let words: [[UInt8]]

    init(_ list: String) {
        words = list.split(separator: "|").map { Array($0.utf8) }
    }

    func matches(_ s: [UInt8]) -> Bool {
        let n = s.count
        if n == 0 { return false }
        return s.withUnsafeBufferPointer { buf in
            for w in words {
                let m = w.count
                if m > n { continue }
                let f = w[0]
                var i = 0
                let last = n - m
                outer: while i <= last {
                    if buf[i] == f {
                        var k = 1
                        while k < m { if buf[i + k] != w[k] { i += 1; continue outer }; k += 1 }
                        return true
                    }
                    i += 1
                }
            }
            return false
        }
    }

    /// Does `s` contain `word` as a whole space/punctuation-delimited token?
    static func hasToken(_ s: [UInt8], _ word: String) -> Bool {
        let w = Array(word.utf8)
        var i = 0
        let n = s.count
        while i < n {
            while i < n, !isWordByte(s[i]) { i += 1 }
            let start = i
            while i < n, isWordByte(s[i]) { i += 1 }
            if i - start == w.count, Array(s[start..<i]) == w { return true }
        }
        return false
    }

    @inline(__always) static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 97 && b <= 122) || (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || b >= 0x80
    }
}
