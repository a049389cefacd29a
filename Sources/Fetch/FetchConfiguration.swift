/// Every limit and policy of the HTTP fetcher, with defaults fit for a polite feed reader.
public struct FetchConfiguration: Sendable {
    /// Product token of the `User-Agent`.
    public var product: String = "feedworker/0.1"
    /// Where site operators learn about the crawler (`User-Agent: feedworker/0.1 (+URL)`).
    public var contactURL: String = "https://github.com/feedworker/feedworker"
    /// Time allowed to establish the TCP (and TLS) connection of one hop.
    public var connectTimeout: Duration = .seconds(10)
    /// Time allowed for a whole fetch, all redirect hops included (waiting for the per-host gate excluded).
    public var totalTimeout: Duration = .seconds(30)
    /// A transfer slower than this many bytes per second for `lowSpeedTime` is aborted.
    public var lowSpeedLimitBytesPerSecond: Int = 100
    /// How long a transfer may stay under `lowSpeedLimitBytesPerSecond`.
    public var lowSpeedTime: Duration = .seconds(10)
    /// Maximum body size after decompression; enforced while streaming (the transfer is aborted).
    public var maxBodyBytes: Int = 10 * 1024 * 1024
    /// Maximum number of redirects followed (each hop is checked by the guard).
    public var maxRedirects: Int = 5
    /// Ask for gzip/deflate/br and decode them (the body cap applies to the decoded bytes).
    public var acceptCompression: Bool = true
    /// Negotiate HTTP/2 over TLS when the server offers it.
    public var allowHTTP2: Bool = true
    /// Concurrent requests to one host, across all jobs of the worker.
    public var perHostConcurrency: Int = 2
    /// Minimum time between the starts of two requests to one host.
    public var perHostMinimumDelay: Duration = .milliseconds(250)
    /// Connections kept open in curl's pool (reused across jobs).
    public var maxConnections: Int = 64
    /// The SSRF guard (on by default, no allowlist).
    public var addressGuard: AddressGuard = AddressGuard()

    /// Fixed name resolutions, curl `CURLOPT_RESOLVE` syntax `host:port:address` (pinning, tests,
    /// benchmarks). The guard still checks the address at connect time.
    public var resolveOverrides: [String] = []

    public init() {}

    /// `feedworker/0.1 (+https://…)`.
    public var userAgent: String { "\(product) (+\(contactURL))" }
}
