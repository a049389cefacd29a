import Foundation
import Kafka
import Testing
import TestSupport

/// What librdkafka's mock cluster cannot do, on noida-db (``BrokerKind/selectedReal``): CreateTopics
/// with partition counts and configs, DescribeConfigs, DeleteRecords, and `offsetsForTimes` through
/// the broker's time index. Skipped (or failed, under CI) when noida-db is not installed.
@Suite struct NoidaAdminTests {
    @Test(arguments: BrokerKind.selectedReal)
    func createTopicsThenListAndDescribeThem(on kind: BrokerKind) async throws {
        let broker = try await TestBroker.start(kind)
        defer { broker.stop() }
        let admin = try KafkaAdmin(configuration: broker.configuration())
        defer { admin.close() }
        let errors = try await admin.createTopics([
            NewTopic(name: "made.compact", partitions: 4, replicationFactor: 1, config: ["cleanup.policy": "compact"]),
            NewTopic(name: "made.retained", partitions: 2, replicationFactor: 1, config: ["retention.ms": "86400000"]),
        ])
        #expect(errors.isEmpty, "\(errors)")

        let topics = try await admin.listTopics()
        #expect(topics.first { $0.name == "made.compact" }?.partitions.map(\.id) == [0, 1, 2, 3])
        #expect(topics.first { $0.name == "made.retained" }?.partitions.count == 2)
        #expect(topics.allSatisfy { $0.partitions.allSatisfy { $0.leader >= 0 } })

        let configs = try await admin.describeTopicConfigs(["made.compact", "made.retained"])
        #expect(configs["made.compact"]?.entries["cleanup.policy"] == "compact", "\(configs)")
        #expect(configs["made.retained"]?.entries["retention.ms"] == "86400000", "\(configs)")

        // Creating it again is a per-topic error, not a failed request.
        let again = try await admin.createTopics([NewTopic(name: "made.compact", partitions: 4, replicationFactor: 1)])
        #expect(again["made.compact"]?.codeName == "TOPIC_ALREADY_EXISTS", "\(again)")
        // Describing a topic that does not exist throws its error.
        await #expect(throws: KafkaError.self) { _ = try await admin.describeTopicConfigs(["no.such.topic"]) }
    }

    @Test(arguments: BrokerKind.selectedReal)
    func deleteRecordsMovesTheLowWatermark(on kind: BrokerKind) async throws {
        let broker = try await TestBroker.start(kind, topics: ["trimmed": 2])
        defer { broker.stop() }
        let producer = try KafkaProducer(configuration: broker.configuration())
        for i in 0..<20 { _ = try await producer.send(topic: "trimmed", value: [UInt8(i)], partition: Int32(i % 2)) }
        await producer.close()
        let admin = try KafkaAdmin(configuration: broker.configuration())
        defer { admin.close() }
        let result = try await admin.deleteRecords(before: [TopicPartitionOffset(topic: "trimmed", partition: 0, offset: 6)])
        #expect(result.map(\.offset) == [6] && result.allSatisfy { $0.error == nil }, "\(result)")

        let consumer = try KafkaConsumer(configuration: broker.configuration())
        #expect(try await consumer.watermarks(topic: "trimmed", partition: 0) == Watermarks(low: 6, high: 10))
        #expect(try await consumer.watermarks(topic: "trimmed", partition: 1) == Watermarks(low: 0, high: 10))
        // Reading from the beginning starts at the new low watermark.
        try consumer.assign([TopicPartitionOffset(topic: "trimmed", partition: 0, offset: KafkaOffset.beginning)])
        var first: KafkaMessage?
        for await case .message(let m) in consumer.events { first = m; break }
        #expect(first?.offset == 6)
        #expect(first?.value == [12])
        await consumer.close()
    }

    /// The first offset at or after a timestamp, through the broker's time index (the mock answers
    /// -1 for every real timestamp: OffsetsForTimesTests pins that).
    @Test(arguments: BrokerKind.selectedReal)
    func offsetsForTimesUsesTheTimeIndex(on kind: BrokerKind) async throws {
        let broker = try await TestBroker.start(kind, topics: ["times": 1])
        defer { broker.stop() }
        // Timestamps of a minute ago, not 2023's t0: noida-db applies time retention (7 days by
        // default) to every record, the newest included, so records stamped in 2023 disappeared
        // (low watermark = high watermark) when its cleaner ran mid-test in a slow run. Kafka never
        // deletes the active segment.
        let t0 = (Int64(Date().timeIntervalSince1970) - 60) * 1000
        try await OffsetsForTimesTests.produceTimed(broker.configuration(), topic: "times", base: t0)
        let consumer = try KafkaConsumer(configuration: broker.configuration())
        let partition = [TopicPartition(topic: "times", partition: 0)]
        #expect(try await consumer.offsetsForTimes(partition, timestamp: t0 - 1).map(\.offset) == [0])
        #expect(try await consumer.offsetsForTimes(partition, timestamp: t0).map(\.offset) == [0])
        #expect(try await consumer.offsetsForTimes(partition, timestamp: t0 + 3500).map(\.offset) == [4])
        #expect(try await consumer.offsetsForTimes(partition, timestamp: t0 + 9000).map(\.offset) == [9])
        #expect(try await consumer.offsetsForTimes(partition, timestamp: t0 + 9001).map(\.offset) == [KafkaOffset.end])
        #expect(try await consumer.offsetsForTimes(partition, timestamp: KafkaOffset.beginning).map(\.offset) == [0])
        #expect(try await consumer.offsetsForTimes(partition, timestamp: KafkaOffset.end).map(\.offset) == [10])
        await consumer.close()
    }
}
