import Foundation
import Kafka
import Logging
import Synchronization

/// Produce, consume and consume→produce passthrough through the Kafka layer on an in-process mock
/// cluster (3 brokers, loopback TCP), beside raw librdkafka produce and consume (for
/// `feedworker bench kafka`).
///
/// - produce: `KafkaProducer.enqueue` of N messages (idempotent, linger.ms=5) until all are
///   acknowledged, after one untimed warm-up message.
/// - consume: `KafkaConsumer` (assign mode) reading the N+1 messages through its event stream.
/// - passthrough: group consumer to producer on a second topic, each input offset stored after its
///   output was acknowledged, commit every 10,000 messages and at the end; timed from the partition
///   assignment (the ~3 s group join excluded) to the last commit.
public struct KafkaBenchmark: Sendable {
    /// What to measure.
    public struct Options: Sendable, Equatable {
        /// Number of messages: at least 1.
        public var messages: Int
        /// Value size in bytes: within 0...1048576.
        public var valueSize: Int

        /// Creates the options.
        public init(messages: Int, valueSize: Int) {
            self.messages = messages
            self.valueSize = valueSize
        }
    }

    /// The options this benchmark runs with.
    public let options: Options

    /// Creates the benchmark.
    public init(_ options: Options) { self.options = options }

    /// Starts the mock cluster, measures, and hands each printable line to `report`, in order.
    /// - Throws: ``BenchmarkError/deliveriesFailed(count:)``, ``BenchmarkError/consumeIncomplete(messages:bytes:)``
    ///   or ``BenchmarkError/passthroughIncomplete(acknowledged:expected:)`` when a phase loses
    ///   messages, and the Kafka layer's errors.
    public func run(report: (String) -> Void) async throws {
        let messages = options.messages, size = options.valueSize
        var logger = Logger(label: "feedworker.bench.kafka")
        logger.logLevel = .warning
        let cluster = try MockKafkaCluster(brokers: 3, logger: logger)
        defer { cluster.shutdown() }
        let partitions = Int32(max(6, messages * (size + 64) / (3 << 20) + 1))
        for name in ["bench.in", "bench.out", "bench.raw"] {
            try cluster.createTopic(name, partitions: partitions)
        }
        let base: KafkaConfiguration = ["bootstrap.servers": cluster.bootstrapServers, "log_level": "3",
                                        "session.timeout.ms": "6000", "heartbeat.interval.ms": "500"]
        let value = [UInt8](repeating: 0x61, count: size)
        report("feedworker bench kafka: \(messages) messages x \(size) B, \(partitions) partitions, mock cluster 3 brokers")

        // Baseline produce (raw librdkafka).
        let rawProduce = RawLibrdkafkaBaseline.produce(configuration: base, topic: "bench.raw", partitions: partitions,
                                                       count: messages, size: size)

        // Produce through KafkaProducer.
        let producer = try KafkaProducer(configuration: base, logger: logger)
        let failures = Atomic<Int>(0)
        // One warm-up message (connections, metadata, producer id) outside the timing; every phase
        // below therefore handles `total` = N + 1 messages.
        _ = try await producer.send(topic: "bench.in", key: Array("warm-up".utf8), value: value, partition: 0)
        let total = messages + 1
        let clock = ContinuousClock()
        var start = clock.now
        for i in 0..<messages {
            try await producer.enqueue(topic: "bench.in", key: Array("k\(i)".utf8), value: value,
                                       partition: Int32(i) % partitions) { result in
                if case .failure = result { failures.add(1, ordering: .relaxed) }
            }
        }
        try await producer.flush(timeout: .seconds(120))
        let produceTime = clock.now - start
        guard failures.load(ordering: .relaxed) == 0 else {
            throw BenchmarkError.deliveriesFailed(count: failures.load(ordering: .relaxed))
        }

        // Baseline consume (raw librdkafka).
        let rawConsume = RawLibrdkafkaBaseline.consume(configuration: base, topic: "bench.in", partitions: partitions, count: total)

        // Consume through KafkaConsumer (assign mode).
        let consumer = try KafkaConsumer(configuration: base, logger: logger)
        start = clock.now
        try consumer.assign((0..<partitions).map { TopicPartitionOffset(topic: "bench.in", partition: $0, offset: KafkaOffset.beginning) })
        var received = 0
        var checksum = 0
        for await event in consumer.events {
            guard case .message(let m) = event else { continue }
            received += 1
            checksum &+= m.value?.count ?? 0
            if received == total { break }
        }
        let consumeTime = clock.now - start
        await consumer.close()
        guard received == total, checksum == total * size else {
            throw BenchmarkError.consumeIncomplete(messages: received, bytes: checksum)
        }

        // Passthrough: group consumer -> producer, store after ack, periodic commits.
        var groupConfig = base
        groupConfig["group.id"] = "bench-passthrough"
        let group = try KafkaConsumer(configuration: groupConfig, logger: logger)
        try group.subscribe(topics: ["bench.in"])
        let acknowledged = Atomic<Int>(0)
        let passFailures = Atomic<Int>(0)
        var forwarded = 0
        var commits = 0
        start = clock.now
        var started = false
        for await event in group.events {
            switch event {
            case .partitionsAssigned:
                // Timing starts at the assignment (after the ~3 s group join), fetches included.
                if !started { start = clock.now; started = true }
            case .message(let m):
                let topic = m.topic, partition = m.partition, offset = m.offset
                try await producer.enqueue(topic: "bench.out", key: m.key, value: m.value, headers: m.headers,
                                           partition: partition) { result in
                    switch result {
                    case .success:
                        // Same input and output partition: acknowledgements arrive in offset order.
                        try? group.storeOffset(topic: topic, partition: partition, offset: offset)
                        acknowledged.add(1, ordering: .relaxed)
                    case .failure:
                        passFailures.add(1, ordering: .relaxed)
                    }
                }
                forwarded += 1
                if forwarded % 10_000 == 0 {
                    try await group.commit()
                    commits += 1
                }
            case .partitionsRevoked(let revocation):
                revocation.acknowledge()
            default:
                break
            }
            if forwarded == total { break }
        }
        try await producer.flush(timeout: .seconds(120))
        try await group.commit()
        commits += 1
        let passTime = clock.now - start
        await group.close()
        await producer.close()
        guard acknowledged.load(ordering: .relaxed) == total, passFailures.load(ordering: .relaxed) == 0 else {
            throw BenchmarkError.passthroughIncomplete(acknowledged: acknowledged.load(ordering: .relaxed), expected: total)
        }

        func line(_ name: String, _ t: Duration?) -> String {
            guard let t else { return "\(name.padding(toLength: 34, withPad: " ", startingAt: 0)) failed" }
            let s = t.inSeconds
            let rate = Double(messages) / s
            let mb = rate * Double(size) / 1_048_576
            return "\(name.padding(toLength: 34, withPad: " ", startingAt: 0)) \(String(format: "%9.0f msgs/s %8.1f MB/s  (%.2f s)", rate, mb, s))"
        }
        report(line("produce (KafkaProducer)", produceTime))
        report(line("  baseline: raw librdkafka produce", rawProduce))
        report(line("consume (KafkaConsumer)", consumeTime))
        report(line("  baseline: raw librdkafka consume", rawConsume))
        report(line("passthrough (consume->produce)", passTime) + "  \(commits) commits")
    }
}
