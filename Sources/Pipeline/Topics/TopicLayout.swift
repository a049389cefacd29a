import Config
import Kafka

/// The topics a config uses and what each must be: the plan behind `feedworker topics ensure` and
/// the rules behind `topics check` and the worker's startup check.
///
/// - fetch jobs, candidates and clean: `partitions` each. Candidates and clean must have the same
///   count: the dedupe stage keeps the hashes of candidates partition *p* in clean partition *p*.
/// - clean: compacted (`cleanup.policy=compact`; the key is the content hash), so that the dedupe
///   store's changelog outlives the dedupe window (`store.retention_days`).
/// - stories (only with `stories.enabled`): exactly one partition, compacted.
/// - DLQ and retry: one partition each is enough for their traffic; `ensure` gives them
///   `partitions` too, so that a retry stage scales like the extract stage.
public struct TopicLayout: Sendable, Hashable {
    /// The config whose `[topics]` and `[store]` this describes.
    public let config: FeedworkerConfig

    /// The layout of `config`.
    public init(config: FeedworkerConfig) { self.config = config }

    /// The dedupe window (`store.retention_days`) in milliseconds: clean must keep records at least this long.
    public var dedupeWindowMilliseconds: Int64 { Int64(config.store.retentionDays) * 86_400_000 }

    /// Every topic the worker uses, in a stable order, without duplicates.
    public var topicNames: [String] {
        var seen: Set<String> = []
        let stories = config.stories.enabled ? [config.topics.stories] : []
        return ([config.topics.fetchJobs, config.topics.candidates, config.topics.clean, config.topics.dlq, config.topics.retry] + stories)
            .filter { seen.insert($0).inserted }
    }

    /// The topics to create on an empty cluster, with `partitions` partitions and replication
    /// factor `replication` (-1: the broker's default).
    public func newTopics(partitions: Int32, replication: Int32) -> [NewTopic] {
        topicNames.map { name in
            // Stories: one partition (its owner is the single story decider), compacted like clean
            // (each content hash is decided once, and the topic is the story store's changelog).
            let isStories = config.stories.enabled && name == config.topics.stories
            return NewTopic(name: name, partitions: isStories ? 1 : partitions, replicationFactor: replication,
                            config: name == config.topics.clean || isStories ? ["cleanup.policy": "compact"] : [:])
        }
    }

    /// Clean's retention rules against the dedupe window: `described` is clean's config. A
    /// compact-only policy keeps the latest record per hash forever; with `delete`, retention.ms
    /// must be -1 or at least the window (absent: Kafka's default of 7 days), and retention.bytes -1.
    public func cleanRetentionProblems(_ described: TopicConfig) -> [TopicProblem] {
        let policy = described.entries["cleanup.policy"] ?? "delete"
        let policies = Set(policy.split(separator: ",").map { String($0.filter { $0 != " " }) })
        guard policies.contains("delete") else { return [] } // compact only: keeps the latest per hash forever
        var problems: [TopicProblem] = []
        let window = dedupeWindowMilliseconds
        // Absent: Kafka's default, 7 days.
        if let ms = Int64(described.entries["retention.ms"] ?? "604800000"), ms >= 0, ms < window {
            problems.append(.cleanRetentionTooShort(topic: described.name, cleanupPolicy: policy, retentionMilliseconds: ms, windowMilliseconds: window))
        }
        if let bytes = described.entries["retention.bytes"].flatMap({ Int64($0) }), bytes >= 0 {
            problems.append(.cleanRetentionBytes(topic: described.name, bytes: bytes))
        }
        return problems
    }
}

/// Something `topics check` found wrong with a cluster's topics.
public enum TopicProblem: Sendable, Hashable, CustomStringConvertible {
    /// A topic of the config does not exist.
    case missing(topic: String)
    /// Candidates and clean have different partition counts (breaks exact dedupe silently).
    case partitionMismatch(candidates: String, candidatePartitions: Int, clean: String, cleanPartitions: Int)
    /// Clean is not compacted and deletes records sooner than the dedupe window.
    case cleanRetentionTooShort(topic: String, cleanupPolicy: String, retentionMilliseconds: Int64, windowMilliseconds: Int64)
    /// Clean deletes by size (`retention.bytes`), which can drop records inside the dedupe window.
    case cleanRetentionBytes(topic: String, bytes: Int64)
    /// The stories topic (with `stories.enabled`) has more than one partition.
    case storiesPartitions(topic: String, partitions: Int)

    /// Whether the worker refuses to start on this problem (only the partition mismatch: the
    /// others are visible at run time as changelog gaps or missing-topic errors).
    public var isFatalAtStartup: Bool {
        if case .partitionMismatch = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .missing(let topic):
            "topic \(topic) does not exist (feedworker topics ensure creates it)"
        case .partitionMismatch(let candidates, let cp, let clean, let kp):
            "\(candidates) has \(cp) partitions but \(clean) has \(kp): they must be equal (the dedupe store of candidates partition p is clean partition p); recreate \(clean) with \(cp) partitions"
        case .cleanRetentionTooShort(let topic, let policy, let ms, let window):
            "\(topic) has cleanup.policy=\(policy) and retention.ms=\(ms) (\(Self.days(ms))), shorter than the dedupe window store.retention_days (\(Self.days(window))): set cleanup.policy=compact or retention.ms >= \(window)"
        case .storiesPartitions(let topic, let n):
            "\(topic) has \(n) partitions: the story stage needs exactly 1 (its owner is the single story decider); recreate it with 1 partition"
        case .cleanRetentionBytes(let topic, let bytes):
            "\(topic) has cleanup.policy with delete and retention.bytes=\(bytes): size-based deletion can drop hashes inside the dedupe window; set retention.bytes=-1 or cleanup.policy=compact"
        }
    }

    private static func days(_ ms: Int64) -> String {
        let days = Double(ms) / 86_400_000
        return days == days.rounded() ? "\(Int64(days)) days" : "\((days * 100).rounded() / 100) days"
    }
}

/// The outcome of checking a cluster's topics against a config.
public struct TopicCheckReport: Sendable, Hashable {
    /// Partition counts of the config's topics that exist.
    public var partitions: [String: Int]
    /// What is wrong; empty when the cluster fits the config.
    public var problems: [TopicProblem]
    /// Topics whose configs could not be described (the broker refused DescribeConfigs), with why.
    public var undescribed: [String: String]

    /// Whether nothing is wrong.
    public var isOK: Bool { problems.isEmpty }
}
