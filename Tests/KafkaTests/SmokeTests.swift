import Kafka
import Testing
import TestSupport

@Suite struct SmokeTests {
    @Test func produceAndConsumeAssigned() async throws {
        let broker = try TestBroker(topics: ["smoke": 2])
        defer { broker.stop() }
        let producer = try KafkaProducer(configuration: broker.configuration())
        var reports: [DeliveryReport] = []
        for i in 0..<10 {
            reports.append(try await producer.send(topic: "smoke", key: Array("k\(i)".utf8), value: Array("v\(i)".utf8),
                                                   headers: [KafkaHeader(key: "h", string: "x\(i)")]))
        }
        await producer.close()
        #expect(reports.count == 10)
        let consumer = try KafkaConsumer(configuration: broker.configuration())
        let marks0 = try await consumer.watermarks(topic: "smoke", partition: 0)
        let marks1 = try await consumer.watermarks(topic: "smoke", partition: 1)
        #expect(marks0.high + marks1.high == 10)
        try consumer.assign([TopicPartitionOffset(topic: "smoke", partition: 0, offset: 0),
                             TopicPartitionOffset(topic: "smoke", partition: 1, offset: 0)])
        var got: [KafkaMessage] = []
        for await event in consumer.events {
            if case .message(let m) = event { got.append(m) }
            if got.count == 10 { break }
        }
        await consumer.close()
        #expect(Set(got.map { String(decoding: $0.value!, as: UTF8.self) }) == Set((0..<10).map { "v\($0)" }))
    }
}
