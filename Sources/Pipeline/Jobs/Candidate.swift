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

    /// The job's candidates except those whose content hash `isKnown` (left out before they are
    /// encoded where the extractor can), and how many were left out.
    func candidates(for job: FetchJob, document: FetchedDocument,
                    skipping isKnown: (ContentHash) -> Bool) throws(JobError) -> (candidates: [Candidate], known: Int)
}

extension CandidateExtractor {
    /// Filters ``candidates(for:document:)``.
    public func candidates(for job: FetchJob, document: FetchedDocument,
                           skipping isKnown: (ContentHash) -> Bool) throws(JobError) -> (candidates: [Candidate], known: Int) {
        let all = try candidates(for: job, document: document)
        let kept = all.filter { !isKnown($0.hash) }
        return (kept, all.count - kept.count)
    }
}
