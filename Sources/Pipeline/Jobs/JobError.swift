/// Why a job could not be turned into articles. Every job error ends as a DLQ record whose
/// `error.code` header is ``code``'s raw value, `error.message` is ``message`` and
/// `error.stage` is ``stage``.
public struct JobError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable reason codes (the `error.code` header and the `reason` label of the DLQ metric).
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The message value is not a JSON document (or is empty).
        case notJSON = "not_json"
        /// A JSON string is not valid UTF-8 (including unpaired `\u` surrogates).
        case invalidUTF8 = "invalid_utf8"
        /// The JSON document is not an object.
        case notObject = "not_object"
        /// A required field (`job_id`, `url`) is absent or null.
        case missingField = "missing_field"
        /// A field has the wrong JSON type.
        case wrongType = "wrong_type"
        /// A field has the right type but a value outside its domain (unknown kind, bad date...).
        case invalidValue = "invalid_value"
        /// The document (or the message) is larger than `worker.max_body_bytes`.
        case bodyTooLarge = "body_too_large"
        /// `body_encoding = base64` and the body is not base64.
        case badBase64 = "bad_base64"
        /// The job has no inline body and no fetcher is configured.
        case fetchNotAvailable = "fetch_not_available"
        /// Fetching the document failed for good.
        case fetchFailed = "fetch_failed"
        /// The document is empty.
        case emptyDocument = "empty_document"
        /// The document is binary data (image, archive...), not text.
        case binaryDocument = "binary_document"
        /// The document was read but holds no article (no content block, no text).
        case noArticle = "no_article"
        /// The page's markup is beyond the extractor's work caps (nesting, node count, tree work)
        /// and no article could be read from the part within them.
        case tooComplex = "too_complex"
        /// The job said `kind: feed` (or the bytes looked like one) but it is not a readable feed.
        case notAFeed = "not_a_feed"
        /// A feed the feed parser rejected (malformed beyond recovery, unsupported version...).
        case badFeed = "bad_feed"
        /// The document could not be parsed into articles for another reason.
        case unparseable = "unparseable"
        /// An article event of the job is larger than the producer accepts (`message.max.bytes`,
        /// or the broker refused it as too large): the job goes to the DLQ whole.
        case eventTooLarge = "event_too_large"
        /// A candidate message (dedupe stage) whose key is not a content hash.
        case badCandidate = "bad_candidate"
    }

    public var code: Code
    public var message: String
    /// `validate`, `fetch`, `extract` or `dedupe`.
    public var stage: String
    /// The reason as recorded in the DLQ `error.code` header: ``code``'s raw value, or a more
    /// precise token (a fetch failure's `fetch.http.404`, `fetch.refused.loopback`...).
    public var reason: String
    /// Set when the failure is transient: the job should be re-produced (`attempt + 1`) to the
    /// retry topic, to be tried again no earlier than this delay from now, instead of the DLQ.
    public var retryAfter: Duration?

    public init(_ code: Code, _ message: String, stage: String = "validate", reason: String? = nil, retryAfter: Duration? = nil) {
        self.code = code
        self.message = message
        self.stage = stage
        self.reason = reason ?? code.rawValue
        self.retryAfter = retryAfter
    }

    public var description: String { "\(reason) (\(stage)): \(message)" }
}
