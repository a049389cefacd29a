import Testing
@testable import Extraction

/// `Similarity.asciiText`, the byte path for ASCII headings, against the `String` path it stands in for.
@Suite struct SimilarityTests {
    /// The `String` path of `Similarity.text(_:_:)` (tokens split on `Character` classes).
    static func stringPath(_ ta: Set<String>, _ b: String) -> Double {
        let tb = Similarity.tokens(b)
        guard !ta.isEmpty, !tb.isEmpty else { return 0 }
        let uniq = tb.filter { !ta.contains($0) }
        let all = tb.joined(separator: " ").count
        guard all > 0 else { return 0 }
        return 1 - Double(uniq.joined(separator: " ").count) / Double(all)
    }

    @Test func asciiPathMatchesTheStringPath() throws {
        let words = ["Harbour", "seals", "RETURN", "to", "the", "bay", "2019", "after", "x", "e-mail", "Q&A", "it's", "", "  ", "--", "v2.0"]
        let marks = [" ", "  ", ", ", ": ", " | ", "!", "?", "/", "\t", "...", "(", ")"]
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ n: Int) -> Int {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Int(state % UInt64(n))
        }
        func text() -> String {
            (0..<next(9)).map { _ in words[next(words.count)] + marks[next(marks.count)] }.joined()
        }
        for _ in 0..<3_000 {
            let ta = Set(Similarity.tokens(text()))
            let b = text()
            let fast = try #require(Similarity.asciiText(ta, b))
            #expect(abs(fast - Self.stringPath(ta, b)) < 1e-12, "\(ta) \(b)")
        }
        #expect(Similarity.asciiText(["bay"], "Die Bucht – bay") == nil, "non-ASCII takes the String path")
        #expect(Similarity.text("Harbour seals return", "harbour SEALS return!") == 1)
    }
}
