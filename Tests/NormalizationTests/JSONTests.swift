import Testing
@testable import Normalization

@Suite struct JSONTests {
    @Test func parsesValues() throws {
        let v = try JSONReader.parse(Array(#" {"a": [1, -2.5, 3e2, true, false, null], "s": "x\"\\\/\n\u00e9\ud83d\ude00", "o": {}} "#.utf8))
        #expect(v["a"] == .array([.integer(1), .double(-2.5), .double(300), .bool(true), .bool(false), .null]))
        #expect(v["s"]?.stringValue == "x\"\\/\né😀")
        #expect(v["o"] == .object([:]))
    }

    /// Found by the fuzz smoke (`json` target, 2026-11-30): an integral double is written without a
    /// fraction and reads back as an integer of the same value; the fuzz invariant compares numbers
    /// as numbers.
    @Test func integralDoubleRoundTripsAsTheSameNumber() throws {
        let v = try JSONReader.parse(Array(#"{"a":[1,-2.5e03,0.5],"?b":{"c":{}}}"#.utf8))
        #expect(v["a"] == .array([.integer(1), .double(-2500), .double(0.5)]))
        let again = try JSONReader.parse(JSONWriter.encode(v))
        #expect(again["a"] == .array([.integer(1), .integer(-2500), .double(0.5)]))
        #expect(again["a"]?.arrayValue?[1].doubleValue == -2500)
        #expect(again["?b"] == .object(["c": .object([:])]))
    }

    @Test func rejectsBadInput() {
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "01x", "\"abc", "[1] 2", "nul", "\"\\q\""] {
            #expect(throws: JSONError.self) { try JSONReader.parse(Array(bad.utf8)) }
        }
    }

    /// Found by the CI fuzz smoke: "1e999" read as infinity, which the writer prints as null, so a
    /// round trip changed the value. Numbers beyond Double's range are refused; the largest finite
    /// ones still read and round-trip.
    @Test func numbersBeyondDoubleRangeAreRefused() throws {
        for bad in ["1e999", "[-1e400]", "{\"a\":[1E+309]}"] {
            #expect(throws: JSONError.self) { try JSONReader.parse(Array(bad.utf8)) }
        }
        let big = try JSONReader.parse(Array("1.7976931348623157e308".utf8))
        #expect(big.doubleValue == Double.greatestFiniteMagnitude)
        #expect(try JSONReader.parse(JSONWriter.encode(big)).doubleValue == Double.greatestFiniteMagnitude)
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
