/// Why a fetch failed. Each case carries its context; `code` is a stable token for the DLQ header
/// `error.code` and for metrics labels.
public enum FetchError: Error, Sendable, CustomStringConvertible {
    /// Which limit a timeout hit.
    public enum TimeoutKind: String, Sendable {
        /// The connection was not established in time.
        case connect
        /// The transfer was slower than the low-speed limit for too long (a trickling server).
        case lowSpeed = "low-speed"
        /// The whole fetch took longer than the total timeout.
        case total
    }

    /// The URL could not be parsed.
    case invalidURL(String)
    /// A scheme other than http/https (`file://`, `gopher://`...), refused before any connection.
    case unsupportedScheme(scheme: String, url: String)
    /// The SSRF guard refused an address.
    case refused(AddressRefusal)
    /// More than `maxRedirects` redirects.
    case tooManyRedirects(limit: Int, chain: [RedirectHop])
    /// A redirect to a URL already visited in this fetch.
    case redirectLoop(chain: [RedirectHop])
    /// A 3xx without a usable `Location`.
    case redirectWithoutLocation(status: Int, url: String)
    /// The (decoded) body passed `limit` bytes; the transfer was aborted while streaming.
    /// `compressed` tells whether the response was content-encoded (a decompression bomb, perhaps).
    case bodyTooLarge(limit: Int, compressed: Bool, url: String)
    /// A timeout.
    case timedOut(TimeoutKind, url: String)
    /// The host name did not resolve.
    case dnsFailure(host: String, message: String)
    /// The connection could not be established (refused, unreachable, reset during connect).
    case connectFailed(url: String, message: String)
    /// The server answered with an error status (4xx/5xx). `retryAfter` is the parsed `Retry-After`.
    case httpStatus(status: Int, url: String, retryAfter: Duration?)
    /// Any other transport error (TLS, protocol, reset mid-transfer, bad content encoding...).
    case transport(code: Int, message: String, url: String)
    /// The task was cancelled or the fetcher shut down.
    case cancelled

    /// A short stable token: `fetch.refused.loopback`, `fetch.http.503`, `fetch.timeout.connect`...
    public var code: String {
        switch self {
        case .invalidURL: return "fetch.invalid-url"
        case .unsupportedScheme: return "fetch.unsupported-scheme"
        case .refused(let refusal): return "fetch.refused.\(refusal.category.rawValue)"
        case .tooManyRedirects: return "fetch.too-many-redirects"
        case .redirectLoop: return "fetch.redirect-loop"
        case .redirectWithoutLocation: return "fetch.redirect-without-location"
        case .bodyTooLarge(_, let compressed, _): return compressed ? "fetch.too-large.decoded" : "fetch.too-large"
        case .timedOut(let kind, _): return "fetch.timeout.\(kind.rawValue)"
        case .dnsFailure: return "fetch.dns"
        case .connectFailed: return "fetch.connect"
        case .httpStatus(let status, _, _): return "fetch.http.\(status)"
        case .transport(let code, _, _): return "fetch.transport.\(code)"
        case .cancelled: return "fetch.cancelled"
        }
    }

    /// The `Retry-After` delay the server asked for, if any.
    public var retryAfter: Duration? {
        if case .httpStatus(_, _, let delay) = self { return delay }
        return nil
    }

    public var description: String {
        switch self {
        case .invalidURL(let url): return "invalid URL: \(url)"
        case .unsupportedScheme(let scheme, let url): return "scheme \(scheme) refused (only http and https): \(url)"
        case .refused(let refusal): return "refused by the address guard: \(refusal)"
        case .tooManyRedirects(let limit, let chain): return "more than \(limit) redirects: \(chain.map(\.to).joined(separator: " -> "))"
        case .redirectLoop(let chain): return "redirect loop: \(chain.map(\.to).joined(separator: " -> "))"
        case .redirectWithoutLocation(let status, let url): return "HTTP \(status) without Location from \(url)"
        case .bodyTooLarge(let limit, let compressed, let url):
            return "body over \(limit) bytes\(compressed ? " after decompression" : "") from \(url): transfer aborted"
        case .timedOut(let kind, let url): return "\(kind.rawValue) timeout fetching \(url)"
        case .dnsFailure(let host, let message): return "cannot resolve \(host): \(message)"
        case .connectFailed(let url, let message): return "cannot connect for \(url): \(message)"
        case .httpStatus(let status, let url, let retryAfter):
            return "HTTP \(status) from \(url)\(retryAfter.map { " (Retry-After \($0))" } ?? "")"
        case .transport(let code, let message, let url): return "transfer error \(code) for \(url): \(message)"
        case .cancelled: return "cancelled"
        }
    }
}
