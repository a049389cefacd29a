import Foundation
import Testing
@testable import Telemetry

/// A minimal logfmt reader (Go-style quoting) used to check that what we write reads back.
func parseLogfmt(_ line: String) -> [(String, String)] {
    var pairs: [(String, String)] = []
    var bytes = Array(line.utf8)
    if bytes.last == 0x0A { bytes.removeLast() }
    var i = 0
    while i < bytes.count {
        while i < bytes.count && bytes[i] == 0x20 { i += 1 }
        let keyStart = i
        while i < bytes.count && bytes[i] != UInt8(ascii: "=") && bytes[i] != 0x20 { i += 1 }
        let key = String(decoding: bytes[keyStart..<i], as: UTF8.self)
        guard i < bytes.count, bytes[i] == UInt8(ascii: "=") else { pairs.append((key, "")); continue }
        i += 1
        var value: [UInt8] = []
        if i < bytes.count && bytes[i] == UInt8(ascii: "\"") {
            i += 1
            while i < bytes.count && bytes[i] != UInt8(ascii: "\"") {
                if bytes[i] == UInt8(ascii: "\\") && i + 1 < bytes.count {
                    i += 1
                    switch bytes[i] {
                    case UInt8(ascii: "n"): value.append(0x0A)
                    case UInt8(ascii: "t"): value.append(0x09)
                    case UInt8(ascii: "r"): value.append(0x0D)
                    case UInt8(ascii: "u"):
                        let hex = String(decoding: bytes[(i + 1)...(i + 4)], as: UTF8.self)
                        value.append(UInt8(hex, radix: 16)!)
                        i += 4
                    default: value.append(bytes[i])
                    }
                } else {
                    value.append(bytes[i])
                }
                i += 1
            }
            i += 1
        } else {
            while i < bytes.count && bytes[i] != 0x20 { value.append(bytes[i]); i += 1 }
        }
        pairs.append((key, String(decoding: value, as: UTF8.self)))
    }
    return pairs
}

func parseJSONObject(_ line: String) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
    return try #require(object as? [String: Any])
}

@Suite struct LineEncoderTests {
    let tricky: [LineField] = [
        LineField("msg", .string("say \"hi\"\nback\\slash\ttab é")),
        LineField("empty", .string("")),
        LineField("plain", .string("word")),
        LineField("eq", .string("a=b")),
        LineField("ctl", .string("bell\u{07}")),
        LineField("n", .int(-42)),
        LineField("d", .double(0.125)),
        LineField("whole", .double(3)),
        LineField("nan", .double(.nan)),
        LineField("ok", .bool(true)),
    ]

    @Test func jsonLineParsesWithEveryValueIntact() throws {
        let line = LineEncoder.encodeString(tricky, format: .json)
        #expect(line.hasSuffix("}\n"))
        #expect(line.filter { $0 == "\n" }.count == 1, "one record per line: newlines inside values are escaped")
        let object = try parseJSONObject(line)
        #expect(object["msg"] as? String == "say \"hi\"\nback\\slash\ttab é")
        #expect(object["empty"] as? String == "")
        #expect(object["ctl"] as? String == "bell\u{07}")
        #expect((object["n"] as? NSNumber)?.int64Value == -42)
        #expect((object["d"] as? NSNumber)?.doubleValue == 0.125)
        #expect((object["whole"] as? NSNumber)?.int64Value == 3)
        #expect(object["nan"] is NSNull, "NaN is not JSON: written as null")
        #expect(object["ok"] as? Bool == true)
    }

    @Test func logfmtQuotesOnlyWhenNeededAndRoundTrips() throws {
        let line = LineEncoder.encodeString(tricky, format: .logfmt)
        #expect(line.filter { $0 == "\n" }.count == 1)
        #expect(line.contains(" plain=word "), "a plain word is not quoted")
        #expect(line.contains(" empty=\"\" "), "an empty value is quoted")
        #expect(line.contains(" eq=\"a=b\" "), "a value with = is quoted")
        #expect(line.contains(" n=-42 "))
        #expect(line.contains(" whole=3 "))
        #expect(line.contains(" nan=NaN "))
        let pairs = parseLogfmt(line)
        #expect(pairs.map(\.0) == tricky.map(\.key))
        let values = Dictionary(uniqueKeysWithValues: pairs)
        #expect(values["msg"] == "say \"hi\"\nback\\slash\ttab é")
        #expect(values["eq"] == "a=b")
        #expect(values["ctl"] == "bell\u{07}")
        #expect(values["d"] == "0.125")
    }

    @Test func logfmtKeysLoseSpacesEqualsAndQuotes() {
        let line = LineEncoder.encodeString([LineField("a b=c\"d", .int(1))], format: .logfmt)
        #expect(line == "a_b_c_d=1\n")
    }

    @Test func neitherFormatWritesANSIEscapes() {
        for format in LineFormat.allCases {
            let bytes = LineEncoder.encode([LineField("msg", .string("\u{1B}[31mred"))], format: format)
            #expect(!bytes.contains(0x1B), "ESC must be escaped in \(format)")
        }
    }

    @Test func timestampsAreISO8601UTCWithMilliseconds() {
        // 2001-09-09T01:46:40Z is Unix time 1_000_000_000.
        #expect(Timestamp.iso8601(seconds: 1_000_000_000, milliseconds: 7) == "2001-09-09T01:46:40.007Z")
        #expect(Timestamp.iso8601(seconds: 0, milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        let now = Timestamp.nowISO8601()
        #expect(now.utf8.count == 24 && now.hasSuffix("Z"))
    }

    @Test func formatConfigValuesParse() {
        #expect(LineFormat(configValue: "JSON") == .json)
        #expect(LineFormat(configValue: "logfmt") == .logfmt)
        #expect(LineFormat(configValue: "text") == nil)
    }
}
