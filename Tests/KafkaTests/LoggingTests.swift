import Kafka
import Logging
import Synchronization
import Testing
import TestSupport

/// librdkafka's log lines and statistics reach swift-log / the statistics handler.
@Suite struct LoggingTests {
    /// A LogHandler that keeps every message.
    struct CapturingHandler: LogHandler {
        let lines: LineSink
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let facility = event.metadata?["librdkafka.facility"].map { "\($0)" } ?? ""
            lines.value.withLock { $0.append("\(event.level) \(facility) \(event.message)") }
        }
    }

    @Test func logLinesAndStatisticsAreForwarded() async throws {
        let broker = try TestBroker(topics: ["logs": 1])
        defer { broker.stop() }
        let lines = LineSink()
        let logger = Logger(label: "test") { _ in CapturingHandler(lines: lines) }
        let statistics = Mutex<[String]>([])
        let producer = try KafkaProducer(
            configuration: broker.configuration(["log_level": "7", "debug": "broker", "statistics.interval.ms": "100"]),
            logger: logger, statisticsHandler: { json in statistics.withLock { $0.append(json) } })
        _ = try await producer.send(topic: "logs", value: [1])
        try await Task.sleep(for: .milliseconds(400))
        await producer.close()
        let captured = lines.value.withLock { $0 }
        #expect(captured.contains { $0.hasPrefix("debug ") && $0.contains("BROKER") }, "\(captured.prefix(5))")
        let stats = statistics.withLock { $0 }
        #expect(!stats.isEmpty)
        #expect(stats.first?.hasPrefix("{") == true && stats.first?.contains("\"type\": \"producer\"") == true)
    }
}

/// Lines shared between the test and its log handler.
final class LineSink: Sendable {
    let value = Mutex<[String]>([])
}
