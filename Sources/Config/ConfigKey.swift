/// Why a value does not fit a key (the caller adds the key and line).
public struct ConfigValueError: Error, Sendable {
    public var reason: String
    init(_ reason: String) { self.reason = reason }
}

/// One configuration key: its dotted name, how it reads a value, how it prints the current one.
public struct ConfigKey: Sendable {
    /// `section.key`, as written in the TOML file.
    public let name: String
    /// What kind of value the environment variable holds.
    enum Kind: Sendable { case string, integer, boolean, duration, list }
    let kind: Kind
    let apply: @Sendable (inout FeedworkerConfig, TOMLValue) throws(ConfigValueError) -> Void
    let current: @Sendable (FeedworkerConfig) -> TOMLValue

    /// `FEEDWORKER_<SECTION>_<KEY>`, upper-cased: `worker.max_in_flight_jobs` → `FEEDWORKER_WORKER_MAX_IN_FLIGHT_JOBS`.
    public var environmentName: String {
        "FEEDWORKER_" + name.uppercased().replacing(".", with: "_")
    }

    /// An environment string as the value it stands for: lists are comma-separated, durations
    /// and strings are taken as written, integers and booleans are parsed.
    func valueFromEnvironment(_ raw: String) throws(ConfigValueError) -> TOMLValue {
        switch kind {
        case .string, .duration: return .string(raw)
        case .integer:
            guard let i = Int64(raw.trimmingSpaces()) else { throw ConfigValueError("expected an integer, got '\(raw)'") }
            return .integer(i)
        case .boolean:
            switch raw.trimmingSpaces().lowercased() {
            case "true", "1", "yes": return .boolean(true)
            case "false", "0", "no": return .boolean(false)
            default: throw ConfigValueError("expected true or false, got '\(raw)'")
            }
        case .list:
            return .array(raw.split(separator: ",").map { .string(String($0).trimmingSpaces()) }.filter { $0 != .string("") })
        }
    }

    /// Every key, in the order `check-config` prints them.
    public static let all: [ConfigKey] = [
        string("kafka.brokers", \.kafka.brokers, nonEmpty: true),
        string("kafka.client_id", \.kafka.clientID, nonEmpty: true),
        string("kafka.group_instance_id", \.kafka.groupInstanceID, nonEmpty: false),
        string("topics.fetch_jobs", \.topics.fetchJobs, nonEmpty: true),
        string("topics.candidates", \.topics.candidates, nonEmpty: true),
        string("topics.clean", \.topics.clean, nonEmpty: true),
        string("topics.dlq", \.topics.dlq, nonEmpty: true),
        string("topics.retry", \.topics.retry, nonEmpty: true),
        string("topics.stories", \.topics.stories, nonEmpty: true),
        string("groups.extract", \.groups.extract, nonEmpty: true),
        string("groups.dedupe", \.groups.dedupe, nonEmpty: true),
        string("groups.retry", \.groups.retry, nonEmpty: true),
        string("groups.stories", \.groups.stories, nonEmpty: true),
        ConfigKey(name: "worker.roles", kind: .list, apply: { config, value throws(ConfigValueError) in
            guard case .array(let items) = value else { throw ConfigValueError("expected an array of roles, got \(value.typeName)") }
            var roles: [FeedworkerConfig.Role] = []
            for item in items {
                guard case .string(let s) = item, let role = FeedworkerConfig.Role(rawValue: s) else {
                    throw ConfigValueError("unknown role \(item) (roles: extract, dedupe)")
                }
                if !roles.contains(role) { roles.append(role) }
            }
            guard !roles.isEmpty else { throw ConfigValueError("at least one role is needed") }
            config.worker.roles = roles
        }, current: { .array($0.worker.roles.map { .string($0.rawValue) }) }),
        integer("worker.max_in_flight_jobs", \.worker.maxInFlightJobs, range: 1...1_000_000),
        integer("worker.known_candidates", \.worker.knownCandidates, range: 0...10_000_000),
        integer("worker.parse_concurrency", \.worker.parseConcurrency, range: 0...1024),
        integer("worker.max_body_bytes", \.worker.maxBodyBytes, range: 1024...(1 << 30)),
        duration("worker.shutdown_timeout", \.worker.shutdownTimeout),
        duration("worker.produce_timeout", \.worker.produceTimeout),
        string("store.path", \.store.path, nonEmpty: true),
        integer("store.retention_days", \.store.retentionDays, range: 1...36_500),
        integer("store.batch_size", \.store.batchSize, range: 1...1_000_000),
        duration("store.purge_interval", \.store.purgeInterval),
        boolean("stories.enabled", \.stories.enabled),
        // The 4-block multi-index is exact up to 3 (Stories.SimHashIndex).
        integer("stories.max_distance", \.stories.maxDistance, range: 0...3),
        integer("stories.window_days", \.stories.windowDays, range: 1...3_650),
        ConfigKey(name: "log.level", kind: .string, apply: { config, value throws(ConfigValueError) in
            let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
            guard case .string(let s) = value, levels.contains(s) else {
                throw ConfigValueError("expected one of \(levels.joined(separator: ", ")), got \(value)")
            }
            config.log.level = s
        }, current: { .string($0.log.level) }),
        ConfigKey(name: "log.format", kind: .string, apply: { config, value throws(ConfigValueError) in
            guard case .string(let s) = value, s == "logfmt" || s == "json" else {
                throw ConfigValueError("expected \"logfmt\" or \"json\", got \(value)")
            }
            config.log.format = s
        }, current: { .string($0.log.format) }),
        duration("metrics.interval", \.metrics.interval, allowZero: true),
        string("metrics.prometheus_listen", \.metrics.prometheusListen, nonEmpty: false),
        ConfigKey(name: "fetch.contact_url", kind: .string, apply: { config, value throws(ConfigValueError) in
            guard case .string(let s) = value, s.hasPrefix("https://") || s.hasPrefix("http://") || s.hasPrefix("mailto:") else {
                throw ConfigValueError("expected an http(s) or mailto: URL, got \(value)")
            }
            guard !s.contains(where: { $0 == "\r" || $0 == "\n" || $0 == ")" }) else { throw ConfigValueError("must not contain line breaks or ')'") }
            config.fetch.contactURL = s
        }, current: { .string($0.fetch.contactURL) }),
        duration("fetch.connect_timeout", \.fetch.connectTimeout),
        duration("fetch.total_timeout", \.fetch.totalTimeout),
        integer("fetch.max_body_bytes", \.fetch.maxBodyBytes, range: 1024...(1 << 30)),
        integer("fetch.max_redirects", \.fetch.maxRedirects, range: 0...20),
        integer("fetch.per_host_concurrency", \.fetch.perHostConcurrency, range: 1...256),
        duration("fetch.per_host_min_delay", \.fetch.perHostMinDelay, allowZero: true),
        integer("fetch.max_attempts", \.fetch.maxAttempts, range: 1...100),
        duration("fetch.backoff_base", \.fetch.backoffBase),
        duration("fetch.backoff_cap", \.fetch.backoffCap),
        boolean("fetch.guard", \.fetch.guardEnabled),
        ConfigKey(name: "fetch.allowlist", kind: .list, apply: { config, value throws(ConfigValueError) in
            guard case .array(let items) = value else { throw ConfigValueError("expected an array of CIDR ranges, got \(value.typeName)") }
            var rules: [String] = []
            for item in items {
                guard case .string(let s) = item, AllowlistSyntax.isValid(s) else {
                    throw ConfigValueError("\(item) is not a CIDR range (127.0.0.0/8, ::1/128, 10.1.2.3/32:8080, [::1]:8080)")
                }
                rules.append(s)
            }
            config.fetch.allowlist = rules
        }, current: { .array($0.fetch.allowlist.map { .string($0) }) }),
        boolean("fetch.validator_cache", \.fetch.validatorCache),
        string("health.file", \.health.file, nonEmpty: false),
    ]

    static func string(_ name: String, _ path: WritableKeyPath<FeedworkerConfig, String> & Sendable, nonEmpty: Bool) -> ConfigKey {
        ConfigKey(name: name, kind: .string, apply: { config, value throws(ConfigValueError) in
            guard case .string(let s) = value else { throw ConfigValueError("expected a string, got \(value.typeName) \(value)") }
            if nonEmpty && s.isEmpty { throw ConfigValueError("must not be empty") }
            config[keyPath: path] = s
        }, current: { .string($0[keyPath: path]) })
    }

    static func boolean(_ name: String, _ path: WritableKeyPath<FeedworkerConfig, Bool> & Sendable) -> ConfigKey {
        ConfigKey(name: name, kind: .boolean, apply: { config, value throws(ConfigValueError) in
            guard case .boolean(let b) = value else { throw ConfigValueError("expected true or false, got \(value.typeName) \(value)") }
            config[keyPath: path] = b
        }, current: { .boolean($0[keyPath: path]) })
    }

    static func integer(_ name: String, _ path: WritableKeyPath<FeedworkerConfig, Int> & Sendable, range: ClosedRange<Int>) -> ConfigKey {
        ConfigKey(name: name, kind: .integer, apply: { config, value throws(ConfigValueError) in
            guard case .integer(let i) = value else { throw ConfigValueError("expected an integer, got \(value.typeName) \(value)") }
            guard let v = Int(exactly: i), range.contains(v) else {
                throw ConfigValueError("\(i) is out of range \(range.lowerBound)...\(range.upperBound)")
            }
            config[keyPath: path] = v
        }, current: { .integer(Int64($0[keyPath: path])) })
    }

    static func duration(_ name: String, _ path: WritableKeyPath<FeedworkerConfig, Duration> & Sendable, allowZero: Bool = false) -> ConfigKey {
        ConfigKey(name: name, kind: .duration, apply: { config, value throws(ConfigValueError) in
            let d = try parseDuration(value)
            if d < .zero || (!allowZero && d == .zero) { throw ConfigValueError("must be \(allowZero ? "zero or more" : "more than zero")") }
            config[keyPath: path] = d
        }, current: { .string(formatDuration($0[keyPath: path])) })
    }
}

/// `"30s"`, `"250ms"`, `"5m"`, `"1h"`, `"1.5s"`, or an integer number of seconds.
func parseDuration(_ value: TOMLValue) throws(ConfigValueError) -> Duration {
    switch value {
    case .integer(let s): return .seconds(s)
    case .string(let raw):
        let s = raw.trimmingSpaces()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where s.hasSuffix(suffix) {
            let number = s.dropLast(suffix.count)
            // "5ms" must not be read as "5m" + "s": skip when the number part still ends in a letter.
            guard let n = Double(number), n.isFinite, n >= 0 else { continue }
            return .milliseconds(Int64((n * scale * 1000).rounded()))
        }
        throw ConfigValueError("expected a duration such as \"30s\", \"250ms\", \"5m\", \"1h\", got \"\(raw)\"")
    default:
        throw ConfigValueError("expected a duration string such as \"30s\", got \(value.typeName)")
    }
}

/// The shortest exact spelling: `"30s"`, `"250ms"`, `"1h"`.
func formatDuration(_ d: Duration) -> String {
    let ms = d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
    if ms % 3_600_000 == 0 && ms > 0 { return "\(ms / 3_600_000)h" }
    if ms % 60_000 == 0 && ms > 0 { return "\(ms / 60_000)m" }
    if ms % 1000 == 0 { return "\(ms / 1000)s" }
    return "\(ms)ms"
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}

/// The text forms of a guard allowlist entry (the Fetch module's `AllowRule` parses them):
/// `127.0.0.0/8`, `::1`, `10.1.2.3/32:8080`, `[::1]:8080`, `[::1/128]:8080`.
enum AllowlistSyntax {
    static func isValid(_ text: String) -> Bool {
        var body = Substring(text)
        if body.hasPrefix("[") {
            guard let close = body.firstIndex(of: "]") else { return false }
            let after = body[body.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let port = Int(after.dropFirst()), (1...65535).contains(port) else { return false }
            }
            body = body[body.index(after: body.startIndex)..<close]
            return isRange(body, v6: true)
        }
        if body.filter({ $0 == ":" }).count == 1 {
            let parts = body.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let port = Int(parts[1]), (1...65535).contains(port) else { return false }
            return isRange(parts[0], v6: false)
        }
        return isRange(body, v6: body.contains(":"))
    }

    private static func isRange(_ text: Substring, v6: Bool) -> Bool {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = parts.first, !address.isEmpty else { return false }
        if parts.count == 2 {
            guard let bits = Int(parts[1]), (0...(v6 ? 128 : 32)).contains(bits) else { return false }
        }
        var buffer = [UInt8](repeating: 0, count: 16)
        return String(address).withCString { inet_pton(v6 ? AF_INET6 : AF_INET, $0, &buffer) } == 1
    }
}

#if canImport(Glibc)
import Glibc
#endif
