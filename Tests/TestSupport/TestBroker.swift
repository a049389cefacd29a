import Foundation
import Kafka
import Testing

/// A private Kafka broker for one test, with topics pre-created, stopped by ``stop()`` (or when
/// released): librdkafka's mock cluster in process (``init(brokers:topics:)``, the default), or a
/// `noida-db` process (``start(_:brokers:topics:)`` with ``BrokerKind/noida``).
///
/// Both serve TCP on loopback on ports of their own, so tests never depend on a broker that
/// happens to be running, and need no free fixed port.
public final class TestBroker: Sendable {
    /// Which broker this is.
    public let kind: BrokerKind
    private let mock: MockKafkaCluster?
    private let noida: NoidaDBProcess?

    /// The mock cluster, for fault injection (broker down/up, request errors). Only the mock has
    /// one: calling this on a noida-db broker is a programming error and traps.
    public var cluster: MockKafkaCluster {
        guard let mock else { preconditionFailure("TestBroker.cluster: only the mock broker has fault injection (this is \(kind))") }
        return mock
    }

    /// `bootstrap.servers` for clients.
    public let bootstrapServers: String

    /// Starts `brokers` mock brokers and creates `topics` (name → partition count).
    public init(brokers: Int = 3, topics: [String: Int32] = [:]) throws {
        let cluster = try MockKafkaCluster(brokers: brokers)
        for (name, partitions) in topics.sorted(by: { $0.key < $1.key }) {
            try cluster.createTopic(name, partitions: partitions)
        }
        kind = .mock
        mock = cluster
        noida = nil
        bootstrapServers = cluster.bootstrapServers
    }

    private init(noida process: NoidaDBProcess) {
        kind = .noida
        mock = nil
        noida = process
        bootstrapServers = process.bootstrapServers
    }

    /// Starts a broker of `kind` and creates `topics` (name → partition count). `brokers` applies
    /// to the mock only (noida-db is one node).
    ///
    /// When noida-db is not installed the test is skipped (cancelled) with a message saying how to
    /// install it, except under CI (`CI=true`), where this throws so that the test fails.
    public static func start(_ kind: BrokerKind, brokers: Int = 3, topics: [String: Int32] = [:]) async throws -> TestBroker {
        switch kind {
        case .mock:
            return try TestBroker(brokers: brokers, topics: topics)
        case .noida:
            let process: NoidaDBProcess
            do {
                process = try NoidaDBProcess()
            } catch NoidaDBProcess.Failure.notInstalled(let searched) where !BrokerKind.isCI {
                // The console shows a cancelled test case as passed, without the comment: say it on stderr too.
                let message = "skipped on noida-db: \(NoidaDBProcess.Failure.notInstalled(searched: searched)) (FEEDWORKER_TEST_BROKER=mock runs the mock only)"
                FileHandle.standardError.write(Data("\(Test.current?.name ?? "test"): \(message)\n".utf8))
                try Test.cancel(Comment(rawValue: message))
            }
            let broker = TestBroker(noida: process)
            do {
                try await broker.createTopics(topics)
            } catch {
                broker.stop()
                throw error
            }
            return broker
        }
    }

    /// Creates `topics` (name → partition count) with topic `config`: on the mock through its
    /// control API, on noida-db through CreateTopics (``KafkaAdmin``). Throws if one fails.
    public func createTopics(_ topics: [String: Int32], config: [String: String] = [:]) async throws {
        if let mock {
            for (name, partitions) in topics.sorted(by: { $0.key < $1.key }) { try mock.createTopic(name, partitions: partitions) }
            return
        }
        guard !topics.isEmpty else { return }
        let admin = try KafkaAdmin(configuration: configuration())
        defer { admin.close() }
        let errors = try await admin.createTopics(topics.sorted(by: { $0.key < $1.key }).map {
            NewTopic(name: $0.key, partitions: $0.value, replicationFactor: 1, config: config)
        })
        if let (name, error) = errors.first { throw TestBrokerError(description: "creating topic \(name) on \(kind): \(error)") }
    }

    /// Client properties for this broker with test-friendly timeouts, plus `extra`.
    public func configuration(_ extra: [String: String] = [:]) -> KafkaConfiguration {
        var config = KafkaConfiguration([
            "bootstrap.servers": bootstrapServers,
            "session.timeout.ms": "6000",
            "heartbeat.interval.ms": "500",
            "topic.metadata.refresh.interval.ms": "1000",
            "log_level": "3",
        ])
        for (k, v) in extra { config[k] = v }
        return config
    }

    /// Stops the brokers. Idempotent.
    public func stop() {
        mock?.shutdown()
        noida?.stop()
    }

    /// A name unique within this process, for topics and groups.
    public static func uniqueName(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }
}

/// A test broker setup failure, with what was being done.
public struct TestBrokerError: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}
