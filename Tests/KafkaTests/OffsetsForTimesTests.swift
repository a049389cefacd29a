import Foundation
import Kafka
import Testing
import TestSupport

/// `offsetsForTimes` and message timestamps.
///
/// librdkafka 2.0.2's mock broker keeps no time index: its ListOffsets answers -1 ("end") for every
/// real timestamp and only resolves the logical ones (-2 earliest, -1 latest). So against the mock we
/// test the logical lookups, that explicit producer timestamps round-trip, and pin the mock's
/// behaviour; the exact "first offset at or after T" semantics run on noida-db
/// (NoidaAdminTests.offsetsForTimesUsesTheTimeIndex) and, opt-in, against a real Kafka when
/// `FEEDWORKER_KAFKA_BOOTSTRAP` names one (skipped otherwise).
@Suite struct OffsetsForTimesTests {
    static let t0: Int64 = 1_700_000_000_000

    /// Produces 10 messages to partition 0 with timestamps base, base+1s, ..., base+9s.
    static func produceTimed(_ configuration: KafkaConfiguration, topic: String, base: Int64 = t0) async throws {
        let producer = try KafkaProducer(configuration: configuration)
        for i in 0..<10 {
            _ = try await producer.send(topic: topic, value: [UInt8(i)], partition: 0, timestamp: base + Int64(i) * 1000)
        }
        await producer.close()
    }

    @Test func explicitTimestampsRoundTripAndLogicalLookupsWorkOnTheMock() async throws {
        let broker = try TestBroker(topics: ["times": 1])
        defer { broker.stop() }
        try await Self.produceTimed(broker.configuration(), topic: "times")
        let consumer = try KafkaConsumer(configuration: broker.configuration())
        let partition = [TopicPartition(topic: "times", partition: 0)]

        let earliest = try await consumer.offsetsForTimes(partition, timestamp: KafkaOffset.beginning)
        let latest = try await consumer.offsetsForTimes(partition, timestamp: KafkaOffset.end)
        #expect(earliest.map(\.offset) == [0])
        #expect(latest.map(\.offset) == [10])

        // The mock's limitation, pinned so that a librdkafka upgrade that fixes it is noticed.
        let mid = try await consumer.offsetsForTimes(partition, timestamp: Self.t0 + 3500)
        #expect(mid.map(\.offset) == [KafkaOffset.end], "mock now resolves timestamps: update this test and the docs")

        try consumer.assign([TopicPartitionOffset(topic: "times", partition: 0, offset: KafkaOffset.beginning)])
        var timestamps: [Int64] = []
        for await case .message(let m) in consumer.events {
            timestamps.append(m.timestamp ?? -1)
            if timestamps.count == 10 { break }
        }
        await consumer.close()
        #expect(timestamps == (0..<10).map { Self.t0 + Int64($0) * 1000 })
    }

    static let realBootstrap = ProcessInfo.processInfo.environment["FEEDWORKER_KAFKA_BOOTSTRAP"]

    @Test(.enabled(if: realBootstrap != nil, "set FEEDWORKER_KAFKA_BOOTSTRAP to a real Kafka to run (the mock has no time index)"))
    func firstOffsetAtOrAfterATimestampOnARealBroker() async throws {
        let bootstrap = try #require(Self.realBootstrap)
        let topic = TestBroker.uniqueName("times")
        let admin = try KafkaAdmin(configuration: ["bootstrap.servers": bootstrap])
        let errors = try await admin.createTopics([NewTopic(name: topic, partitions: 1, replicationFactor: 1)])
        #expect(errors.isEmpty)
        try await Self.produceTimed(["bootstrap.servers": bootstrap], topic: topic)
        let consumer = try KafkaConsumer(configuration: ["bootstrap.servers": bootstrap])
        let partition = [TopicPartition(topic: topic, partition: 0)]
        #expect(try await consumer.offsetsForTimes(partition, timestamp: Self.t0 - 1).map(\.offset) == [0])
        #expect(try await consumer.offsetsForTimes(partition, timestamp: Self.t0).map(\.offset) == [0])
        #expect(try await consumer.offsetsForTimes(partition, timestamp: Self.t0 + 3500).map(\.offset) == [4])
        #expect(try await consumer.offsetsForTimes(partition, timestamp: Self.t0 + 9000).map(\.offset) == [9])
        #expect(try await consumer.offsetsForTimes(partition, timestamp: Self.t0 + 9001).map(\.offset) == [KafkaOffset.end])
        await consumer.close()
    }
}
