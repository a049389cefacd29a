import CCurl

/// A URL as curl parses it: scheme, host, port and the normalised text.
struct FetchURL: Sendable, Hashable {
    var text: String
    var scheme: String
    var host: String
    var port: Int?

    /// Parses `text` with curl's URL parser (the one the transfer will use). Throws `.invalidURL`.
    init(_ text: String) throws(FetchError) {
        guard let handle = curl_url() else { throw .invalidURL(text) }
        defer { curl_url_cleanup(handle) }
        guard curl_url_set(handle, CURLUPART_URL, text, UInt32(CURLU_NON_SUPPORT_SCHEME)) == CURLUE_OK else {
            throw .invalidURL(text)
        }
        func part(_ which: CURLUPart, _ flags: Int32 = 0) -> String? {
            var pointer: UnsafeMutablePointer<CChar>?
            guard curl_url_get(handle, which, &pointer, UInt32(flags)) == CURLUE_OK, let pointer else { return nil }
            defer { curl_free(pointer) }
            return String(cString: pointer)
        }
        guard let scheme = part(CURLUPART_SCHEME)?.lowercased(), let full = part(CURLUPART_URL) else { throw .invalidURL(text) }
        self.scheme = scheme
        self.text = full
        self.host = part(CURLUPART_HOST) ?? ""
        self.port = part(CURLUPART_PORT, CURLU_DEFAULT_PORT).flatMap { Int($0) }
        if (scheme == "http" || scheme == "https") && host.isEmpty { throw .invalidURL(text) }
    }
}

/// `Retry-After` parsing: delay-seconds or an HTTP date.
public enum RetryAfter {
    /// The delay asked by a `Retry-After` value, relative to `now` (seconds since 1970); never negative.
    public static func parse(_ value: String, now: Int64) -> Duration? {
        let trimmed = value.trimmingSpaces()
        if let seconds = Int64(trimmed) { return seconds >= 0 ? .seconds(seconds) : nil }
        var reference = time_t(now)
        let date = curl_getdate(trimmed, &reference)
        guard date >= 0 else { return nil }
        return .seconds(max(0, Int64(date) - now))
    }
}

/// What the linked libcurl can do.
public enum CurlSupport {
    /// Whether libcurl was built with HTTP/2 (nghttp2).
    public static var hasHTTP2: Bool {
        guard let info = curl_version_info(CURLVERSION_FIRST) else { return false }
        return info.pointee.features & CURL_VERSION_HTTP2 != 0
    }

    /// libcurl's version string (`7.88.1`).
    public static var version: String { String(cString: curl_version_info(CURLVERSION_FIRST).pointee.version) }
}
