/// Conditional-GET validators for one URL.
public struct Validators: Sendable, Hashable {
    /// The `ETag` the server sent (sent back as `If-None-Match`).
    public var etag: String?
    /// The `Last-Modified` the server sent (sent back as `If-Modified-Since`).
    public var lastModified: String?

    public init(etag: String? = nil, lastModified: String? = nil) {
        self.etag = etag.flatMap { $0.isEmpty ? nil : $0 }
        self.lastModified = lastModified.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether there is nothing to send.
    public var isEmpty: Bool { etag == nil && lastModified == nil }
}

/// One fetch: a URL and the validators carried by the job (if any).
public struct FetchRequest: Sendable {
    public var url: String
    /// Validators from the job's `headers`; when empty, the `ValidatorCache` (if any) is consulted.
    public var validators: Validators
    /// Whether to read and update the validator cache for this URL.
    public var usesValidatorCache: Bool

    public init(url: String, validators: Validators = Validators(), usesValidatorCache: Bool = true) {
        self.url = url
        self.validators = validators
        self.usesValidatorCache = usesValidatorCache
    }
}

/// One response header line.
public struct HTTPHeader: Sendable, Hashable {
    /// The name as the server wrote it.
    public var name: String
    public var value: String
}

/// One followed redirect.
public struct RedirectHop: Sendable, Hashable {
    public var status: Int
    public var from: String
    public var to: String
}

/// Where the time of a fetch went.
public struct FetchTiming: Sendable, Hashable {
    /// Waiting for the per-host gate (politeness), all hops.
    public var queued: Duration = .zero
    /// Time to connect on the last hop (zero when the connection was reused).
    public var connect: Duration = .zero
    /// Time to first byte on the last hop.
    public var firstByte: Duration = .zero
    /// From the call to the end, all hops.
    public var total: Duration = .zero
}

/// The result of a successful fetch (2xx, or 304 Not Modified).
public struct FetchResponse: Sendable {
    /// The HTTP status of the final hop.
    public var status: Int
    /// The URL asked for.
    public var requestedURL: String
    /// The URL of the final hop (after redirects).
    public var finalURL: String
    /// The decoded body (empty for a 304).
    public var body: [UInt8]
    /// The `Content-Type` header, if any (`text/html; charset=Shift_JIS`).
    public var contentType: String?
    /// The charset label from `Content-Type`, lowercased (`shift_jis`), if any. The parser still checks
    /// the BOM and in-document declarations.
    public var charset: String?
    /// The validators of this response (to store with the URL).
    public var validators: Validators
    /// True for a 304: the document did not change since the validators were issued; no body.
    public var notModified: Bool
    /// The validators sent with the request (from the job or from the cache).
    public var sentValidators: Validators
    /// Redirects followed, in order.
    public var redirects: [RedirectHop]
    /// Response headers of the final hop.
    public var headers: [HTTPHeader]
    /// `HTTP/1.1`, `HTTP/2`...
    public var httpVersion: String
    /// The address connected to on the final hop.
    public var remoteAddress: String?
    public var timing: FetchTiming

    /// The first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? { headers.first(named: name) }
}

extension Array where Element == HTTPHeader {
    /// The value of the first header named `name` (case-insensitive).
    public func first(named name: String) -> String? {
        first(where: { $0.name.lowercased() == name.lowercased() })?.value
    }
}

/// Pieces of `Content-Type` and `Retry-After` the fetcher needs.
public enum HeaderValues {
    /// The `charset` parameter of a `Content-Type` value, unquoted and lowercased.
    public static func charset(fromContentType value: String) -> String? {
        for parameter in value.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingSpaces().lowercased() == "charset" else { continue }
            var label = pair[1].trimmingSpaces()
            if label.hasPrefix("\""), label.hasSuffix("\""), label.count >= 2 { label = String(label.dropFirst().dropLast()) }
            label = label.trimmingSpaces()
            return label.isEmpty ? nil : label.lowercased()
        }
        return nil
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" || last == "\r" || last == "\n" || last == "\r\n" { slice = slice.dropLast() }
        return String(slice)
    }
}
