import ArgumentParser
import Benchmarks

/// `feedworker bench kafka`: produce, consume and consume→produce passthrough on an in-process mock cluster.
struct BenchKafkaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka",
        abstract: "Kafka layer throughput on an in-process mock cluster: produce, consume, passthrough with commits.",
        discussion: """
        Starts librdkafka's mock cluster (3 brokers, loopback TCP), then measures in one run:

        produce: KafkaProducer.enqueue of N messages (idempotent, linger.ms=5) until all are acknowledged, after one untimed warm-up message.

        consume: KafkaConsumer (assign mode) reading the N+1 messages through its event stream.

        passthrough: group consumer to producer on a second topic, each input offset stored after its output was acknowledged, commit every 10,000 messages and at the end; timed from the partition assignment (the ~3 s group join excluded) to the last commit.

        Baselines beside them: the same produce and consume driven by raw librdkafka calls (no per-message Swift continuation, no event buffer). The partition count keeps each partition under ~3 MB (the mock keeps ~5 MB per partition).

        """
    )

    @Option(name: .long, help: "Number of messages.")
    var messages: Int = 100_000

    @Option(name: .long, help: "Value size in bytes.")
    var size: Int = 1024

    func validate() throws {
        guard messages >= 1 else { throw ValidationError("--messages must be >= 1") }
        guard size >= 0 && size <= 1 << 20 else { throw ValidationError("--size must be within 0...1048576") }
    }

    func run() async throws {
        do {
            try await KafkaBenchmark(.init(messages: messages, valueSize: size)).run(report: { print($0) })
        } catch let error as BenchmarkError {
            throw ValidationError(error.description)
        }
    }
}
