import Foundation
import Kafka

/// A private Kafka broker for one test: librdkafka's mock cluster serving TCP on loopback, with
/// topics pre-created, stopped by ``stop()`` (or when released).
///
/// Runs in-process (it still speaks the Kafka protocol over 127.0.0.1 sockets), so tests never
/// depend on a broker that happens to be running, and need no free fixed port.
public final class TestBroker: Sendable {
    /// The cluster, for fault injection (broker down/up, request errors).
    public let cluster: MockKafkaCluster

    /// `bootstrap.servers` for clients.
    public var bootstrapServers: String { cluster.bootstrapServers }

    /// Starts `brokers` brokers and creates `topics` (name → partition count).
    public init(brokers: Int = 3, topics: [String: Int32] = [:]) throws {
        cluster = try MockKafkaCluster(brokers: brokers)
        for (name, partitions) in topics.sorted(by: { $0.key < $1.key }) {
            try cluster.createTopic(name, partitions: partitions)
        }
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
    public func stop() { cluster.shutdown() }

    /// A name unique within this process, for topics and groups.
    public static func uniqueName(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }
}
