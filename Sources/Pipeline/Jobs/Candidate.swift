import Dedupe
import Kafka

/// One article event ready for `articles.candidates`: its content hash (the key, as hex) and
/// the event JSON (the value), with the event's Kafka headers.
public struct Candidate: Sendable, Hashable {
    public var hash: ContentHash
    public var value: [UInt8]
    public var headers: [KafkaHeader]

    public init(hash: ContentHash, value: [UInt8], headers: [KafkaHeader]) {
        self.hash = hash
        self.value = value
        self.headers = headers
    }
}

/// Turns a job's document into candidate article events (detect, extract, normalize, hash,
/// encode). Runs on the cooperative pool, off the Kafka poll threads, many at once.
public protocol CandidateExtractor: Sendable {
    /// The job's candidates (possibly none), or a ``JobError`` (stage `extract`) for the DLQ.
    func candidates(for job: FetchJob, document: FetchedDocument) throws(JobError) -> [Candidate]
}
