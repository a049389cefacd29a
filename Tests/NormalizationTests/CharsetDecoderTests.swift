import Testing
@testable import Normalization

@Suite struct CharsetDecoderTests {
    func utf8(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }

    @Test func utf8FastPathAndBOM() throws {
        let r = try CharsetDecoder.toUTF8(Array("héllo".utf8), declared: nil)
        #expect(utf8(r.bytes) == "héllo" && r.charset == "utf-8")
        let bom = try CharsetDecoder.toUTF8([0xEF, 0xBB, 0xBF] + Array("x".utf8), declared: "iso-8859-1")
        #expect(utf8(bom.bytes) == "x" && bom.charset == "utf-8")
    }

    @Test func utf16() throws {
        let le = try CharsetDecoder.toUTF8([0xFF, 0xFE, 0x68, 0x00, 0xE9, 0x00], declared: nil)
        #expect(utf8(le.bytes) == "hé")
        let be = try CharsetDecoder.toUTF8([0xFE, 0xFF, 0x00, 0x68, 0x00, 0xE9], declared: nil)
        #expect(utf8(be.bytes) == "hé")
        let sniff = try CharsetDecoder.toUTF8([0x3C, 0x00, 0x61, 0x00], declared: nil)
        #expect(utf8(sniff.bytes) == "<a")
    }

    @Test func wideDeclarationOnASCIIMarkupIgnored() throws {
        let xml = Array("<?xml version=\"1.0\" encoding=\"utf-16\"?><a>é</a>".utf8)
        for label in ["utf-16", "UTF-16LE", "utf-16be", "utf-32", "UCS-2"] {
            let r = try CharsetDecoder.toUTF8(xml, declared: label)
            #expect(utf8(r.bytes) == "<?xml version=\"1.0\" encoding=\"utf-16\"?><a>é</a>" && r.charset == "utf-8")
        }
        // Real UTF-16 without BOM keeps its declaration.
        let le = try CharsetDecoder.toUTF8([0x3C, 0x00, 0x61, 0x00, 0x3E, 0x00], declared: "utf-16")
        #expect(utf8(le.bytes) == "<a>")
    }

    @Test func windows1252AndLatin() throws {
        // 0x93/0x94 are curly quotes in Windows-1252; ISO-8859-1 labels map to it as browsers do.
        let r = try CharsetDecoder.toUTF8([0x93, 0x63, 0x61, 0x66, 0xE9, 0x94], declared: "ISO-8859-1")
        #expect(utf8(r.bytes) == "\u{201C}café\u{201D}")
        let undeclared = try CharsetDecoder.toUTF8([0x63, 0x61, 0x66, 0xE9], declared: nil)
        #expect(utf8(undeclared.bytes) == "café" && undeclared.charset == "windows-1252")
        let l2 = try CharsetDecoder.toUTF8([0xB9], declared: "iso-8859-2")
        #expect(utf8(l2.bytes) == "š")
    }

    @Test func eastAsian() throws {
        #expect(utf8(try CharsetDecoder.toUTF8([0x93, 0xFA, 0x96, 0x7B], declared: "Shift_JIS").bytes) == "日本")
        #expect(utf8(try CharsetDecoder.toUTF8([0xC6, 0xFC, 0xCB, 0xDC], declared: "euc-jp").bytes) == "日本")
        #expect(utf8(try CharsetDecoder.toUTF8([0xC7, 0xD1, 0xB1, 0xB9], declared: "euc-kr").bytes) == "한국")
        #expect(utf8(try CharsetDecoder.toUTF8([0xD6, 0xD0, 0xCE, 0xC4], declared: "gbk").bytes) == "中文")
        #expect(utf8(try CharsetDecoder.toUTF8([0xA4, 0xA4, 0xA4, 0xE5], declared: "big5").bytes) == "中文")
    }

    @Test func invalidBytesBecomeReplacement() throws {
        let r = try CharsetDecoder.toUTF8([0x61, 0x82, 0xA0, 0x62], declared: "euc-jp")
        #expect(UTF8Repair.isValid(r.bytes))
        #expect(utf8(r.bytes).hasPrefix("a") && utf8(r.bytes).hasSuffix("b"))
    }

    @Test func unknownDeclaredFallsBack() throws {
        let r = try CharsetDecoder.toUTF8(Array("plain".utf8), declared: "x-no-such-charset")
        #expect(utf8(r.bytes) == "plain")
    }
}
