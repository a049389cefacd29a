// Fuzz target: the fetch-job decoder (FetchJob.decode over JobJSONReader), compiled together with
// Sources/Pipeline/Jobs/{FetchJob,JobJSON,JobError}.swift (the rest of Pipeline needs Kafka).
// Invariants: a decoded job has a non-empty id and URL, and its body is within the cap; the base64
// decoder is also run on the raw input (AddressSanitizer checks its unchecked loads and stores).
import Normalization

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let cap = 4096
    // The base64 decoder's raw loads and stores (FetchJob.swift) on the raw bytes, at two alignments.
    _ = Base64.decode(bytes[...])
    if size > 1 { _ = Base64.decode(bytes[1...]) }
    guard let job = try? FetchJob.decode(bytes, maxBodyBytes: cap) else { return 0 }
    if job.jobID.isEmpty || job.url.isEmpty { fatalError("decoded job with empty job_id or url") }
    if let body = job.body, body.count > cap { fatalError("decoded body of \(body.count) bytes over the cap \(cap)") }
    return 0
}
