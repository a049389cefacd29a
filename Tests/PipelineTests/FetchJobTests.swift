import Kafka
import Testing
@testable import Pipeline

private func decode(_ s: String, cap: Int = 1 << 20) throws(JobError) -> FetchJob {
    try FetchJob.decode(Array(s.utf8), maxBodyBytes: cap)
}

private func code(_ bytes: [UInt8], cap: Int = 1 << 20) -> JobError.Code? {
    do { _ = try FetchJob.decode(bytes, maxBodyBytes: cap); return nil } catch { return error.code }
}

@Suite struct FetchJobTests {
    @Test func decodesEveryField() throws {
        let job = try decode("""
        {"schema":1,"job_id":"j-1","url":"https://a.example/feed.xml","kind":"feed","body":"<rss>\\u00e9\\ud83d\\ude00</rss>",
         "body_encoding":"utf8","content_type":"application/rss+xml; charset=utf-8","fetched_at":"2025-03-05T01:02:03+01:00",
         "source":"A","feed_id":42,"attempt":2,"headers":{"etag":"\\"x\\"","last_modified":"Tue, 04 Mar 2025 10:00:00 GMT","other":1},
         "unknown":{"nested":[1,2,{"a":null}]}}
        """)
        #expect(job.jobID == "j-1")
        #expect(job.url == "https://a.example/feed.xml")
        #expect(job.kind == .feed)
        #expect(job.body == Array("<rss>é😀</rss>".utf8))
        #expect(job.contentType == "application/rss+xml; charset=utf-8")
        // 2025-03-05T00:02:03Z = 1741132800 + 123.
        #expect(job.fetchedAt?.secondsSinceEpoch == 1_741_132_923)
        #expect(job.source == "A")
        #expect(job.feedID == "42")
        #expect(job.attempt == 2)
        #expect(job.etag == "\"x\"")
        #expect(job.lastModified == "Tue, 04 Mar 2025 10:00:00 GMT")
    }

    @Test func minimalJobHasDefaults() throws {
        let job = try decode(#"{"job_id":"x","url":"https://b.example/","body":null}"#)
        #expect(job.kind == .auto)
        #expect(job.body == nil)
        #expect(job.attempt == 0)
    }

    @Test func base64BodyIsDecoded() throws {
        let job = try decode(#"{"job_id":"x","url":"u","body_encoding":"base64","body":"AP8Q"}"#)
        #expect(job.body == [0x00, 0xFF, 0x10])
        #expect(code(Array(#"{"job_id":"x","url":"u","body_encoding":"base64","body":"A*=="}"#.utf8)) == .badBase64)
    }

    @Test func encodeThenDecodeRoundTrips() throws {
        let original = FetchJob(jobID: "r", url: "https://c.example/p", kind: .page, body: [0x47, 0x00, 0xFF, 0x0A],
                                contentType: "text/html", fetchedAt: .init(secondsSinceEpoch: 1_700_000_000), source: "S",
                                feedID: "f", attempt: 3, etag: "e", lastModified: "l")
        let again = try FetchJob.decode(original.encodeJSON(), maxBodyBytes: 1024)
        #expect(again == original)
        let text = FetchJob(jobID: "t", url: "u", body: Array("héllo \"q\"\n".utf8))
        #expect(try FetchJob.decode(text.encodeJSON(), maxBodyBytes: 1024) == text)
    }

    @Test(arguments: [
        ("", JobError.Code.notJSON),
        ("not json", .notJSON),
        ("{\"job_id\":\"a\",\"url\":\"b\"} trailing", .notJSON),
        ("[1,2]", .notObject),
        ("\"str\"", .notObject),
        ("{\"url\":\"b\"}", .missingField),
        ("{\"job_id\":\"a\"}", .missingField),
        ("{\"job_id\":null,\"url\":\"b\"}", .missingField),
        ("{\"job_id\":1,\"url\":\"b\"}", .wrongType),
        ("{\"job_id\":\"a\",\"url\":[\"b\"]}", .wrongType),
        ("{\"job_id\":\"a\",\"url\":\"b\",\"body\":5}", .wrongType),
        ("{\"job_id\":\"a\",\"url\":\"b\",\"attempt\":\"2\"}", .wrongType),
        ("{\"job_id\":\"a\",\"url\":\"b\",\"headers\":[]}", .wrongType),
        ("{\"job_id\":\"a\",\"url\":\"b\",\"kind\":\"podcast\"}", .invalidValue),
        ("{\"job_id\":\"a\",\"url\":\"b\",\"fetched_at\":\"yesterday\"}", .invalidValue),
        ("{\"job_id\":\"a\",\"url\":\"b\",\"body_encoding\":\"utf16\"}", .invalidValue),
        ("{\"job_id\":\"\",\"url\":\"b\"}", .invalidValue),
        ("{\"job_id\":\"a\",\"url\":\"b\",\"schema\":2}", .invalidValue),
        ("{\"job_id\":\"a\",\"url\":\"b\",\"body\":\"\\ud800\"}", .invalidUTF8),
        ("{\"job_id\":\"a\",\"url\":\"b\",\"body\":\"\\q\"}", .notJSON),
    ])
    func malformedJobsHaveReasons(input: String, expected: JobError.Code) {
        #expect(code(Array(input.utf8)) == expected, "\(input)")
    }

    @Test func binaryGarbageAndInvalidUTF8() {
        #expect(code([0xFF, 0xFE, 0x00, 0x01, 0x89, 0x50]) == .notJSON)
        #expect(code(Array("{\"job_id\":\"a\",\"url\":\"b\",\"body\":\"".utf8) + [0xC3, 0x28] + Array("\"}".utf8)) == .invalidUTF8)
        #expect(code(Array("{\"job_id\":\"a\",\"url\":\"b\",\"body\":\"".utf8) + [0xE0, 0x80, 0x80] + Array("\"}".utf8)) == .invalidUTF8, "overlong")
        #expect(code(Array("{\"job_id\":\"a\",\"url\":\"b\",\"body\":\"".utf8) + [0xED, 0xA0, 0x80] + Array("\"}".utf8)) == .invalidUTF8, "surrogate")
    }

    @Test func bodyOverTheCapIsRejected() {
        let big = Array("{\"job_id\":\"a\",\"url\":\"b\",\"body\":\"".utf8) + Array(repeating: UInt8(ascii: "x"), count: 5000) + Array("\"}".utf8)
        #expect(code(big, cap: 4096) == .bodyTooLarge)
        #expect(code(big, cap: 8192) == nil)
        // A message far beyond the cap is refused before parsing.
        let huge = [UInt8](repeating: UInt8(ascii: " "), count: 200_000)
        #expect(code(huge, cap: 1024) == .bodyTooLarge)
    }

    @Test func deepNestingIsNotACrash() {
        let deep = String(repeating: "[", count: 100_000)
        #expect(code(Array(deep.utf8)) == .notJSON)
    }
}

@Suite struct PartitionOffsetsTests {
    @Test func storesOnlyContiguousDoneOffsets() {
        var p = PartitionOffsets()
        for o: Int64 in [10, 11, 12, 15] { p.begin(o) }
        #expect(p.finish(11) == nil, "10 is still in flight")
        #expect(p.finish(12) == nil)
        #expect(p.finish(10) == 12, "10, 11, 12 done: store 12")
        #expect(p.inFlight == 1)
        #expect(p.finish(99) == nil, "unknown offsets are ignored")
        #expect(p.finish(15) == 15)
        #expect(p.inFlight == 0)
    }

    @Test func manyOutOfOrderCompletions() {
        var p = PartitionOffsets()
        for o in 0..<5000 { p.begin(Int64(o)) }
        var highest: Int64 = -1
        for o in stride(from: 4999, through: 0, by: -1) {
            if let v = p.finish(Int64(o)) { highest = max(highest, v) }
        }
        #expect(highest == 4999)
        #expect(p.inFlight == 0)
    }
}

@Suite struct DeadLetterTests {
    @Test func carriesOriginalBytesAndErrorHeaders() {
        let m = KafkaMessage(topic: "jobs", partition: 3, offset: 77, key: Array("k".utf8), value: [0xFF, 0x00],
                             headers: [KafkaHeader(key: "trace", string: "t1"), KafkaHeader(key: "error.code", string: "old")])
        let d = DeadLetter(message: m, error: JobError(.notJSON, "bad", stage: "validate"))
        #expect(d.key == Array("k".utf8))
        #expect(d.value == [0xFF, 0x00])
        let h = Dictionary(d.headers.map { ($0.key, String(decoding: $0.value ?? [], as: UTF8.self)) }, uniquingKeysWith: { a, _ in a })
        #expect(h["trace"] == "t1")
        #expect(h["error.code"] == "not_json")
        #expect(h["error.message"] == "bad")
        #expect(h["error.stage"] == "validate")
        #expect(h["source.topic"] == "jobs")
        #expect(h["source.partition"] == "3")
        #expect(h["source.offset"] == "77")
        #expect(d.headers.filter { $0.key == "error.code" }.count == 1, "an old error.code header is replaced")
    }
}
