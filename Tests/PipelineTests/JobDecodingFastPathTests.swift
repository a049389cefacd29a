import CSIMD
import Kafka
import TestSupport
import Testing
@testable import Pipeline

/// The job decoder's fast paths (issue 13): base64 32 (AVX2), eight and four characters at a time,
/// and the JSON string scan 32 (AVX2) and eight bytes at a time, must accept and refuse exactly what
/// the byte-by-byte rules do.
@Suite struct JobDecodingFastPathTests {
    /// The byte-at-a-time decoder the table-driven one replaced, kept here as the reference.
    static func referenceDecode(_ input: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        var acc: UInt32 = 0
        var bits = 0
        var padding = 0
        for c in input {
            let v: UInt32
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = UInt32(c - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = UInt32(c - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = UInt32(c - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "+"): v = 62
            case UInt8(ascii: "/"): v = 63
            case UInt8(ascii: "="): padding += 1; continue
            case 0x20, 0x0A, 0x0D, 0x09: continue
            default: return nil
            }
            if padding > 0 { return nil }
            acc = acc << 6 | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
            }
        }
        guard padding <= 2, bits < 6 else { return nil }
        return out
    }

    @Test func base64RoundTripsEveryLengthAndEveryByte() {
        var bytes: [UInt8] = []
        for n in 0..<300 {
            let encoded = Base64.encode(bytes)
            #expect(Base64.decode(encoded) == bytes, "length \(n)")
            bytes.append(UInt8(truncatingIfNeeded: n &* 131 &+ 7))
        }
    }

    @Test func base64AgreesWithTheReferenceOnEdgeCases() {
        let cases = [
            "", "QQ==", "QQ=", "QQ", "Q", "QUJD", "QUJDRA==", "QUJD RA==", "QU\nJD\r\nRA==", "QUJDRA== ", "QUJDRA===",
            "QUJD=RA=", "QUJ*", "QUJDRA==QQ==", "====", "QUJDREVGR0g", "QUJDREVGR0hJ\tSktM", "QUJDREVGR0hJSktM\n",
            "QU JDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=", "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo-", "//79/f7+",
        ]
        for c in cases {
            let input = Array(c.utf8)
            #expect(Base64.decode(input) == Self.referenceDecode(input), "\(c.debugDescription)")
        }
    }

    /// The eight-character loop, the four-character loop and the careful loop hand over at every
    /// offset: random payloads, encoded, then damaged (white space, padding, bytes outside the
    /// alphabet inserted; characters dropped; cut short), decoded from slices at every alignment.
    @Test func base64AgreesWithTheReferenceOnDamagedInputAtEveryAlignment() {
        var rng = SplitMix64(seed: 13)
        let noise: [UInt8] = Array(" \n\r\t=*-_\"\\".utf8) + [0x00, 0x80, 0xFF]
        var damaged = 0
        for trial in 0..<20_000 {
            // Up to 200 bytes: several 32-character blocks of the AVX2 loop, then the other loops.
            let length = Int(rng.next() % 200)
            let payload = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            var text = Base64.encode(payload)
            if trial % 3 != 0 {
                for _ in 0...(rng.next() % 3) {
                    let at = Int(rng.next() % UInt64(text.count + 1))
                    if rng.next() % 2 == 0 { text.insert(noise[Int(rng.next() % UInt64(noise.count))], at: at) }
                    else if !text.isEmpty { text.remove(at: min(at, text.count - 1)) }
                }
            }
            if trial % 7 == 0 { text = Array(text.prefix(Int(rng.next() % UInt64(text.count + 1)))) }
            let offset = Int(rng.next() % 8)
            let padded = [UInt8](repeating: UInt8(ascii: "A"), count: offset) + text
            let expected = Self.referenceDecode(text)
            if expected != payload { damaged += 1 }
            #expect(Base64.decode(padded[offset...]) == expected, "\(String(decoding: text, as: UTF8.self).debugDescription) at offset \(offset)")
            #expect(Base64.decode(padded[offset...], vectorized: false) == expected, "scalar loops, offset \(offset)")
        }
        #expect(damaged > 5_000, "the damage must reach the decoder's refusal paths")
    }

    /// The AVX2 loop's validation: every byte value at every position of two 32-character blocks
    /// (and of the characters after them), at every alignment of the input, against the reference.
    /// Without AVX2 the same inputs check the scalar loops; ``theVectorLoopsRunWhereTheCPUHasAVX2``
    /// says whether the vector loop ran.
    @Test func base64VectorLoopAgreesOnEveryByteAtEveryPosition() {
        var rng = SplitMix64(seed: 32)
        let alphabet = Base64.alphabet
        var mismatches = 0
        for position in 0..<72 {
            for value in 0...255 {
                var text = (0..<72).map { _ in alphabet[Int(rng.next() % 64)] }
                text[position] = UInt8(value)
                let offset = Int(rng.next() % 32)
                let padded = [UInt8](repeating: UInt8(ascii: "Q"), count: offset) + text
                let got = Base64.decode(padded[offset...])
                if got != Self.referenceDecode(text) { mismatches += 1 }
            }
        }
        #expect(mismatches == 0, "\(mismatches) of 18,432 inputs decoded differently from the reference")
        // A long body: the vector loop takes almost all of it, and agrees with the scalar loops.
        let body = (0..<100_003).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let encoded = Base64.encode(body)
        #expect(Base64.decode(encoded[...]) == body)
        #expect(Base64.decode(encoded[...], vectorized: false) == body)
    }

    @Test func jsonStringsWithEscapesAndUTF8AtEveryAlignment() throws {
        // The special byte lands at each position of an 8-byte word.
        for prefix in 0..<17 {
            let filler = String(repeating: "a", count: prefix)
            for (raw, expected) in [("\\\"", "\""), ("\\\\", "\\"), ("\\n", "\n"), ("é", "é"), ("\\u00e9", "é"), ("😀", "😀")] {
                let json = #"{"job_id":"\#(filler)\#(raw)\#(filler)z","url":"u"}"#
                let job = try FetchJob.decode(Array(json.utf8), maxBodyBytes: 1 << 20)
                #expect(job.jobID == filler + expected + filler + "z", "prefix \(prefix), \(raw)")
            }
            // A raw control character or invalid UTF-8 after a long clean run is still refused.
            for bad: [UInt8] in [[0x01], [0xC3], [0xFF], [0xED, 0xA0, 0x80]] {
                let json = Array(#"{"job_id":"\#(filler)"#.utf8) + bad + Array(#"x","url":"u"}"#.utf8)
                #expect(throws: JobError.self) { try FetchJob.decode(json, maxBodyBytes: 1 << 20) }
            }
        }
    }

    /// The AVX2 scan of a string's plain run stops where the scalar scan does: each byte that needs
    /// a look (quote, escape, control character, UTF-8 lead and continuation bytes, invalid bytes),
    /// and the boundary bytes 0x7F and TAB, at every position of strings around the 32-byte block
    /// size, at varying alignments. Values and errors (kind, offset, message) must be the same with
    /// and without it.
    @Test(.enabled(if: VectorSupport.avx2, "no AVX2 on this CPU: the vector scan cannot run here"))
    func jsonStringScanAgreesWithTheScalarScanOnEverySpecialByteAtEveryPosition() {
        let specials: [[UInt8]] = [[0x22], [0x5C, 0x6E], [0x5C, 0x22], [0x5C, 0x75, 0x30, 0x30, 0x65, 0x39], [0x5C, 0x78],
                                   [0x00], [0x1F], [0x09], [0x7F], [0x80], [0xBF], [0xC3, 0xA9], [0xC3], [0xFF],
                                   [0xE2, 0x82, 0xAC], [0xED, 0xA0, 0x80], [0xF0, 0x9F, 0x98, 0x80]]
        var rng = SplitMix64(seed: 20)
        var compared = 0
        for length in [1, 31, 32, 33, 63, 64, 65, 100] {
            for position in 0..<length {
                for special in specials {
                    var text = (0..<length).map { _ in UInt8(0x23 + rng.next() % 0x38) }  // plain: '#'...'Z'
                    text.replaceSubrange(position..<(position + 1), with: special)
                    let lead = [UInt8](repeating: 0x20, count: Int(rng.next() % 32))
                    let json = lead + Array(#"{"job_id":""#.utf8) + text + Array(#"","url":"u"}"#.utf8)
                    let vector = Result { () throws(JobJSONError) in try JobJSONReader.parse(json) }
                    let scalar = Result { () throws(JobJSONError) in try JobJSONReader.parse(json, vectorized: false) }
                    #expect(String(describing: vector) == String(describing: scalar), "length \(length), position \(position), \(special)")
                    compared += 1
                }
            }
        }
        #expect(compared == 389 * 17)
    }

    #if arch(x86_64) && os(Linux)
    /// The comparisons above pass whether or not a vector loop ran; this says whether it can: the
    /// CPU check agrees with the kernel's view of the CPU.
    @Test func avx2DetectionAgreesWithProcCpuinfo() throws {
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flags = cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") } ?? ""
        let listed = flags.split(separator: " ").contains("avx2")
        #expect(VectorSupport.avx2 == listed, "fw_cpu_has_avx2 says \(VectorSupport.avx2), /proc/cpuinfo says \(listed)")
    }
    #endif

    /// Each vector loop, called directly, takes the whole plain blocks and stops at the first block
    /// holding a byte it must leave to the Swift loops.
    @Test(.enabled(if: VectorSupport.avx2, "no AVX2 on this CPU: the vector loops cannot run here"))
    func theVectorLoopsTakeWholePlainBlocksAndStopAtTheFirstOther() {
        // Base64: two blocks of "AAAA…", then a block starting with padding.
        let text = [UInt8](repeating: UInt8(ascii: "A"), count: 64) + [UInt8(ascii: "=")] + [UInt8](repeating: UInt8(ascii: "A"), count: 40)
        var out = [UInt8](repeating: 0xEE, count: 200)
        var consumed = 0
        let written = text.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                fw_base64_decode_avx2(src.baseAddress!, src.count, dst.baseAddress!, dst.count, &consumed)
            }
        }
        #expect(consumed == 64)
        #expect(written == 48)
        #expect(out.prefix(48).allSatisfy { $0 == 0 }, "\"AAAA\" is three zero bytes")
        // The JSON scan: 70 plain bytes, a quote, 30 more.
        let json = [UInt8](repeating: UInt8(ascii: "a"), count: 70) + [UInt8(ascii: "\"")] + [UInt8](repeating: UInt8(ascii: "a"), count: 30)
        #expect(json.withUnsafeBufferPointer { fw_json_plain_run_avx2($0.baseAddress!, $0.count) } == 70)
        let plain = [UInt8](repeating: UInt8(ascii: "a"), count: 101)
        #expect(plain.withUnsafeBufferPointer { fw_json_plain_run_avx2($0.baseAddress!, $0.count) } == 96, "whole blocks only")
    }

    @Test func aLongBase64BodyDecodes() throws {
        let body = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let job = FetchJob(jobID: "j", url: "https://a.example/x", kind: .page, body: body)
        let decoded = try FetchJob.decode(job.encodeJSON(), maxBodyBytes: 1 << 20)
        #expect(decoded.body == body)
    }

    /// The `job_consumed_at` header comes from the topic: nineteen nines overflow Int64 and are
    /// refused (nil), not a trap of the dedupe stage.
    @Test func consumedAtHeaderRefusesOverflow() {
        func at(_ s: String) -> Int64? { JobClock.consumedAt([KafkaHeader(key: JobClock.headerName, string: s)]) }
        #expect(at("1732960000123456") == 1_732_960_000_123_456)
        #expect(at("9223372036854775807") == Int64.max)
        #expect(at("9999999999999999999") == nil)
        #expect(at("12a") == nil)
    }

    @Test("a string without escapes is read in place (a slice of the message); one with escapes is decoded")
    func stringsWithoutEscapesAreNotCopied() throws {
        let body = String(repeating: "QUJD", count: 1000)
        let input = Array("{\"job_id\":\"j\\u0031\",\"body\":\"\(body)\"}".utf8)
        guard case .object(let members) = try JobJSONReader.parse(input) else { Issue.record("not an object"); return }
        let fields = Dictionary(uniqueKeysWithValues: members.map { (String(decoding: $0.key, as: UTF8.self), $0.value) })
        guard case .string(let raw) = fields["body"], case .string(let id) = fields["job_id"] else { Issue.record("missing fields"); return }
        #expect(raw.elementsEqual(body.utf8))
        let start = try #require(input.firstRange(of: Array(body.utf8))?.lowerBound)
        let inPlace = input.withUnsafeBufferPointer { whole in raw.withUnsafeBufferPointer { $0.baseAddress == whole.baseAddress! + start } }
        #expect(inPlace, "the body was copied out of the message")
        #expect(Array(id) == Array("j1".utf8))
        #expect(try FetchJob.decode(Array("{\"job_id\":\"j\",\"url\":\"https://x.example/\",\"body_encoding\":\"base64\",\"body\":\"\(body)\"}".utf8), maxBodyBytes: 1 << 20).body
                == Array(String(repeating: "ABC", count: 1000).utf8))
    }
}

