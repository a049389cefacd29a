import CCurl
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// The worker's HTTP client: one shared instance per process.
///
/// Fetches over HTTP/1.1 or HTTP/2 (TLS via Debian's libcurl), reusing connections across jobs; sends
/// conditional-GET validators (from the job or the `ValidatorCache`); enforces timeouts, a low-speed
/// abort, a body cap while streaming (decoded bytes, so no decompression bombs), at most
/// `maxRedirects` redirects with loop detection, per-host politeness, and the SSRF `AddressGuard` on
/// every hop and on every address actually connected.
///
/// Redirects are followed here, not by curl, so each hop passes the scheme check, the host check and
/// the per-host gate again.
public final class HTTPFetcher: Sendable {
    public let configuration: FetchConfiguration
    /// The per-URL validator cache, if any.
    public let validatorCache: ValidatorCache?
    private let engine: CurlMultiEngine
    private let gate: HostGate
    private let logger: Logger

    public init(configuration: FetchConfiguration = FetchConfiguration(), validatorCache: ValidatorCache? = nil,
                logger: Logger = Logger(label: "feedworker.fetch")) {
        self.configuration = configuration
        self.validatorCache = validatorCache
        self.engine = CurlMultiEngine(maxConnections: configuration.maxConnections)
        self.gate = HostGate(concurrency: configuration.perHostConcurrency, minimumDelay: configuration.perHostMinimumDelay)
        self.logger = logger
    }

    deinit { engine.shutdown() }

    /// Stops the transfer thread; fetches in flight end with `.cancelled`.
    public func shutdown() { engine.shutdown() }

    /// Fetches `request.url`. Returns the response for 2xx and 304 (`notModified`); throws for everything
    /// else (4xx/5xx as `.httpStatus` with any `Retry-After`; guard refusals as `.refused`).
    public func fetch(_ request: FetchRequest) async throws(FetchError) -> FetchResponse {
        let clock = ContinuousClock()
        let started = clock.now
        var sent = request.validators
        if sent.isEmpty, request.usesValidatorCache, let validatorCache {
            do {
                sent = try await validatorCache.validators(for: request.url) ?? sent
            } catch {
                logger.warning("validator cache read failed", metadata: ["url": "\(request.url)", "error": "\(error)"])
            }
        }
        var url = try FetchURL(request.url)
        var visited: Set<String> = [url.text]
        var chain: [RedirectHop] = []
        var timing = FetchTiming()
        let totalBudget = milliseconds(configuration.totalTimeout)

        while true {
            guard url.scheme == "http" || url.scheme == "https" else {
                throw .unsupportedScheme(scheme: url.scheme, url: url.text)
            }
            if let refusal = configuration.addressGuard.checkHost(url.host, port: url.port, url: url.text) {
                throw .refused(refusal)
            }
            let queuedAt = clock.now
            do {
                try await gate.acquire(url.host)
            } catch {
                throw .cancelled
            }
            timing.queued += clock.now - queuedAt
            // Time spent waiting for the per-host gate does not count against the total timeout:
            // a polite queue behind a busy host is not the host being slow (cancel the task to bound it).
            let remaining = totalBudget - milliseconds(clock.now - started - timing.queued)
            guard remaining > 0 else {
                await gate.release(url.host)
                throw .timedOut(.total, url: url.text)
            }
            let outcome = await engine.perform(spec(for: url, validators: sent, timeoutMilliseconds: remaining))
            await gate.release(url.host)
            try check(outcome, url: url)
            timing.connect = .milliseconds(Int64(outcome.connectSeconds * 1000))
            timing.firstByte = .milliseconds(Int64(outcome.firstByteSeconds * 1000))

            if [301, 302, 303, 307, 308].contains(outcome.status) {
                guard let location = outcome.redirectURL, let next = try? FetchURL(location) else {
                    throw .redirectWithoutLocation(status: outcome.status, url: url.text)
                }
                chain.append(RedirectHop(status: outcome.status, from: url.text, to: next.text))
                if visited.contains(next.text) { throw .redirectLoop(chain: chain) }
                if chain.count > configuration.maxRedirects {
                    throw .tooManyRedirects(limit: configuration.maxRedirects, chain: chain)
                }
                visited.insert(next.text)
                url = next
                continue
            }
            if outcome.status >= 400 {
                let retryAfter = outcome.headers.first(named: "retry-after").flatMap { RetryAfter.parse($0, now: Int64(time(nil))) }
                throw .httpStatus(status: outcome.status, url: url.text, retryAfter: retryAfter)
            }
            timing.total = clock.now - started
            let notModified = outcome.status == 304
            var received = Validators(etag: outcome.headers.first(named: "etag"),
                                      lastModified: outcome.headers.first(named: "last-modified"))
            if notModified && received.isEmpty { received = sent }
            if request.usesValidatorCache, let validatorCache, !received.isEmpty {
                do {
                    try await validatorCache.store(received, for: request.url, now: Int64(time(nil)))
                } catch {
                    logger.warning("validator cache write failed", metadata: ["url": "\(request.url)", "error": "\(error)"])
                }
            }
            return FetchResponse(
                status: outcome.status, requestedURL: request.url, finalURL: outcome.effectiveURL,
                body: notModified ? [] : outcome.body, contentType: outcome.contentType,
                charset: outcome.contentType.flatMap(HeaderValues.charset(fromContentType:)),
                validators: received, notModified: notModified, sentValidators: sent, redirects: chain,
                headers: outcome.headers, httpVersion: outcome.httpVersion, remoteAddress: outcome.remoteAddress,
                timing: timing)
        }
    }

    private func spec(for url: FetchURL, validators: Validators, timeoutMilliseconds: Int) -> TransferSpec {
        var headers: [String] = []
        if let etag = validators.etag { headers.append("If-None-Match: \(etag)") }
        if let lastModified = validators.lastModified { headers.append("If-Modified-Since: \(lastModified)") }
        headers.append("Accept: application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/html;q=0.8, */*;q=0.5")
        return TransferSpec(
            url: url.text, requestHeaders: headers, userAgent: configuration.userAgent,
            connectTimeoutMilliseconds: max(1, min(milliseconds(configuration.connectTimeout), timeoutMilliseconds)),
            totalTimeoutMilliseconds: max(1, timeoutMilliseconds),
            lowSpeedLimit: configuration.lowSpeedLimitBytesPerSecond,
            lowSpeedSeconds: max(1, milliseconds(configuration.lowSpeedTime) / 1000),
            maxBodyBytes: configuration.maxBodyBytes, acceptCompression: configuration.acceptCompression,
            allowHTTP2: configuration.allowHTTP2, addressGuard: configuration.addressGuard,
            resolveOverrides: configuration.resolveOverrides)
    }

    /// Turns a failed transfer into its `FetchError`.
    private func check(_ outcome: TransferOutcome, url: FetchURL) throws(FetchError) {
        if outcome.cancelled { throw .cancelled }
        let code = CURLcode(UInt32(outcome.curlCode))
        if code == CURLE_OK { return }
        if let refusal = outcome.refusal { throw .refused(refusal) }
        if outcome.bodyOverLimit || code == CURLE_FILESIZE_EXCEEDED {
            throw .bodyTooLarge(limit: configuration.maxBodyBytes, compressed: outcome.contentEncoded, url: url.text)
        }
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            let message = outcome.errorMessage.lowercased()
            if message.contains("too slow") { throw .timedOut(.lowSpeed, url: url.text) }
            if outcome.status == 0 && outcome.connectSeconds == 0
                && (message.contains("connection timed out") || message.contains("failed to connect")
                    || message.contains("resolving timed out")) {
                throw .timedOut(.connect, url: url.text)
            }
            throw .timedOut(.total, url: url.text)
        case CURLE_COULDNT_RESOLVE_HOST: throw .dnsFailure(host: url.host, message: outcome.errorMessage)
        case CURLE_COULDNT_CONNECT: throw .connectFailed(url: url.text, message: outcome.errorMessage)
        case CURLE_UNSUPPORTED_PROTOCOL: throw .unsupportedScheme(scheme: url.scheme, url: url.text)
        case CURLE_URL_MALFORMAT: throw .invalidURL(url.text)
        default: throw .transport(code: outcome.curlCode, message: outcome.errorMessage, url: url.text)
        }
    }

    private func milliseconds(_ duration: Duration) -> Int {
        let parts = duration.components
        return Int(parts.seconds) * 1000 + Int(parts.attoseconds / 1_000_000_000_000_000)
    }
}
