/// A set of ASCII keywords searched as substrings of a lower-cased byte string
/// (the class/id hints of the content scorer).
///
/// The words are grouped by their first byte, so a search is one pass over the string that only
/// compares the words starting with the byte at hand (not one pass per word).
struct Keywords: Sendable {
    let words: [[UInt8]]
    /// The words' bytes, concatenated in first-byte order.
    private let bytes: [UInt8]
    /// Offsets into `bytes`: word `w` is `bytes[wordStart[w]..<wordStart[w + 1]]`.
    private let wordStart: [Int32]
    /// Words starting with byte `b` are `bucket[b]..<bucket[b + 1]` (257 entries).
    private let bucket: [Int32]

    init(_ list: String) {
        words = list.split(separator: "|").map { Array($0.utf8) }
        let sorted = words.enumerated().sorted { ($0.element[0], $0.offset) < ($1.element[0], $1.offset) }.map(\.element)
        var bytes: [UInt8] = []
        var wordStart: [Int32] = [0]
        var bucket = [Int32](repeating: 0, count: 257)
        for w in sorted {
            bytes.append(contentsOf: w)
            wordStart.append(Int32(bytes.count))
            bucket[Int(w[0]) + 1] += 1
        }
        for b in 1...256 { bucket[b] += bucket[b - 1] }
        self.bytes = bytes
        self.wordStart = wordStart
        self.bucket = bucket
    }

    /// Does any word occur in `s`?
    func matches(_ s: [UInt8]) -> Bool {
        s.withUnsafeBufferPointer { matches($0) }
    }

    /// Does any word occur in `s`?
    func matches(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = s.count
        if n == 0 { return false }
        return bytes.withUnsafeBufferPointer { bytes in
            wordStart.withUnsafeBufferPointer { start in
                bucket.withUnsafeBufferPointer { bucket in
                    for i in 0..<n {
                        let b = Int(s[i])
                        var w = Int(bucket[b])
                        let wEnd = Int(bucket[b + 1])
                        candidates: while w < wEnd {
                            let lo = Int(start[w]), hi = Int(start[w + 1])
                            w += 1
                            if hi - lo > n - i { continue }
                            var k = lo + 1, j = i + 1
                            while k < hi {
                                if bytes[k] != s[j] { continue candidates }
                                k += 1; j += 1
                            }
                            return true
                        }
                    }
                    return false
                }
            }
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
