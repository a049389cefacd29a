import Kafka
import Synchronization
import Testing
import TestSupport

/// Produce 10,000 keyed messages with headers, consume them back in a consumer group.
@Suite struct ProduceConsumeTests {
    static let count = 10_000

    @Test(arguments: BrokerKind.selected) func tenThousandKeyedMessagesRoundTripInAGroupInPartitionOrder(on kind: BrokerKind) async throws {
        let topic = "roundtrip"
        let broker = try await TestBroker.start(kind, topics: [topic: 4])
        defer { broker.stop() }

        // Produce in a defined order; remember where the broker put each message.
        let producer = try KafkaProducer(configuration: broker.configuration())
        let reports = Mutex<[Int: DeliveryReport]>([:])
        let failures = Mutex<[KafkaError]>([])
        for i in 0..<Self.count {
            try await producer.enqueue(topic: topic, key: Self.key(i), value: Self.value(i), headers: Self.headers(i)) { result in
                switch result {
                case .success(let report): reports.withLock { $0[i] = report }
                case .failure(let error): failures.withLock { $0.append(error) }
                }
            }
        }
        // And one through `send`, which returns its own report.
        let last = try await producer.send(topic: topic, key: Self.key(Self.count), value: Self.value(Self.count),
                                           headers: Self.headers(Self.count))
        reports.withLock { $0[Self.count] = last }
        try await producer.flush(timeout: .seconds(30))
        await producer.close()
        #expect(failures.withLock { $0 }.isEmpty)
        let delivered = reports.withLock { $0 }
        #expect(delivered.count == Self.count + 1)
        #expect(last.topic == topic && last.offset >= 0 && (0..<4).contains(last.partition))

        // Same key -> same partition (librdkafka's key partitioner), and the keys spread over all 4.
        #expect(Set(delivered.values.map(\.partition)).count == 4)

        let consumer = try KafkaConsumer(configuration: broker.configuration(["group.id": TestBroker.uniqueName("g")]))
        try consumer.subscribe(topics: [topic])
        var byIndex: [Int: KafkaMessage] = [:]
        var lastOffset: [Int32: Int64] = [:]
        var lastIndex: [Int32: Int] = [:]
        var outOfOrder = 0
        for await event in consumer.events {
            switch event {
            case .message(let m):
                let i = try #require(Self.index(of: m))
                byIndex[i] = m
                if let o = lastOffset[m.partition], o >= m.offset { outOfOrder += 1 }
                if let j = lastIndex[m.partition], j >= i { outOfOrder += 1 }
                lastOffset[m.partition] = m.offset
                lastIndex[m.partition] = i
                try consumer.store(m)
            case .partitionsRevoked(let revocation):
                revocation.acknowledge()
            default:
                break
            }
            if byIndex.count == Self.count + 1 { break }
        }
        try await consumer.commit()
        await consumer.close()

        #expect(byIndex.count == Self.count + 1)
        #expect(outOfOrder == 0)
        var mismatches = 0
        for (i, m) in byIndex {
            let report = delivered[i]
            if m.key != Self.key(i) || m.value != Self.value(i) || m.headers != Self.headers(i)
                || report?.partition != m.partition || report?.offset != m.offset || m.topic != topic {
                mismatches += 1
            }
        }
        #expect(mismatches == 0)
    }

    static func key(_ i: Int) -> [UInt8] { Array("key-\(i)".utf8) }
    static func value(_ i: Int) -> [UInt8] { Array("value \(i) ".utf8) + [UInt8](repeating: UInt8(i & 0xff), count: 100) }
    static func headers(_ i: Int) -> [KafkaHeader] {
        [KafkaHeader(key: "seq", string: "\(i)"), KafkaHeader(key: "content-type", string: "application/json"),
         KafkaHeader(key: "empty", value: i % 2 == 0 ? [] : nil)]
    }
    static func index(of m: KafkaMessage) -> Int? {
        m.header("seq").flatMap { Int(String(decoding: $0, as: UTF8.self)) }
    }
}
