// Fuzz target: the fetch-job decoder (FetchJob.decode over JobJSONReader), compiled together with
// Sources/Pipeline/Jobs/{FetchJob,Base64,JobJSON,JobError}.swift and the C files of Sources/CSIMD
// (the rest of Pipeline needs Kafka).
// Invariants: a decoded job has a non-empty id and URL, and its body is within the cap; the base64
// decoder is also run on the raw input and on alphabet text made from it (AddressSanitizer checks
// its unchecked loads and stores, including the AVX2 loops'; the vector and scalar loops must agree,
// for base64 and for the JSON string scan).
import Normalization

let base64Noise: [UInt8] = Array("= \n\r\t*-_\"\\".utf8) + [0x00, 0x80, 0xFF, 0x7F, 0x2E, 0x3A]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let cap = 4096
    // The base64 decoder's raw loads and stores (Base64.swift, CSIMD) on the raw bytes, at two alignments.
    _ = Base64.decode(bytes[...])
    if size > 1 { _ = Base64.decode(bytes[1...]) }
    // Mostly-alphabet text made from the input (bytes below 0xF0 become alphabet characters, the
    // others padding, white space or invalid bytes), so that the fuzzer drives the lengths of the
    // valid runs and where the damage sits. It is an array of exactly its own size: AddressSanitizer
    // sees any load past its end. The AVX2 and pair-table loops must agree with the scalar ones.
    let text = bytes.map { $0 < 0xF0 ? Base64.alphabet[Int($0 & 63)] : base64Noise[Int($0 & 15)] }
    if Base64.decode(text[...]) != Base64.decode(text[...], vectorized: false) {
        fatalError("the vector loop and the scalar loops disagree on \(String(decoding: text, as: UTF8.self).debugDescription)")
    }
    // The AVX2 scan of JSON strings' plain runs stops where the scalar scan does.
    let vector = Result { () throws(JobJSONError) in try JobJSONReader.parse(bytes) }
    let scalar = Result { () throws(JobJSONError) in try JobJSONReader.parse(bytes, vectorized: false) }
    let agree: Bool
    switch (vector, scalar) {
    case (.success(let a), .success(let b)): agree = same(a, b)
    case (.failure(let a), .failure(let b)): agree = a.kind == b.kind && a.offset == b.offset && a.message == b.message
    default: agree = false
    }
    if !agree { fatalError("the vector and scalar JSON string scans disagree: \(vector) against \(scalar)") }
    guard let job = try? FetchJob.decode(bytes, maxBodyBytes: cap) else { return 0 }
    if job.jobID.isEmpty || job.url.isEmpty { fatalError("decoded job with empty job_id or url") }
    if let body = job.body, body.count > cap { fatalError("decoded body of \(body.count) bytes over the cap \(cap)") }
    return 0
}

/// Structural equality of two parsed values (JobJSONValue is not Equatable).
func same(_ a: JobJSONValue, _ b: JobJSONValue) -> Bool {
    switch (a, b) {
    case (.string(let x), .string(let y)): return x.elementsEqual(y)
    case (.number(let x), .number(let y)): return x == y
    case (.bool(let x), .bool(let y)): return x == y
    case (.null, .null): return true
    case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
    case (.object(let x), .object(let y)):
        return x.count == y.count && zip(x, y).allSatisfy { $0.key.elementsEqual($1.key) && same($0.value, $1.value) }
    default: return false
    }
}
