/// One allowlist entry: a CIDR range, optionally restricted to one port.
///
/// Text forms: `127.0.0.0/8`, `::1`, `10.1.2.3/32:8080`, `[::1]:8080`, `[::1/128]:8080`.
public struct AllowRule: Hashable, Sendable, CustomStringConvertible {
    /// The addresses opened by this rule.
    public var range: AddressRange
    /// The only port opened, or nil for every port.
    public var port: Int?

    public init(_ range: AddressRange, port: Int? = nil) {
        self.range = range
        self.port = port
    }

    /// Parses the text forms above; nil if malformed.
    public init?(_ text: String) {
        var body = Substring(text)
        var port: Int?
        if body.hasPrefix("[") {
            guard let close = body.firstIndex(of: "]") else { return nil }
            let after = body[body.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let parsed = Int(after.dropFirst()), (1...65535).contains(parsed) else { return nil }
                port = parsed
            }
            body = body[body.index(after: body.startIndex)..<close]
        } else if body.filter({ $0 == ":" }).count == 1 { // IPv4 with a port
            let parts = body.split(separator: ":")
            guard parts.count == 2, let parsed = Int(parts[1]), (1...65535).contains(parsed) else { return nil }
            port = parsed
            body = parts[0]
        }
        guard let range = AddressRange(body) else { return nil }
        self.init(range, port: port)
    }

    /// Whether the rule opens `address`:`port`.
    public func allows(_ address: IPAddress, port: Int?) -> Bool {
        guard range.contains(address) else { return false }
        guard let only = self.port else { return true }
        return port == only
    }

    public var description: String {
        guard let port else { return range.description }
        return range.network.isIPv4 ? "\(range):\(port)" : "[\(range)]:\(port)"
    }
}

/// Why the guard refused a URL or a connection.
public struct AddressRefusal: Sendable, Hashable, CustomStringConvertible {
    /// When the refusal happened.
    public enum Stage: String, Sendable {
        /// The URL's host is an address literal (or `localhost`), refused before resolving.
        case beforeConnect = "before-connect"
        /// The address curl resolved and was about to connect to (socket never opened).
        case atConnect = "at-connect"
    }
    /// The URL of the hop being fetched.
    public var url: String
    /// The refused address.
    public var address: String
    /// The port, when known.
    public var port: Int?
    /// Why the address is forbidden.
    public var category: AddressCategory
    public var stage: Stage

    public var description: String {
        "\(category.rawValue) address \(address)\(port.map { " port \($0)" } ?? "") refused \(stage.rawValue) for \(url)"
    }
}

/// The SSRF guard: refuses loopback, private, link-local, multicast, unspecified, broadcast and reserved
/// addresses (IPv4 and IPv6, embedded forms included) unless an `AllowRule` opens them.
///
/// The fetcher consults it twice per hop: on the URL's host before any connection (address literals and
/// `localhost`), and on every address curl is about to connect to (`CURLOPT_OPENSOCKETFUNCTION`), which
/// covers host names, DNS rebinding and every redirect hop.
public struct AddressGuard: Sendable {
    /// When false, every address is allowed (for operators who know their network; never the default).
    public var isEnabled: Bool
    /// Ranges (and optionally ports) opened despite their category.
    public var allowlist: [AllowRule]

    public init(isEnabled: Bool = true, allowlist: [AllowRule] = []) {
        self.isEnabled = isEnabled
        self.allowlist = allowlist
    }

    /// The category that makes `address` forbidden, or nil if it may be connected to.
    public func forbiddenCategory(of address: IPAddress, port: Int?) -> AddressCategory? {
        guard isEnabled else { return nil }
        let category = AddressClassifier.classify(address)
        guard category.isForbiddenByDefault else { return nil }
        if allowlist.contains(where: { $0.allows(address, port: port) }) { return nil }
        return category
    }

    /// Checks a URL host before any connection: address literals (also lenient IPv4 forms such as
    /// `2130706433`) and `localhost` / `*.localhost` (which resolve to loopback without DNS).
    /// Host names are left to the connect-time check.
    public func checkHost(_ host: String, port: Int?, url: String) -> AddressRefusal? {
        guard isEnabled else { return nil }
        var candidates: [IPAddress] = []
        let lower = host.lowercased()
        if let literal = IPAddress(lower) ?? IPAddress.lenientIPv4(lower) {
            candidates = [literal]
        } else if lower == "localhost" || lower.hasSuffix(".localhost") || lower == "localhost." || lower.hasSuffix(".localhost.") {
            candidates = [IPAddress("127.0.0.1")!, IPAddress("::1")!]
        }
        // Refuse only if every address the host may reach is refused: curl tries the others.
        var refusal: AddressRefusal?
        for address in candidates {
            guard let category = forbiddenCategory(of: address, port: port) else { return nil }
            refusal = refusal ?? AddressRefusal(url: url, address: address.description, port: port, category: category, stage: .beforeConnect)
        }
        return refusal
    }
}
