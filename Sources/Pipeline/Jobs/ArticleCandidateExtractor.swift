import Articles
import Dedupe
import Extraction
import Kafka

/// The production ``CandidateExtractor``: `DocumentExtractor` (detect + parse + normalize), then
/// one `ArticleEvent` per article (canonical text, SHA-256 content hash, deterministic JSON), with
/// the headers of DESIGN.md (`content-type`, `job_id`, `parser_version`).
///
/// The event's `fetched_at` is the job's, never the wall clock, so the same job always yields
/// byte-identical events.
public struct ArticleCandidateExtractor: CandidateExtractor {
    private let extractor = DocumentExtractor()
    private let maxDocumentBytes: Int

    public init(maxDocumentBytes: Int = 10 << 20) {
        self.maxDocumentBytes = maxDocumentBytes
    }

    public func candidates(for job: FetchJob, document: FetchedDocument) throws(JobError) -> [Candidate] {
        try candidates(for: job, document: document, skipping: { _ in false }).candidates
    }

    /// Known hashes are left out once hashed: before their SimHash, event fields and JSON.
    public func candidates(for job: FetchJob, document: FetchedDocument,
                           skipping isKnown: (ContentHash) -> Bool) throws(JobError) -> (candidates: [Candidate], known: Int) {
        var limits = ExtractionLimits()
        limits.maxDocumentBytes = maxDocumentBytes
        let context = ExtractionContext(url: document.url, fetchedAt: document.fetchedAt ?? job.fetchedAt, sourceHint: job.source,
                                        contentType: document.contentType, kindHint: job.kind, limits: limits)
        let extracted: ExtractedDocument
        do {
            extracted = try extractor.extract(document.bytes, context: context)
        } catch {
            let code: JobError.Code
            switch error {
            case .empty: code = .emptyDocument
            case .tooLarge: code = .bodyTooLarge
            case .binary: code = .binaryDocument
            case .noArticle: code = .noArticle
            case .tooComplex: code = .tooComplex
            case .feed(.notAFeed): code = .notAFeed
            case .feed(.tooLarge): code = .bodyTooLarge
            case .feed: code = .badFeed
            }
            throw JobError(code, error.description, stage: "extract")
        }
        var out: [Candidate] = []
        var known = 0
        out.reserveCapacity(extracted.articles.count)
        let jobHeader = KafkaHeader(key: "job_id", string: job.jobID)
        let versionHeader = KafkaHeader(key: "parser_version", string: ParserVersion.current)
        let typeHeader = KafkaHeader(key: "content-type", string: "application/json")
        for article in extracted.articles {
            let content = ArticleEvent.CanonicalContent(article: article)
            guard let hash = ContentHash(bytes: content.digest) else {
                throw JobError(.unparseable, "content hash is not 32 bytes: \(content.contentHash)", stage: "extract")
            }
            if isKnown(hash) {
                known += 1
                continue
            }
            let event = ArticleEvent(article: article, content: content, jobID: job.jobID, fetchedAt: job.fetchedAt)
            out.append(Candidate(hash: hash, value: event.encodeJSON(), headers: [typeHeader, jobHeader, versionHeader]))
        }
        return (out, known)
    }
}
