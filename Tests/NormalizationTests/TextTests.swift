import Testing
@testable import Normalization

@Suite struct TextTests {
    func s(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }

    @Test func foldsUnicodeWhitespace() {
        let input = "  a\u{A0}\u{A0}b\u{2003}c\u{3000}\t\n d\u{202F}e\u{200B}f  "
        #expect(s(Whitespace.fold(Array(input.utf8))) == "a b c d e f")
        #expect(Whitespace.fold(Array("   ".utf8)).isEmpty)
        #expect(s(Whitespace.fold(Array("no-change".utf8))) == "no-change")
    }

    @Test func removesControlCharacters() {
        let input: [UInt8] = Array("a\u{0}b\u{7}c\u{7F}d\u{85}e\tf\n".utf8)
        #expect(s(TextCleaner.removeControlCharacters(input)) == "abcde\tf\n")
    }

    @Test func paragraphs() {
        #expect(s(TextCleaner.paragraphs(Array("  one\n two \n\n\n  three  \n \n".utf8))) == "one two\n\nthree")
    }

    @Test func repairsUTF8() {
        #expect(UTF8Repair.repair([0x61, 0xFF, 0x62]) == [0x61, 0xEF, 0xBF, 0xBD, 0x62])
        // Truncated 3-byte sequence is one maximal subpart → one U+FFFD.
        #expect(UTF8Repair.repair([0xE2, 0x82, 0x61]) == [0xEF, 0xBF, 0xBD, 0x61])
        // Surrogate encoded in UTF-8 is invalid (ED A0 80): three replacement characters.
        #expect(UTF8Repair.repair([0xED, 0xA0, 0x80]).count == 9)
        let ok = Array("héllo wörld 😀".utf8)
        #expect(UTF8Repair.repair(ok) == ok)
        #expect(UTF8.repaired([0xC0, 0xAF]) == [0xEF, 0xBF, 0xBD, 0xEF, 0xBF, 0xBD])
    }

    @Test func nfcAndCaseFold() {
        let decomposed = Array("Cafe\u{301}".utf8)
        #expect(UnicodeNormalizer.nfc(decomposed) == Array("Café".utf8))
        #expect(UnicodeNormalizer.nfc(Array("plain".utf8)) == Array("plain".utf8))
        // Cyrillic takes the fast path; a combining mark after it (or a Cyrillic combining sign)
        // does not, and is composed: и + U+0306 → й.
        let russian = Array("Москва, ёлка и йод".utf8)
        #expect(UnicodeNormalizer.isTriviallyNFC(russian))
        #expect(UnicodeNormalizer.nfc(russian) == russian)
        let decomposedShortI = Array("и\u{0306}од".utf8)
        #expect(!UnicodeNormalizer.isTriviallyNFC(decomposedShortI))
        #expect(UnicodeNormalizer.nfc(decomposedShortI) == Array("йод".utf8))
        #expect(!UnicodeNormalizer.isTriviallyNFC(Array("а\u{0483}".utf8)))
        #expect(s(CaseFolder.fold(Array("HeLLo".utf8))) == "hello")
        #expect(s(CaseFolder.fold(Array("ÉCOLE Ünïcode".utf8))) == "école ünïcode")
    }
}

@Suite struct TextSinkTests {
    /// The fused pass must equal the separate passes (decode → remove controls → fold → lower-case).
    @Test func fusedPassEqualsSeparatePasses() {
        var state: UInt64 = 12345
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        let alphabet = Array("abcXYZ AZaz@[`{ \t\n&amp;&lt;&#65;&nbsp;\u{1}\u{7F}é\u{A0}\u{2003}–".utf8)
        for _ in 0..<2000 {
            var s: [UInt8] = []
            for _ in 0..<Int(next() % 60) {
                if next() % 3 == 0 { s += Array("Hello World ABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8.prefix(Int(next() % 30))) }
                else { s.append(alphabet[Int(next() % UInt64(alphabet.count))]) }
            }
            s = UTF8Repair.repair(s)
            let reference = CaseFolder.fold(Whitespace.fold(TextCleaner.removeControlCharacters(HTMLEntities.decode(s))))
            let fused = s.withUnsafeBufferPointer { TextSink.cleanFold($0, decodeEntities: true, lowercaseASCII: true) }
            #expect(CaseFolder.fold(fused) == reference, "input \(s)")
            let unlowered = s.withUnsafeBufferPointer { TextSink.cleanFold($0, decodeEntities: false) }
            #expect(unlowered == Whitespace.fold(TextCleaner.removeControlCharacters(s)))
        }
    }
}

@Suite struct IntegerTableTests {
    @Test func lookupsAndMisses() {
        let entries = (1...300).map { (UInt64($0) &* 0x1234_5678_9ABC_DEF1, UInt8($0 % 250)) }
        let t = IntegerTable(entries)
        for (k, v) in entries { #expect(t.value(for: k) == v) }
        #expect(t.value(for: 0) == nil)
        #expect(t.value(for: 42) == nil)
    }

    @Test func htmlTextTagClasses() {
        let html = Array("<DIV>one<span>two</span></div><Script>x()</SCRIPT><p>three<img src=a>four</p>".utf8)
        #expect(String(decoding: HTMLText.paragraphs(html), as: UTF8.self) == "onetwo\n\nthree four")
    }

    /// A feed entry's picture caption is not text (as in pages); an unclosed `<figcaption>` does
    /// not swallow the rest of the entry.
    @Test func htmlTextDropsFigcaptions() {
        let html = Array("<p>one</p><figure><img src=a><FIGCAPTION>Photo: <b>Agency</b></figcaption></figure><p>two</p>".utf8)
        #expect(String(decoding: HTMLText.paragraphs(html), as: UTF8.self) == "one\n\ntwo")
        let unclosed = Array(("<p>one</p><figcaption>credit<p>" + String(repeating: "two ", count: 600) + "</p>").utf8)
        let text = String(decoding: HTMLText.paragraphs(unclosed), as: UTF8.self)
        #expect(text.hasPrefix("one\n\ncredit"))
        #expect(text.hasSuffix("two"))
    }
}
