import Testing
@testable import Normalization

@Suite struct HashingTests {
    func hash(_ title: String, _ body: String) -> String {
        SHA256.hex(CanonicalText.make(title: Array(title.utf8), body: Array(body.utf8)))
    }

    @Test func sha256KnownVectors() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func canonicalTextShape() {
        let c = CanonicalText.make(title: Array("  The  TITLE ".utf8), body: Array("Body &amp;\n\n more".utf8))
        #expect(String(decoding: c, as: UTF8.self) == "the title\n\nbody & more")
    }

    @Test func sameStoryHashesTheSame() {
        let a = hash("Storm hits the Coast", "Winds of 100 km/h & heavy rain.\n\nResidents were evacuated.")
        #expect(hash("storm  hits the coast ", "Winds of 100 km/h &amp; heavy rain. Residents   were evacuated.") == a)
        #expect(hash("STORM HITS THE COAST", "winds\u{A0}of 100 km/h &#38; heavy rain.\n Residents were evacuated.") == a)
        #expect(hash("Storm hits the Coast", "Winds of 100 km/h & heavy rain. Residents were evacuated.  ") == a)
    }

    @Test func nfcVariantsHashTheSame() {
        #expect(hash("Café", "x") == hash("Cafe\u{301}", "x"))
    }

    @Test func changedWordChangesHash() {
        let a = hash("Storm hits the coast", "Winds of 100 km/h and heavy rain.")
        #expect(hash("Storm hits the coast", "Winds of 120 km/h and heavy rain.") != a)
        #expect(hash("Storm hit the coast", "Winds of 100 km/h and heavy rain.") != a)
    }

    @Test func simhashNearDuplicatesAreClose() {
        let base = (0..<200).map { "word\($0 % 37) token\($0 % 11)" }.joined(separator: " ")
        let edited = base.replacingOccurrences(of: "word5 token5", with: "changed here")
        let other = (0..<200).map { "different\($0 % 23) vocab\($0 % 7)" }.joined(separator: " ")
        let a = SimHash.compute(Array(base.utf8)), b = SimHash.compute(Array(edited.utf8))
        let c = SimHash.compute(Array(other.utf8))
        #expect(SimHash.hammingDistance(a, a) == 0)
        #expect(SimHash.hammingDistance(a, b) < SimHash.hammingDistance(a, c))
        #expect(SimHash.hammingDistance(a, b) <= 12)
        #expect(SimHash.compute([]) == 0)
    }
}

extension String {
    func replacingOccurrences(of a: String, with b: String) -> String {
        var out = ""
        var rest = Substring(self)
        while let r = rest.range(of: a) { out += rest[..<r.lowerBound]; out += b; rest = rest[r.upperBound...] }
        return out + rest
    }
}

extension Substring {
    func range(of s: String) -> Range<Index>? {
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(s) { return i..<index(i, offsetBy: s.count) }
            i = index(after: i)
        }
        return nil
    }
}

@Suite struct SimHashWordTests {
    /// Word boundaries found 8 bytes at a time must match the byte-by-byte definition: the hash
    /// depends only on the sequence of words, whatever the white space between them.
    @Test func sameWordsSameHash() {
        let words = ["a", "bb", "seven77", "eightchr", "ninechars", "sixteen-chars-xx", "x", "zz", "é", "日本語"]
        var state: UInt64 = 99
        func next() -> Int { state = state &* 6364136223846793005 &+ 1; return Int(state >> 33) }
        for _ in 0..<300 {
            let seq = (0..<(next() % 40)).map { _ in words[next() % words.count] }
            let a = seq.joined(separator: " ")
            let b = "  " + seq.joined(separator: " \n\t ") + "\n"
            #expect(SimHash.compute(Array(a.utf8)) == SimHash.compute(Array(b.utf8)))
        }
        #expect(SimHash.compute(Array("one two three".utf8)) != SimHash.compute(Array("one two four".utf8)))
    }
}
