import Articles
import Normalization
import Config
import Fetch
import Foundation
import Logging
import Metrics
import Synchronization

/// Why an ``HTTPDocumentSource`` could not be built from the configuration.
public enum HTTPDocumentSourceError: Error, Sendable, CustomStringConvertible {
    /// A `fetch.allowlist` entry that `AllowRule` cannot parse.
    case badAllowRule(String)
    /// The validator cache could not be opened.
    case validatorCache(path: String, reason: String)

    public var description: String {
        switch self {
        case .badAllowRule(let text): return "fetch.allowlist: '\(text)' is not a CIDR range"
        case .validatorCache(let path, let reason): return "cannot open the validator cache \(path): \(reason)"
        }
    }
}

/// Totals of one ``HTTPDocumentSource`` since start (tests, benchmarks); the same events are
/// counted through swift-metrics as `feedworker_fetch_total{status}` and
/// `feedworker_fetch_not_modified_total`.
public final class FetchStats: Sendable {
    /// Fetches that got a 2xx document.
    public let fetched = Atomic<Int>(0)
    /// Fetches answered 304 Not Modified (no articles, the job is done).
    public let notModified = Atomic<Int>(0)
    /// Fetches that failed with a transient error and were handed back for a retry.
    public let retried = Atomic<Int>(0)
    /// Fetches that failed for good (DLQ).
    public let failed = Atomic<Int>(0)

    public init() {}
}

/// The worker's ``DocumentSource`` for jobs without an inline body: one shared `HTTPFetcher` per
/// worker process (connection reuse, per-host politeness across all jobs, the SSRF guard).
///
/// - Jobs with an inline `body` are served as is (``InlineDocumentSource``).
/// - The job's `headers.etag` / `headers.last_modified` are sent as `If-None-Match` /
///   `If-Modified-Since`; without them the validator cache (if any) is consulted. The cache is
///   written only once the job's articles are acknowledged (``documentProcessed(_:for:)``), so a
///   crash between fetch and produce never turns the redo into a 304 that loses articles.
/// - A 304 yields a ``FetchedDocument`` with `notModified`: no articles, the job is committed.
/// - The response's `Content-Type` (with its charset) is handed to the extractor.
/// - A failure becomes a ``JobError`` (`fetch_failed`, stage `fetch`) whose ``JobError/reason``
///   is the `FetchError.code` (`fetch.http.404`, `fetch.refused.loopback`...). When the
///   `RetryPolicy` says retry, the error carries ``JobError/retryAfter`` and the extract stage
///   re-produces the job with `attempt + 1` to `topics.retry` instead of the DLQ.
public final class HTTPDocumentSource: DocumentSource {
    /// The shared client.
    public let fetcher: HTTPFetcher
    public let retryPolicy: RetryPolicy
    public let stats = FetchStats()
    private let logger: Logger
    private let notModifiedCounter = Counter(label: "feedworker_fetch_not_modified_total")
    private let statusCounters = Mutex([String: Counter]())

    public init(fetcher: HTTPFetcher, retryPolicy: RetryPolicy = RetryPolicy(), logger: Logger = Logger(label: "feedworker.fetch")) {
        self.fetcher = fetcher
        self.retryPolicy = retryPolicy
        self.logger = logger
    }

    /// Builds the fetcher, guard, retry policy and validator cache (`<store.path>/http-validators.sqlite`)
    /// from the `[fetch]` section.
    public convenience init(config: FeedworkerConfig, logger: Logger = Logger(label: "feedworker.fetch")) throws(HTTPDocumentSourceError) {
        let (fetchConfiguration, policy) = try Self.settings(from: config)
        var cache: ValidatorCache?
        if config.fetch.validatorCache {
            let path = config.store.path + "/http-validators.sqlite"
            do {
                try FileManager.default.createDirectory(atPath: config.store.path, withIntermediateDirectories: true)
            } catch {
                throw .validatorCache(path: path, reason: "\(error)")
            }
            do { cache = try ValidatorCache(path: path) } catch { throw .validatorCache(path: path, reason: "\(error)") }
        }
        self.init(fetcher: HTTPFetcher(configuration: fetchConfiguration, validatorCache: cache, logger: logger),
                  retryPolicy: policy, logger: logger)
    }

    /// The fetcher configuration and retry policy of `config.fetch`.
    public static func settings(from config: FeedworkerConfig) throws(HTTPDocumentSourceError) -> (FetchConfiguration, RetryPolicy) {
        let f = config.fetch
        var c = FetchConfiguration()
        c.contactURL = f.contactURL
        c.connectTimeout = f.connectTimeout
        c.totalTimeout = f.totalTimeout
        c.maxBodyBytes = f.maxBodyBytes
        c.maxRedirects = f.maxRedirects
        c.perHostConcurrency = f.perHostConcurrency
        c.perHostMinimumDelay = f.perHostMinDelay
        var rules: [AllowRule] = []
        for text in f.allowlist {
            guard let rule = AllowRule(text) else { throw .badAllowRule(text) }
            rules.append(rule)
        }
        c.addressGuard = AddressGuard(isEnabled: f.guardEnabled, allowlist: rules)
        var policy = RetryPolicy()
        policy.maxAttempts = f.maxAttempts
        policy.baseDelay = f.backoffBase
        policy.maxDelay = max(f.backoffCap, f.backoffBase)
        return (c, policy)
    }

    public var retriesJobs: Bool { true }

    public func document(for job: FetchJob) async throws(JobError) -> FetchedDocument {
        if let body = job.body {
            return FetchedDocument(bytes: body, contentType: job.contentType, url: job.url, fetchedAt: job.fetchedAt)
        }
        let validators = Validators(etag: job.etag, lastModified: job.lastModified)
        // Cache reads happen here; writes wait for documentProcessed (see the type's comment).
        var request = FetchRequest(url: job.url, validators: validators, usesValidatorCache: false)
        if validators.isEmpty, let cache = fetcher.validatorCache {
            do {
                request.validators = try await cache.validators(for: job.url) ?? validators
            } catch {
                logger.warning("validator cache read failed", metadata: ["url": "\(job.url)", "error": "\(error)"])
            }
        }
        let response: FetchResponse
        do {
            response = try await fetcher.fetch(request)
        } catch {
            let status: String
            if case .httpStatus(let code, _, _) = error { status = String(code) } else { status = error.code }
            count(status: status)
            let attempt = max(job.attempt, 1)
            switch retryPolicy.decide(error: error, attempt: attempt) {
            case .retry(let delay):
                stats.retried.add(1, ordering: .relaxed)
                throw JobError(.fetchFailed, "attempt \(attempt) of \(retryPolicy.maxAttempts): \(error)", stage: "fetch",
                               reason: error.code, retryAfter: delay)
            case .giveUp(let reason):
                stats.failed.add(1, ordering: .relaxed)
                throw JobError(.fetchFailed, reason, stage: "fetch", reason: error.code)
            }
        }
        count(status: String(response.status))
        let fetchedAt = job.fetchedAt ?? Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))
        if response.notModified {
            stats.notModified.add(1, ordering: .relaxed)
            notModifiedCounter.increment()
            return FetchedDocument(bytes: [], contentType: response.contentType, url: response.finalURL, fetchedAt: fetchedAt,
                                   notModified: true)
        }
        stats.fetched.add(1, ordering: .relaxed)
        var document = FetchedDocument(bytes: response.body, contentType: response.contentType, url: response.finalURL,
                                       fetchedAt: fetchedAt)
        document.etag = response.validators.etag
        document.lastModified = response.validators.lastModified
        return document
    }

    /// Stores the response's validators for the job's URL once its articles are acknowledged.
    public func documentProcessed(_ document: FetchedDocument, for job: FetchJob) async {
        guard job.body == nil, let cache = fetcher.validatorCache, document.etag != nil || document.lastModified != nil else { return }
        do {
            try await cache.store(Validators(etag: document.etag, lastModified: document.lastModified), for: job.url,
                                  now: Int64(Date().timeIntervalSince1970))
        } catch {
            logger.warning("validator cache write failed", metadata: ["url": "\(job.url)", "error": "\(error)"])
        }
    }

    private func count(status: String) {
        let counter = statusCounters.withLock { counters in
            if let c = counters[status] { return c }
            let c = Counter(label: "feedworker_fetch_total", dimensions: [("status", status)])
            counters[status] = c
            return c
        }
        counter.increment()
    }
}
