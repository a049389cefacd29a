import Testing
@testable import Normalization

@Suite struct DateParserTests {
    func p(_ s: String, _ ref: Timestamp? = nil) -> String? { DateParser.parse(s, reference: ref).map(RFC3339.format) }

    /// Found by `scripts/fuzz date` (docs/fuzzing.md): a zone name followed by a long signed number
    /// ("AST-6111…") was read as an hour offset and `v * 60` overflowed: a trap, i.e. a worker crash.
    @Test func longZoneOffsetNumberDoesNotTrap() {
        let found: [UInt8] = [0x10, 0x36, 0x30, 0x3a, 0x30, 0x7a, 0x6d, 0x2d, 0x33, 0xdc, 0xdf, 0xbe, 0xac, 0xab, 0xd2, 0xc9, 0xd2, 0x00, 0x00, 0x20, 0x41, 0x53, 0x54, 0x2d, 0x36, 0x2d, 0x30, 0x30, 0x2b, 0x5a, 0x2b, 0x30, 0x2d, 0x10, 0x10, 0x5a, 0x2d, 0x30, 0x35, 0x2d, 0x01, 0x35, 0x34, 0xff, 0x2b, 0x2b, 0x30, 0x6d, 0x2d, 0x33, 0x2c, 0x20, 0x41, 0x53, 0x54, 0x2d, 0x36, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x31, 0x2d, 0x30, 0x2c, 0x20, 0x41, 0x53, 0x54, 0x2d, 0x36, 0x2d, 0x30, 0x30, 0x2b, 0x5a, 0x2b, 0x30, 0x2d, 0x10, 0x10, 0x5a, 0x00, 0x30, 0x30, 0x2d, 0x57, 0x33, 0x38, 0x2d, 0x57, 0x32, 0x33, 0x44, 0x68, 0x6f, 0x00, 0x00, 0x61, 0x67, 0x6f]
        _ = DateParser.parse(found, reference: Timestamp(secondsSinceEpoch: 1_714_557_600))  // must return, not trap
        #expect(p("2024-05-01 10:00 AST-61111111111111111111111111111111") == "2024-05-01T14:00:00Z")  // AST = -4 h, the number ignored
        #expect(p("2024-05-01 10:00 GMT+0200") == "2024-05-01T08:00:00Z")
        #expect(p("2024-05-01 10:00 GMT-3") == "2024-05-01T13:00:00Z")
    }

    /// "+99" after a time and "GMT+99" are read by one rule: an offset over 18 hours counts as none
    /// (they had disagreed: 99 hours after "GMT", none without it); "GMT+02:00" is two hours.
    @Test func zoneNameAndBareOffsetAgree() {
        #expect(p("2024-05-01 10:00 GMT+99") == p("2024-05-01 10:00 +99"))
        #expect(p("2024-05-01 10:00 GMT+99") == "2024-05-01T10:00:00Z")
        #expect(p("2024-05-01 10:00 GMT+02:00") == "2024-05-01T08:00:00Z")
        #expect(p("2024-05-01 10:00 UTC-05:30") == "2024-05-01T15:30:00Z")
        #expect(p("2024-05-01 10:00 +0530") == "2024-05-01T04:30:00Z")
    }

    @Test func rfc3339Format() {
        #expect(RFC3339.format(Timestamp(secondsSinceEpoch: 0)) == "1970-01-01T00:00:00Z")
        #expect(RFC3339.format(Timestamp(secondsSinceEpoch: 951_782_400)) == "2000-02-29T00:00:00Z")
        #expect(RFC3339.format(Timestamp(secondsSinceEpoch: -1)) == "1969-12-31T23:59:59Z")
    }

    @Test(arguments: [
        ("Mon, 02 Jan 2006 15:04:05 GMT", "2006-01-02T15:04:05Z"),
        ("Mon, 02 Jan 2006 15:04:05 -0700", "2006-01-02T22:04:05Z"),
        ("Mon, 02 Jan 2006 15:04:05 +05:30", "2006-01-02T09:34:05Z"),
        ("Mon, 02 Jan 2006 15:04:05 EST", "2006-01-02T20:04:05Z"),
        ("Mon, 02 Jan 2006 15:04:05 PDT", "2006-01-02T22:04:05Z"),
        ("Mon, 2 Jan 06 15:04 Z", "2006-01-02T15:04:00Z"),
        ("02 Jan 2006 15:04:05 +0000", "2006-01-02T15:04:05Z"),
        ("Monday, 02 January 2006 15:04:05 UT", "2006-01-02T15:04:05Z"),
        ("Mon Jan 02 2006 15:04:05 GMT+0100", "2006-01-02T14:04:05Z"),
        ("Tue, 10 Jun 2003 04:00:00 GMT", "2003-06-10T04:00:00Z"),
    ])
    func rfc822(_ input: String, _ expected: String) {
        #expect(p(input) == expected)
    }

    @Test(arguments: [
        ("2006-01-02T15:04:05Z", "2006-01-02T15:04:05Z"),
        ("2006-01-02T15:04:05.123456+02:00", "2006-01-02T13:04:05Z"),
        ("2006-01-02T15:04:05-0500", "2006-01-02T20:04:05Z"),
        ("2006-01-02 15:04:05", "2006-01-02T15:04:05Z"),
        ("2006-01-02T15:04Z", "2006-01-02T15:04:00Z"),
        ("2006-01-02", "2006-01-02T00:00:00Z"),
        ("20060102T150405Z", "2006-01-02T15:04:05Z"),
        ("2006/01/02 3:04 PM", "2006-01-02T15:04:00Z"),
        ("January 2, 2006", "2006-01-02T00:00:00Z"),
        ("2 January 2006 12:00 AM", "2006-01-02T00:00:00Z"),
    ])
    func iso8601AndVariants(_ input: String, _ expected: String) {
        #expect(p(input) == expected)
    }

    @Test func relativePhrases() {
        let ref = DateParser.parse("2024-05-10T12:00:00Z")!
        #expect(p("2 days ago", ref) == "2024-05-08T12:00:00Z")
        #expect(p("24 minutes ago", ref) == "2024-05-10T11:36:00Z")
        #expect(p("an hour ago", ref) == "2024-05-10T11:00:00Z")
        #expect(p("yesterday", ref) == "2024-05-09T12:00:00Z")
        #expect(p("just now", ref) == "2024-05-10T12:00:00Z")
        #expect(p("3 weeks ago", ref) == "2024-04-19T12:00:00Z")
        #expect(p("2 days ago") == nil)  // no reference → dropped
    }

    @Test func rejectsGarbage() {
        #expect(p("") == nil)
        #expect(p("not a date") == nil)
        #expect(p("2006-13-45") == nil)
        #expect(p("Feb 30 2023") == nil)
    }
}
