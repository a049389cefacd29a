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

    public init(bytes: [UInt8], contentType: String?, url: String, fetchedAt: Timestamp?) {
        self.bytes = bytes
        self.contentType = contentType
        self.url = url
        self.fetchedAt = fetchedAt
    }
}

/// Gets the document of a job: inline, or over HTTP (issue 6 plugs an HTTP fetcher in here).
public protocol DocumentSource: Sendable {
    /// The job's document, or a ``JobError`` (stage `fetch`) that sends the job to the DLQ.
    func document(for job: FetchJob) async throws(JobError) -> FetchedDocument
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
