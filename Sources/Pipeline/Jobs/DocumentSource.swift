import Articles

/// A job's document, ready to parse.
public struct FetchedDocument: Sendable {
    public var bytes: [UInt8]
    /// `Content-Type` from the job or the HTTP response.
    public var contentType: String?
    /// The final URL (after redirects), the base for relative links.
    public var url: String
    /// When the document was fetched (the job's `fetched_at`, or the fetch time).
    public var fetchedAt: Timestamp?
    /// True when the server answered 304 Not Modified: there is no document and the job is done
    /// with no articles.
    public var notModified: Bool
    /// The response's `ETag` and `Last-Modified` (HTTP documents), stored once the job is done.
    public var etag: String?
    public var lastModified: String?

    public init(bytes: [UInt8], contentType: String?, url: String, fetchedAt: Timestamp?, notModified: Bool = false) {
        self.bytes = bytes
        self.contentType = contentType
        self.url = url
        self.fetchedAt = fetchedAt
        self.notModified = notModified
    }
}

/// Gets the document of a job: inline, or over HTTP (issue 6 plugs an HTTP fetcher in here).
public protocol DocumentSource: Sendable {
    /// The job's document, or a ``JobError`` (stage `fetch`) that sends the job to the DLQ.
    func document(for job: FetchJob) async throws(JobError) -> FetchedDocument
    /// Called once the job's candidates are acknowledged (a 304 or empty document included).
    func documentProcessed(_ document: FetchedDocument, for job: FetchJob) async
    /// Whether failures may ask for a retry (``JobError/retryAfter``): the worker then also runs
    /// an extract stage on `topics.retry`.
    var retriesJobs: Bool { get }
}

extension DocumentSource {
    public func documentProcessed(_ document: FetchedDocument, for job: FetchJob) async {}
    public var retriesJobs: Bool { false }
}

/// Serves the job's inline `body`; a job without one fails with `fetch_not_available`.
public struct InlineDocumentSource: DocumentSource {
    public init() {}

    public func document(for job: FetchJob) async throws(JobError) -> FetchedDocument {
        guard let body = job.body else {
            throw JobError(.fetchNotAvailable, "job has no inline body and this worker has no HTTP fetcher", stage: "fetch")
        }
        return FetchedDocument(bytes: body, contentType: job.contentType, url: job.url, fetchedAt: job.fetchedAt)
    }
}
