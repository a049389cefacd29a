/// The worker's whole configuration, typed. Built from defaults, then `Config/feedworker.toml`,
/// then `FEEDWORKER_<SECTION>_<KEY>` environment variables (see ``ConfigKey/environmentName``).
public struct FeedworkerConfig: Sendable, Hashable {
    /// A pipeline stage a worker can run.
    public enum Role: String, Sendable, Hashable, CaseIterable {
        case extract, dedupe
    }

    /// `[kafka]`: how to reach the cluster.
    public struct Kafka: Sendable, Hashable {
        /// `bootstrap.servers`.
        public var brokers = "127.0.0.1:9092"
        /// `client.id` prefix.
        public var clientID = "feedworker"
        /// Any librdkafka property, passed through unchanged (`[kafka.properties]`).
        public var properties: [String: String] = [:]
        /// `group.instance.id` of the consumer-group members (static membership); empty = dynamic.
        /// Unique per worker (pod name, `<host>-<instance>`): a restart within the session timeout
        /// then keeps its partitions without a rebalance.
        public var groupInstanceID = ""
    }

    /// `[topics]`: topic names (DESIGN.md defaults).
    public struct Topics: Sendable, Hashable {
        public var fetchJobs = "feeds.fetch-jobs"
        public var candidates = "articles.candidates"
        public var clean = "articles.clean"
        public var dlq = "feeds.fetch-jobs.dlq"
        public var retry = "feeds.fetch-jobs.retry"
        /// Story membership events (issue 12), written by the story stage.
        public var stories = "articles.stories"
    }

    /// `[groups]`: consumer group ids of the two stages.
    public struct Groups: Sendable, Hashable {
        public var extract = "feedworker-extract"
        public var dedupe = "feedworker-dedupe"
        /// The extract stage's consumer of `topics.retry` (its own group: joining it never
        /// rebalances the fresh-job consumers).
        public var retry = "feedworker-extract-retry"
        /// The story stage's group. It subscribes to the one-partition `topics.stories`: the member
        /// assigned that partition is the single active story decider.
        public var stories = "feedworker-stories"
    }

    /// `[worker]`: what this process runs and how much at once.
    public struct Worker: Sendable, Hashable {
        public var roles: [Role] = [.extract, .dedupe]
        /// Jobs read but not yet committed; at the bound, partitions are paused.
        public var maxInFlightJobs = 256
        /// Content hashes of acknowledged candidates the extract stage remembers (per process):
        /// a later candidate with one of them is a known duplicate, counted and not produced
        /// again. 0 = off (every candidate goes to the dedupe stage).
        public var knownCandidates = 65_536
        /// Parallel parse tasks; 0 = one per core.
        public var parseConcurrency = 0
        /// Largest document (inline body after decoding) accepted; larger → DLQ `body_too_large`.
        public var maxBodyBytes = 10 << 20
        /// How long a shutdown may drain in-flight work before it gives up.
        public var shutdownTimeout: Duration = .seconds(30)
        /// How long a produce may wait for the broker's acknowledgement.
        public var produceTimeout: Duration = .seconds(30)
    }

    /// `[store]`: the dedupe store.
    public struct Store: Sendable, Hashable {
        /// Directory holding one SQLite file per owned candidates partition.
        public var path = "/var/lib/feedworker"
        /// Hashes older than this (by event time) are purged.
        public var retentionDays = 30
        /// Store writes grouped per transaction.
        public var batchSize = 4096
        /// How often the retention purge runs.
        public var purgeInterval: Duration = .seconds(3600)
    }

    /// `[stories]`: story identity (issue 12): near-duplicates and updates grouped into stories.
    public struct Stories: Sendable, Hashable {
        /// Run the story stage in workers with the dedupe role. Off by default: it writes a new
        /// topic (`topics.stories`, which must have exactly one partition) and keeps its own store,
        /// so a deployment turns it on once that topic exists; `articles.clean` is the same either way.
        public var enabled = false
        /// Hamming distance (of 64 bits) within which an article joins a story: 0...3.
        public var maxDistance = 3
        /// Members stay joinable this many days (by `published_at`, else `fetched_at`).
        public var windowDays = 7
    }

    /// `[log]`.
    public struct Log: Sendable, Hashable {
        /// trace, debug, info, notice, warning, error, critical.
        public var level = "info"
        /// `logfmt` or `json`.
        public var format = "logfmt"
    }

    /// `[metrics]`.
    public struct Metrics: Sendable, Hashable {
        /// One metrics log line per interval (and one at shutdown); 0 turns it off.
        public var interval: Duration = .seconds(10)
        /// `host:port` of the Prometheus text endpoint (`GET /metrics`); empty = off. Loopback only.
        public var prometheusListen = ""
    }

    /// `[health]`.
    public struct Health: Sendable, Hashable {
        /// Heartbeat file touched after each passing health check, removed at shutdown; empty = none.
        public var file = ""
    }

    /// `[fetch]`: the HTTP fetcher used for jobs without an inline body.
    public struct Fetch: Sendable, Hashable {
        /// Contact URL in the `User-Agent` (`feedworker/0.1 (+URL)`).
        public var contactURL = "https://github.com/feedworker/feedworker"
        /// Time to establish one connection (TCP and TLS).
        public var connectTimeout: Duration = .seconds(10)
        /// Time for a whole fetch, redirects included (waiting for the per-host gate excluded).
        public var totalTimeout: Duration = .seconds(30)
        /// Largest body accepted (after decompression), enforced while streaming.
        public var maxBodyBytes = 10 << 20
        /// Redirects followed at most.
        public var maxRedirects = 5
        /// Concurrent requests to one host across the jobs of this worker.
        public var perHostConcurrency = 2
        /// Minimum time between the starts of two requests to one host.
        public var perHostMinDelay: Duration = .milliseconds(250)
        /// Attempts in total, the first included (1 = never retry).
        public var maxAttempts = 5
        /// Retry delay after the first failed attempt (doubled each attempt, jittered).
        public var backoffBase: Duration = .seconds(30)
        /// Upper bound of a computed retry delay.
        public var backoffCap: Duration = .seconds(3600)
        /// The SSRF guard: refuse loopback, private, link-local, multicast and unspecified addresses.
        public var guardEnabled = true
        /// CIDR ranges (optionally `:port`) the guard lets through.
        public var allowlist: [String] = []
        /// Keep ETag/Last-Modified per URL in `<store.path>/http-validators.sqlite`.
        public var validatorCache = true
    }

    public var kafka = Kafka()
    public var topics = Topics()
    public var groups = Groups()
    public var worker = Worker()
    public var store = Store()
    public var log = Log()
    public var metrics = Metrics()
    public var fetch = Fetch()
    public var stories = Stories()

    public var health = Health()

    /// The defaults (what `Config/feedworker.toml` spells out).
    public init() {}

    /// A copy whose topics and group ids all live under `prefix` (`<prefix>.jobs`,
    /// `<prefix>.candidates`, `<prefix>-extract`...), so that several isolated pipelines (the demo,
    /// tests, benchmarks) share one broker.
    public func namespaced(_ prefix: String) -> FeedworkerConfig {
        var config = self
        config.topics.fetchJobs = "\(prefix).jobs"
        config.topics.candidates = "\(prefix).candidates"
        config.topics.clean = "\(prefix).clean"
        config.topics.dlq = "\(prefix).dlq"
        config.topics.retry = "\(prefix).retry"
        config.topics.stories = "\(prefix).stories"
        config.groups.extract = "\(prefix)-extract"
        config.groups.dedupe = "\(prefix)-dedupe"
        config.groups.retry = "\(prefix)-extract-retry"
        config.groups.stories = "\(prefix)-stories"
        return config
    }

    /// Loads `path` (nil: defaults only) and applies `environment` overrides.
    public static func load(path: String?, environment: [String: String]) throws(ConfigError) -> FeedworkerConfig {
        guard let path else { return try parse("", path: "<defaults>", environment: environment) }
        let text = try readFile(path)
        return try parse(text, path: path, environment: environment)
    }

    /// Parses TOML `text` (named `path` in errors) over the defaults, then applies `environment`.
    public static func parse(_ text: String, path: String = "<config>", environment: [String: String] = [:]) throws(ConfigError) -> FeedworkerConfig {
        let root: TOMLTable
        do { root = try TOMLReader().parse(text) } catch { throw .syntax(path: path, error) }
        var config = FeedworkerConfig()
        for (sectionName, sectionEntry) in root.entries {
            guard case .table(let section) = sectionEntry.value else {
                throw .unknownKey(key: sectionName, line: sectionEntry.line, path: path)
            }
            for (keyName, entry) in section.entries {
                let fullName = "\(sectionName).\(keyName)"
                if fullName == "kafka.properties" {
                    guard case .table(let props) = entry.value else {
                        throw .badValue(key: fullName, line: entry.line, path: path, reason: "expected a table of librdkafka properties")
                    }
                    for (prop, p) in props.entries {
                        switch p.value {
                        case .string(let s): config.kafka.properties[prop] = s
                        case .integer(let i): config.kafka.properties[prop] = String(i)
                        case .boolean(let b): config.kafka.properties[prop] = b ? "true" : "false"
                        case .float(let d): config.kafka.properties[prop] = String(d)
                        default:
                            throw .badValue(key: "kafka.properties.\(prop)", line: p.line, path: path,
                                            reason: "librdkafka properties are strings, numbers or booleans, not \(p.value.typeName)")
                        }
                    }
                    continue
                }
                guard let key = ConfigKey.all.first(where: { $0.name == fullName }) else {
                    throw .unknownKey(key: fullName, line: entry.line, path: path)
                }
                do { try key.apply(&config, entry.value) } catch {
                    throw .badValue(key: fullName, line: entry.line, path: path, reason: error.reason)
                }
            }
        }
        try config.applyEnvironment(environment)
        return config
    }

    /// Applies `FEEDWORKER_<SECTION>_<KEY>` overrides; `FEEDWORKER_KAFKA_PROPERTY_<NAME>` sets a
    /// librdkafka property (`_` in NAME become `.`, lower-cased). Other `FEEDWORKER_` variables
    /// that look like config keys but match none are an error (a typo must not pass silently);
    /// `FEEDWORKER_BIN`, `FEEDWORKER_SHARED` and `FEEDWORKER_CONFIG` are not config keys.
    public mutating func applyEnvironment(_ environment: [String: String]) throws(ConfigError) {
        let ignored: Set<String> = ["FEEDWORKER_BIN", "FEEDWORKER_SHARED", "FEEDWORKER_CONFIG"]
        for (variable, raw) in environment.sorted(by: { $0.key < $1.key }) where variable.hasPrefix("FEEDWORKER_") {
            if ignored.contains(variable) { continue }
            let propertyPrefix = "FEEDWORKER_KAFKA_PROPERTY_"
            if variable.hasPrefix(propertyPrefix) {
                let name = String(variable.dropFirst(propertyPrefix.count)).lowercased().replacing("_", with: ".")
                guard !name.isEmpty else { throw .badEnvironment(variable: variable, reason: "no property name") }
                kafka.properties[name] = raw
                continue
            }
            guard let key = ConfigKey.all.first(where: { $0.environmentName == variable }) else {
                throw .badEnvironment(variable: variable, reason: "not a feedworker setting (see Config/feedworker.toml for the names)")
            }
            do { try key.apply(&self, key.valueFromEnvironment(raw)) } catch {
                throw .badEnvironment(variable: variable, reason: error.reason)
            }
        }
    }

    /// The effective configuration as TOML (what `feedworker check-config` prints).
    public func rendered() -> String {
        var out = ""
        var section = ""
        for key in ConfigKey.all {
            let parts = key.name.split(separator: ".", maxSplits: 1)
            if parts[0] != section {
                section = String(parts[0])
                out += (out.isEmpty ? "" : "\n") + "[\(section)]\n"
            }
            out += "\(parts[1]) = \(key.current(self))\n"
        }
        out += "\n[kafka.properties]\n"
        for (k, v) in kafka.properties.sorted(by: { $0.key < $1.key }) {
            out += "\(TOMLValue.quoteKey(k)) = \(TOMLValue.quote(v))\n"
        }
        return out
    }

    /// The librdkafka properties for a client of this worker: passthrough properties, then
    /// `bootstrap.servers` and `client.id` (the dedicated keys win).
    public func kafkaProperties(clientSuffix: String) -> [String: String] {
        var p = kafka.properties
        p["bootstrap.servers"] = kafka.brokers
        p["client.id"] = "\(kafka.clientID)-\(clientSuffix)"
        return p
    }
}

private func readFile(_ path: String) throws(ConfigError) -> String {
    guard let file = fopen(path, "rb") else {
        throw .unreadable(path: path, reason: String(cString: strerror(errno)))
    }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
        let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        if n > 0 { bytes.append(contentsOf: chunk[0..<n]) }
        if n < chunk.count { break }
    }
    guard let text = String(validating: bytes, as: UTF8.self) else {
        throw .unreadable(path: path, reason: "not valid UTF-8")
    }
    return text
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
