import Config
import Kafka
import Logging

/// Why the worker refuses to start, or `topics ensure` failed.
public enum TopicSetupError: Error, Sendable, CustomStringConvertible {
    /// Startup check: candidates and clean differ in partition count.
    case partitionMismatch(TopicProblem)
    /// CreateTopics failed for a topic (other than "already exists").
    case createFailed(topic: String, error: KafkaError)

    public var description: String {
        switch self {
        case .partitionMismatch(let problem): "refusing to start: \(problem)"
        case .createFailed(let topic, let error): "creating topic \(topic) failed: \(error)"
        }
    }
}

/// Creates and checks the topics of a config on a cluster: `feedworker topics ensure|check` and
/// the worker's startup check.
public struct TopicManager: Sendable {
    /// The config's topics and rules.
    public let layout: TopicLayout
    private let admin: KafkaAdmin

    /// A manager talking to the cluster through `admin`.
    public init(config: FeedworkerConfig, admin: KafkaAdmin) {
        self.layout = TopicLayout(config: config)
        self.admin = admin
    }

    /// A manager with its own admin client built from `config.kafka` (closed when released).
    public init(config: FeedworkerConfig) throws(KafkaError) {
        let admin = try KafkaAdmin(configuration: KafkaConfiguration(config.kafkaProperties(clientSuffix: "admin")),
                                   logger: Logger(label: "feedworker.kafka.admin"))
        self.init(config: config, admin: admin)
    }

    /// What ``ensure(partitions:replication:)`` did.
    public struct EnsureResult: Sendable, Hashable {
        /// Topics created now.
        public var created: [String]
        /// Topics that already existed (left as they are).
        public var existing: [String]
        /// The check of the cluster after creating.
        public var check: TopicCheckReport
    }

    /// Creates the config's missing topics (``TopicLayout/newTopics(partitions:replication:)``),
    /// leaves existing ones alone, then checks the result.
    public func ensure(partitions: Int32, replication: Int32) async throws -> EnsureResult {
        let existing = Set(try await admin.listTopics().filter { $0.error == nil }.map(\.name))
        let missing = layout.newTopics(partitions: partitions, replication: replication).filter { !existing.contains($0.name) }
        var created: [String] = []
        if !missing.isEmpty {
            let errors = try await admin.createTopics(missing)
            for topic in missing {
                if let error = errors[topic.name], error.codeName != "TOPIC_ALREADY_EXISTS" {
                    throw TopicSetupError.createFailed(topic: topic.name, error: error)
                }
                if errors[topic.name] == nil { created.append(topic.name) }
            }
        }
        let report = try await check(awaitingTopics: created)
        return EnsureResult(created: created, existing: layout.topicNames.filter(existing.contains), check: report)
    }

    /// Checks the cluster against the config: every topic exists, candidates and clean have the
    /// same partition count, clean's compaction or retention covers the dedupe window.
    public func check() async throws -> TopicCheckReport { try await check(awaitingTopics: []) }

    private func check(awaitingTopics created: [String]) async throws -> TopicCheckReport {
        let config = layout.config
        var byName = try await partitionCounts()
        // A just-created topic can take a moment to appear in metadata.
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(10)
        while created.contains(where: { byName[$0] == nil }) && clock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            byName = try await partitionCounts()
        }
        var problems: [TopicProblem] = layout.topicNames.filter { byName[$0] == nil }.map { .missing(topic: $0) }
        if let cp = byName[config.topics.candidates], let kp = byName[config.topics.clean], cp != kp {
            problems.append(.partitionMismatch(candidates: config.topics.candidates, candidatePartitions: cp,
                                               clean: config.topics.clean, cleanPartitions: kp))
        }
        if config.stories.enabled, let n = byName[config.topics.stories], n != 1 {
            problems.append(.storiesPartitions(topic: config.topics.stories, partitions: n))
        }
        var undescribed: [String: String] = [:]
        if byName[config.topics.clean] != nil {
            do {
                if let described = try await admin.describeTopicConfigs([config.topics.clean])[config.topics.clean] {
                    problems += layout.cleanRetentionProblems(described)
                } else {
                    undescribed[config.topics.clean] = "the broker returned no config for it"
                }
            } catch {
                undescribed[config.topics.clean] = "\(error)"
            }
        }
        return TopicCheckReport(partitions: byName.filter { layout.topicNames.contains($0.key) }, problems: problems, undescribed: undescribed)
    }

    /// The startup check: throws ``TopicSetupError/partitionMismatch(_:)`` when candidates and
    /// clean both exist with different partition counts; logs other problems as warnings. Reads
    /// cluster metadata only (listing all topics never auto-creates one).
    public func startupCheck(logger: Logger) async throws {
        let config = layout.config
        let byName = try await partitionCounts()
        if let cp = byName[config.topics.candidates], let kp = byName[config.topics.clean], cp != kp {
            let problem = TopicProblem.partitionMismatch(candidates: config.topics.candidates, candidatePartitions: cp,
                                                         clean: config.topics.clean, cleanPartitions: kp)
            logger.critical("\(problem)")
            throw TopicSetupError.partitionMismatch(problem)
        }
        for name in layout.topicNames where byName[name] == nil {
            logger.warning("\(TopicProblem.missing(topic: name))")
        }
    }

    private func partitionCounts() async throws -> [String: Int] {
        var out: [String: Int] = [:]
        for topic in try await admin.listTopics() where topic.error == nil && !topic.partitions.isEmpty {
            out[topic.name] = topic.partitions.count
        }
        return out
    }
}
