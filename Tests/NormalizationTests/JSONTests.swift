import Testing
@testable import Normalization

@Suite struct JSONTests {
    @Test func parsesValues() throws {
        let v = try JSONReader.parse(Array(#" {"a": [1, -2.5, 3e2, true, false, null], "s": "x\"\\\/\n\u00e9\ud83d\ude00", "o": {}} "#.utf8))
        #expect(v["a"] == .array([.integer(1), .double(-2.5), .double(300), .bool(true), .bool(false), .null]))
        #expect(v["s"]?.stringValue == "x\"\\/\né😀")
        #expect(v["o"] == .object([:]))
    }

    @Test func rejectsBadInput() {
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "01x", "\"abc", "[1] 2", "nul", "\"\\q\""] {
            #expect(throws: JSONError.self) { try JSONReader.parse(Array(bad.utf8)) }
        }
    }

    @Test func depthCap() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONError.self) { try JSONReader.parse(Array(deep.utf8)) }
        #expect((try? JSONReader.parse(Array("[[[]]]".utf8), maxDepth: 3)) != nil)
    }

    @Test func writerIsDeterministicAndEscapes() throws {
        var w = JSONWriter()
        w.beginObject()
        w.key("b"); w.string("q\"\\\n\u{1}")
        w.key("a"); w.int(42)
        w.key("l"); w.stringArray(["x", "y"])
        w.key("n"); w.null()
        w.key("bad"); w.string(bytes: [0x61, 0xFF])
        w.endObject()
        let text = String(decoding: w.bytes, as: UTF8.self)
        #expect(text == #"{"b":"q\"\\\n\u0001","a":42,"l":["x","y"],"n":null,"bad":"a�"}"#)
        // Round trip.
        let v = try JSONReader.parse(w.bytes)
        #expect(v["b"]?.stringValue == "q\"\\\n\u{1}")
        #expect(JSONWriter.encode(v) == JSONWriter.encode(v))
    }
}
