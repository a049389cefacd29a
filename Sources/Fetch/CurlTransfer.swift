import CCurl

/// What one HTTP transfer (one redirect hop) must do. Built by `HTTPFetcher`, run by `CurlMultiEngine`.
struct TransferSpec: Sendable {
    var url: String
    var requestHeaders: [String]
    var userAgent: String
    var connectTimeoutMilliseconds: Int
    var totalTimeoutMilliseconds: Int
    var lowSpeedLimit: Int
    var lowSpeedSeconds: Int
    var maxBodyBytes: Int
    var acceptCompression: Bool
    var allowHTTP2: Bool
    var addressGuard: AddressGuard
    var resolveOverrides: [String]
}

/// What one transfer produced, read on the engine thread before the easy handle is freed.
struct TransferOutcome: Sendable {
    var curlCode: Int = 0
    var errorMessage: String = ""
    var status: Int = 0
    var headers: [HTTPHeader] = []
    var body: [UInt8] = []
    var redirectURL: String?
    var effectiveURL: String = ""
    var contentType: String?
    var httpVersion: String = ""
    var remoteAddress: String?
    /// Seconds from start to connected (0 if reused or never connected).
    var connectSeconds: Double = 0
    var firstByteSeconds: Double = 0
    var refusal: AddressRefusal?
    var bodyOverLimit = false
    var contentEncoded = false
    var cancelled = false
}

/// One easy handle and the state its callbacks fill. Touched only by the engine thread once submitted.
final class CurlTransfer: @unchecked Sendable {
    let id: UInt64
    let spec: TransferSpec
    private(set) var easy: UnsafeMutableRawPointer?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var resolveList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    var outcome = TransferOutcome()
    var continuation: CheckedContinuation<TransferOutcome, Never>?

    init(id: UInt64, spec: TransferSpec) {
        self.id = id
        self.spec = spec
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        releaseHandle()
        errorBuffer.deallocate()
    }

    /// Frees the easy handle and its lists (on the engine thread, once the transfer left the multi handle).
    func releaseHandle() {
        if let easy { curl_easy_cleanup(easy) }
        easy = nil
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
        if let resolveList { curl_slist_free_all(resolveList) }
        resolveList = nil
    }

    /// Creates and configures the easy handle. Returns false if curl refused an option.
    func configure() -> Bool {
        guard let easy = curl_easy_init() else { return false }
        self.easy = easy
        for line in spec.requestHeaders { headerList = curl_slist_append(headerList, line) }
        let context = Unmanaged.passUnretained(self).toOpaque()
        var ok = true
        func set(_ option: CURLoption, _ value: Int) { ok = ok && fw_curl_setopt_long(easy, option, value) == CURLE_OK }
        func set(_ option: CURLoption, _ value: String) { ok = ok && fw_curl_setopt_ptr(easy, option, value) == CURLE_OK }
        set(CURLOPT_URL, spec.url)
        set(CURLOPT_NOSIGNAL, 1)
        set(CURLOPT_FOLLOWLOCATION, 0) // every hop goes back through the guard in HTTPFetcher
        set(CURLOPT_PROTOCOLS_STR, "http,https")
        set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        set(CURLOPT_PROXY, "") // ignore http_proxy & co: the guard must see the real destination
        set(CURLOPT_USERAGENT, spec.userAgent)
        if spec.acceptCompression { set(CURLOPT_ACCEPT_ENCODING, "") }
        set(CURLOPT_HTTP_VERSION, spec.allowHTTP2 ? Int(CURL_HTTP_VERSION_2TLS) : Int(CURL_HTTP_VERSION_1_1))
        set(CURLOPT_PIPEWAIT, 1)
        set(CURLOPT_CONNECTTIMEOUT_MS, spec.connectTimeoutMilliseconds)
        set(CURLOPT_TIMEOUT_MS, spec.totalTimeoutMilliseconds)
        set(CURLOPT_LOW_SPEED_LIMIT, spec.lowSpeedLimit)
        set(CURLOPT_LOW_SPEED_TIME, spec.lowSpeedSeconds)
        ok = ok && fw_curl_setopt_off(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(spec.maxBodyBytes)) == CURLE_OK
        ok = ok && fw_curl_setopt_ptr(easy, CURLOPT_HTTPHEADER, headerList) == CURLE_OK
        if !spec.resolveOverrides.isEmpty {
            for entry in spec.resolveOverrides { resolveList = curl_slist_append(resolveList, entry) }
            ok = ok && fw_curl_setopt_ptr(easy, CURLOPT_RESOLVE, resolveList) == CURLE_OK
        }
        ok = ok && fw_curl_setopt_ptr(easy, CURLOPT_ERRORBUFFER, errorBuffer) == CURLE_OK
        ok = ok && fw_curl_set_write_function(easy, curlWriteCallback) == CURLE_OK
        ok = ok && fw_curl_setopt_ptr(easy, CURLOPT_WRITEDATA, context) == CURLE_OK
        ok = ok && fw_curl_set_header_function(easy, curlHeaderCallback) == CURLE_OK
        ok = ok && fw_curl_setopt_ptr(easy, CURLOPT_HEADERDATA, context) == CURLE_OK
        ok = ok && fw_curl_set_opensocket_function(easy, curlOpenSocketCallback) == CURLE_OK
        ok = ok && fw_curl_setopt_ptr(easy, CURLOPT_OPENSOCKETDATA, context) == CURLE_OK
        return ok
    }

    /// Fills the outcome from curl's info once the transfer is done.
    func collect(result: CURLcode) {
        guard let easy else { return }
        outcome.curlCode = Int(result.rawValue)
        outcome.errorMessage = String(cString: errorBuffer)
        if outcome.errorMessage.isEmpty, result != CURLE_OK { outcome.errorMessage = String(cString: curl_easy_strerror(result)) }
        var long = 0
        if fw_curl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &long) == CURLE_OK { outcome.status = long }
        if fw_curl_getinfo_long(easy, CURLINFO_HTTP_VERSION, &long) == CURLE_OK {
            switch long {
            case Int(CURL_HTTP_VERSION_1_0): outcome.httpVersion = "HTTP/1.0"
            case Int(CURL_HTTP_VERSION_1_1): outcome.httpVersion = "HTTP/1.1"
            case Int(CURL_HTTP_VERSION_2_0): outcome.httpVersion = "HTTP/2"
            case Int(CURL_HTTP_VERSION_3): outcome.httpVersion = "HTTP/3"
            default: outcome.httpVersion = ""
            }
        }
        outcome.redirectURL = string(CURLINFO_REDIRECT_URL)
        outcome.effectiveURL = string(CURLINFO_EFFECTIVE_URL) ?? spec.url
        outcome.contentType = string(CURLINFO_CONTENT_TYPE)
        outcome.remoteAddress = string(CURLINFO_PRIMARY_IP)
        var micros: curl_off_t = 0
        if fw_curl_getinfo_off(easy, CURLINFO_CONNECT_TIME_T, &micros) == CURLE_OK { outcome.connectSeconds = Double(micros) / 1e6 }
        if fw_curl_getinfo_off(easy, CURLINFO_STARTTRANSFER_TIME_T, &micros) == CURLE_OK { outcome.firstByteSeconds = Double(micros) / 1e6 }
    }

    private func string(_ info: CURLINFO) -> String? {
        guard let easy else { return nil }
        var pointer: UnsafeMutablePointer<CChar>?
        guard fw_curl_getinfo_ptr(easy, info, &pointer) == CURLE_OK, let pointer else { return nil }
        let value = String(cString: pointer)
        return value.isEmpty ? nil : value
    }

    // MARK: Callbacks (engine thread)

    fileprivate func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if outcome.body.count + bytes.count > spec.maxBodyBytes {
            outcome.bodyOverLimit = true
            return false
        }
        outcome.body.append(contentsOf: bytes)
        return true
    }

    fileprivate func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x0D || bytes[end - 1] == 0x0A { end -= 1 }
        let line = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<end]), as: UTF8.self)
        if line.hasPrefix("HTTP/") { // a new response (after a 1xx): forget the previous headers
            outcome.headers.removeAll()
            outcome.contentEncoded = false
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = String(line[..<colon])
        let value = line[line.index(after: colon)...].trimmingSpaces()
        outcome.headers.append(HTTPHeader(name: name, value: value))
        if name.lowercased() == "content-encoding", value.lowercased() != "identity" { outcome.contentEncoded = true }
        if name.lowercased() == "content-length", let length = Int(value), length > 0, outcome.body.capacity == 0 {
            outcome.body.reserveCapacity(min(length, spec.maxBodyBytes))
        }
    }

    fileprivate func openSocket(_ address: UnsafeMutablePointer<curl_sockaddr>) -> curl_socket_t {
        var bytes = [UInt8](repeating: 0, count: 16)
        var port: Int32 = 0
        let family = fw_curl_sockaddr_decode(address, &bytes, &port)
        if spec.addressGuard.isEnabled {
            guard family == 4 || family == 6, let ip = IPAddress(bytes: family == 4 ? Array(bytes[0..<4]) : bytes) else {
                outcome.refusal = AddressRefusal(url: spec.url, address: "family \(address.pointee.family)", port: nil,
                                                 category: .reserved, stage: .atConnect)
                return CURL_SOCKET_BAD
            }
            if let category = spec.addressGuard.forbiddenCategory(of: ip, port: Int(port)) {
                outcome.refusal = AddressRefusal(url: spec.url, address: ip.description, port: Int(port),
                                                 category: category, stage: .atConnect)
                return CURL_SOCKET_BAD
            }
        }
        return fw_curl_sockaddr_open(address)
    }
}

private func curlWriteCallback(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    guard length > 0, let data else { return length }
    return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}

private func curlHeaderCallback(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    if length > 0, let data { transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length)) }
    return length
}

private func curlOpenSocketCallback(_ context: UnsafeMutableRawPointer?, _ purpose: curlsocktype, _ address: UnsafeMutablePointer<curl_sockaddr>?) -> curl_socket_t {
    guard let context, let address else { return CURL_SOCKET_BAD }
    return Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue().openSocket(address)
}
