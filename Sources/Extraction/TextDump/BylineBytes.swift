/// `LineClassifier.byline(_:)` on the bytes of a printable-ASCII line, without `Character`s.
///
/// On bytes 0x20–0x7E a `Character` is one byte, the only white space is the space, letters are
/// A–Z and a–z, upper case is A–Z: each step of the string rule below has a byte form that gives
/// the same names (checked against the string rule in `TextDumpFastPathTests`). Other lines take the
/// string rule.
extension LineClassifier {
    /// The byte form of `byline(_:)`, or `.none` when `line` is not all printable ASCII.
    static func asciiByline(_ line: String) -> [String]?? {
        line.utf8.withContiguousStorageIfAvailable { b -> [String]?? in
            for c in b where c < 0x20 || c > 0x7E { return .none }
            return .some(asciiByline(b))
        } ?? .none
    }

    /// The byline prefixes as bytes, in the order of `bylinePrefixes`.
    static let bylinePrefixBytes = bytes(bylinePrefixes)
    /// The words that `replacingAnd()` turns into name separators.
    static let andWords = bytes(["and", "&", "und", "et", "y"])

    /// `byline(_:)` on printable-ASCII bytes.
    static func asciiByline(_ b: UnsafeBufferPointer<UInt8>) -> [String]? {
        @inline(__always) func lower(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5A ? c | 0x20 : c }
        @inline(__always) func startsWith(_ p: [UInt8]) -> Bool {
            guard b.count >= p.count else { return false }
            for k in 0..<p.count where lower(b[k]) != p[k] { return false }
            return true
        }
        guard let prefix = bylinePrefixBytes.first(where: startsWith) else { return nil }
        // rest: after the prefix, spaces trimmed, cut at the first "|" (then trimmed again).
        var s = prefix.count, e = b.count
        while s < e, b[s] == 0x20 { s += 1 }
        while e > s, b[e - 1] == 0x20 { e -= 1 }
        if let bar = (s..<e).first(where: { b[$0] == 0x7C }) {
            e = bar
            while e > s, b[e - 1] == 0x20 { e -= 1 }
        }
        // Words: runs of non-space bytes.
        var words = 0
        var inWord = false
        for k in s..<e { if b[k] == 0x20 { inWord = false } else if !inWord { inWord = true; words += 1 } }
        guard words > 0, words <= 12, b[e - 1] != 0x2E || words <= 4 else { return nil }
        var names: [String] = []
        // Chunks between commas (empty ones skipped), each split into space-separated words.
        var c = s
        while c < e {
            var ce = c
            while ce < e, b[ce] != 0x2C { ce += 1 }
            if ce > c { chunkNames(b, c, ce, into: &names) }
            c = ce + 1
        }
        return names.isEmpty ? nil : names
    }

    /// The names of one comma-separated chunk `b[s..<e]`: its words, split at "and"-words that are
    /// neither first nor last (`replacingAnd()`), each group a name if its words are capitalised.
    static func chunkNames(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, into names: inout [String]) {
        var ws: [Range<Int>] = []
        var k = s
        while k < e {
            while k < e, b[k] == 0x20 { k += 1 }
            let w = k
            while k < e, b[k] != 0x20 { k += 1 }
            if k > w { ws.append(w..<k) }
        }
        var group: [Range<Int>] = []
        func flush() {
            defer { group.removeAll() }
            guard !group.isEmpty else { return }
            // A role after a comma ("Staff Writer", "in Tokyo") is not a name.
            let capitalised = group.allSatisfy { b[$0.lowerBound] >= 0x41 && b[$0.lowerBound] <= 0x5A }
            guard capitalised || group.count == 1 && names.isEmpty else { return }
            var name: [UInt8] = []
            for (i, r) in group.enumerated() {
                if i > 0 { name.append(0x20) }
                name += b[r]
            }
            if !names.isEmpty && bylineRoles.contains(String(decoding: name.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)) { return }
            names.append(String(decoding: titleCaseIfShouting(name), as: UTF8.self))
        }
        for (i, r) in ws.enumerated() {
            if i > 0 && i < ws.count - 1 && andWords.contains(where: { $0.elementsEqual(b[r]) }) { flush() } else { group.append(r) }
        }
        flush()
    }

    /// `titleCaseIfShouting(_:)` on ASCII bytes.
    static func titleCaseIfShouting(_ name: [UInt8]) -> [UInt8] {
        @inline(__always) func isUpper(_ c: UInt8) -> Bool { c >= 0x41 && c <= 0x5A }
        @inline(__always) func isLower(_ c: UInt8) -> Bool { c >= 0x61 && c <= 0x7A }
        guard name.contains(where: { isUpper($0) || isLower($0) }), !name.contains(where: isLower) else { return name }
        var out = name
        var startOfWord = true
        for (k, c) in name.enumerated() {
            if isUpper(c) {
                out[k] = startOfWord ? c : c | 0x20
                startOfWord = false
            } else {
                startOfWord = c == 0x20 || c == 0x2D || c == 0x27
            }
        }
        return out
    }
}
