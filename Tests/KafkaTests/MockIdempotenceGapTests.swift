import CRdKafka
import Foundation
import Kafka
import Synchronization
import Testing
import TestSupport

/// librdkafka 2.0.2's mock cluster does not check an idempotent producer's sequence numbers (it
/// checks them only for a transactional producer). A real broker refuses a batch that follows a
/// batch it never wrote (`OUT_OF_ORDER_SEQUENCE_NUMBER`); librdkafka relies on that: when a
/// produce request fails with an uncertain outcome (`REQUEST_TIMED_OUT`, a dropped connection...)
/// and a later request of the same partition succeeds, it takes the earlier messages as written
/// and reports them delivered ("implicitly acked", offset -1001). On the mock they were not
/// written: with several produce requests in flight per connection, an injected produce error
/// loses acknowledged messages. With one request in flight, the failed request is retried before
/// anything after it is sent, and nothing acknowledged is lost.
///
/// So a test that injects produce errors on the mock and checks "nothing lost" must give the
/// producers under test `max.in.flight.requests.per.connection=1` (``BrokerFaultTests`` does);
/// the gap is the mock's, not the worker's (issue 11: one job in ~3 of 7 runs had no candidate,
/// its candidates acknowledged at offset -1001).
@Suite(.serialized) struct MockIdempotenceGapTests {
    /// Produces 6,000 messages to six partitions, pushing 40 retriable produce errors
    /// (NOT_LEADER_FOR_PARTITION, REQUEST_TIMED_OUT) along the way, so that they meet requests with
    /// others in flight behind them; returns the acknowledged keys missing from the topic.
    private func ackedButMissing(maxInFlight: Int) async throws -> (acked: Int, missing: [String: DeliveryReport]) {
        let broker = try TestBroker(brokers: 3, topics: ["gap": 6])
        defer { broker.stop() }
        let producer = try KafkaProducer(configuration: broker.configuration([
            "max.in.flight.requests.per.connection": "\(maxInFlight)",
        ]))
        _ = try await producer.send(topic: "gap", key: Array("warm-up".utf8), value: [0]) // connected, metadata known
        let acked = Mutex<[String: DeliveryReport]>([:])
        let failed = Mutex(0)
        let value = [UInt8](repeating: 120, count: 1000)
        for batch in 0..<300 {
            if batch % 60 == 30 {
                try broker.cluster.pushRequestErrors(apiKey: 0, code: RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION.rawValue, count: 4)
                try broker.cluster.pushRequestErrors(apiKey: 0, code: RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT.rawValue, count: 4)
            }
            for j in 0..<20 {
                let key = "m\(batch * 20 + j)"
                try await producer.enqueue(topic: "gap", key: Array(key.utf8), value: value) { result in
                    switch result {
                    case .success(let report): acked.withLock { $0[key] = report }
                    case .failure: failed.withLock { $0 += 1 }
                    }
                }
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        try await producer.flush(timeout: .seconds(30))
        await producer.close()
        #expect(failed.withLock { $0 } == 0, "retriable errors are retried, not reported")

        let reader = try KafkaConsumer(configuration: broker.configuration(["enable.partition.eof": "true"]))
        var highs: [Int32: Int64] = [:]
        for p in Int32(0)..<6 { highs[p] = try await reader.watermarks(topic: "gap", partition: p).high }
        try reader.assign((Int32(0)..<6).map { TopicPartitionOffset(topic: "gap", partition: $0, offset: KafkaOffset.beginning) })
        var written: Set<String> = []
        var done: Set<Int32> = highs.filter { $0.value == 0 }.reduce(into: []) { $0.insert($1.key) }
        if done.count < 6 {
            for await event in reader.events {
                switch event {
                case .message(let m):
                    written.insert(String(decoding: m.key ?? [], as: UTF8.self))
                    if m.offset + 1 >= highs[m.partition]! { done.insert(m.partition) }
                case .endOfPartition(let at):
                    if at.offset >= highs[at.partition]! { done.insert(at.partition) }
                default: break
                }
                if done.count == 6 { break }
            }
        }
        await reader.close()
        let all = acked.withLock { $0 }
        return (all.count, all.filter { !written.contains($0.key) })
    }

    @Test func oneRequestInFlightLosesNothingAcknowledged() async throws {
        let (acked, missing) = try await ackedButMissing(maxInFlight: 1)
        #expect(acked == 6000)
        #expect(missing.isEmpty, "acknowledged but not in the topic: \(missing.count), e.g. \(missing.prefix(5).map { "\($0.key) \($0.value)" })")
    }

    /// The gap itself (librdkafka's default of 5 requests in flight with idempotence): kept as a
    /// known issue, so a librdkafka whose mock checks sequences shows up here as the issue gone.
    @Test func severalRequestsInFlightLoseImplicitlyAckedMessagesOnTheMock() async throws {
        let (_, missing) = try await ackedButMissing(maxInFlight: 5)
        withKnownIssue("librdkafka 2.0.2 mock: no sequence check for idempotent producers; implicitly acked messages were never written", isIntermittent: true) {
            #expect(missing.isEmpty, "acknowledged but not in the topic: \(missing.count)")
        }
        // What such a message looks like to the producer: delivered, without an offset.
        #expect(missing.values.allSatisfy { $0.offset < 0 })
    }
}
