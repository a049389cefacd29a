import Config
import Foundation
import Kafka
import Pipeline
import Testing
import TestSupport

/// Topics, groups and a store directory unique to one test, on one test broker.
struct PipelineFixture {
    let broker: TestBroker
    var config: FeedworkerConfig
    let partitions: Int32

    init(partitions: Int32 = 4, name: String = "pl") throws {
        let prefix = TestBroker.uniqueName(name)
        let config = FeedworkerConfig().namespaced(prefix)
        let broker = try TestBroker(brokers: 1, topics: Self.topics(of: config, partitions: partitions))
        self.init(broker: broker, config: config, prefix: prefix, partitions: partitions)
    }

    /// The same fixture on a broker of `kind` (``BrokerKind/selected`` in parameterized tests).
    static func start(on kind: BrokerKind, partitions: Int32 = 4, name: String = "pl") async throws -> PipelineFixture {
        let prefix = TestBroker.uniqueName(name)
        let config = FeedworkerConfig().namespaced(prefix)
        let broker = try await TestBroker.start(kind, brokers: 1, topics: topics(of: config, partitions: partitions))
        return PipelineFixture(broker: broker, config: config, prefix: prefix, partitions: partitions)
    }

    static func topics(of config: FeedworkerConfig, partitions: Int32) -> [String: Int32] {
        [config.topics.fetchJobs: partitions, config.topics.candidates: partitions, config.topics.clean: partitions,
         config.topics.dlq: 1, config.topics.retry: 1]
    }

    /// The fixture's settings (short session timeout, fast metadata refresh, a store directory of
    /// its own, no known-candidates cache) on `broker`, which serves `topics(of: config, partitions:)`.
    init(broker: TestBroker, config: FeedworkerConfig, prefix: String, partitions: Int32) {
        var config = config
        self.broker = broker
        config.kafka.brokers = broker.bootstrapServers
        config.kafka.properties = [
            "session.timeout.ms": "6000", "heartbeat.interval.ms": "500",
            "topic.metadata.refresh.interval.ms": "1000", "log_level": "3",
        ]
        config.store.path = NSTemporaryDirectory() + "feedworker-pipeline-tests/\(prefix)"
        config.worker.shutdownTimeout = .seconds(15)
        config.worker.maxInFlightJobs = 64
        // Off unless a test turns it on: most tests read the candidates topic back or count the
        // dedupe stage's duplicates, and with the cache which repeats reach that topic depends on
        // timing. `KnownCandidatesTests` and the repeat and kill -9 tests run with it on.
        config.worker.knownCandidates = 0
        config.metrics.interval = .seconds(1) // exercises the lag reporters
        self.config = config
        self.partitions = partitions
    }

    /// Produces raw job values (keyed by index) and waits for every acknowledgement.
    func produce(_ values: [[UInt8]], topic: String? = nil) async throws {
        let producer = try KafkaProducer(configuration: broker.configuration())
        for start in stride(from: 0, to: values.count, by: 500) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in start..<min(start + 500, values.count) {
                    group.addTask { _ = try await producer.send(topic: topic ?? config.topics.fetchJobs, key: Array("k\(i)".utf8), value: values[i]) }
                }
                try await group.waitForAll()
            }
        }
        await producer.close()
    }

    /// Every message of `topic` (all partitions, beginning to the current high watermark).
    func readAll(_ topic: String, partitions: Int32? = nil) async throws -> [KafkaMessage] {
        let count = partitions ?? (topic == config.topics.dlq || topic == config.topics.retry ? 1 : self.partitions)
        let consumer = try KafkaConsumer(configuration: broker.configuration(["enable.partition.eof": "true"]))
        defer { Task { await consumer.close() } }
        var highs: [Int32: Int64] = [:]
        var starts: [TopicPartitionOffset] = []
        for p in 0..<count {
            let marks = try await consumer.watermarks(topic: topic, partition: p)
            if marks.high > marks.low { highs[p] = marks.high }
            starts.append(TopicPartitionOffset(topic: topic, partition: p, offset: KafkaOffset.beginning))
        }
        if highs.isEmpty { return [] }
        try consumer.assign(starts)
        var out: [KafkaMessage] = []
        var done: Set<Int32> = []
        for await event in consumer.events {
            switch event {
            case .message(let m):
                out.append(m)
                if let h = highs[m.partition], m.offset >= h - 1 { done.insert(m.partition) }
            case .endOfPartition(let at):
                if let h = highs[at.partition], at.offset >= h { done.insert(at.partition) }
            default: break
            }
            if done.count == highs.count { break }
        }
        await consumer.close()
        return out
    }

    /// Waits (polling) until `condition` holds, up to `timeout`; returns whether it held.
    func eventually(timeout: Duration = .seconds(60), _ condition: () async throws -> Bool) async rethrows -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return try await condition()
    }
}

/// A worker running in this process until ``stop()``.
final class RunningWorker: Sendable {
    let stats: PipelineStats
    let signal = StopSignal()
    private let task: Task<Void, any Error>

    init(config: FeedworkerConfig) {
        let worker = Worker(config: config)
        stats = worker.stats
        let signal = self.signal
        task = Task { try await worker.run(stop: signal) }
    }

    func stop() async throws {
        signal.stop()
        try await task.value
    }
}

/// The content hashes (hex) the production extractor gives the inline bodies of `values` (job
/// messages): what their candidates and clean events are keyed by.
func contentHashes(ofJobs values: [[UInt8]]) throws -> Set<String> {
    var out = Set<String>()
    for value in values {
        let job = try FetchJob.decode(value, maxBodyBytes: 1 << 24)
        let document = FetchedDocument(bytes: job.body ?? [], contentType: nil, url: job.url, fetchedAt: nil)
        for c in try ArticleCandidateExtractor().candidates(for: job, document: document) { out.insert(c.hash.hex) }
    }
    return out
}

/// Deterministic documents for many-job tests: stories rendered as RSS feed items, HTML article
/// pages and plain-text page dumps, with story texts that differ in every sentence.
enum StoryFactory {
    static let words = ["harbor", "council", "river", "budget", "school", "railway", "festival", "bridge", "market",
                        "library", "orchard", "museum", "tunnel", "garden", "stadium", "clinic", "factory", "island",
                        "valley", "airport", "canal", "theater", "village", "forest", "castle", "highway", "museum"]

    static func title(_ n: Int) -> String {
        "Story \(n): the \(words[n % words.count]) of \(words[(n / 3) % words.count]) district number \(n * 7 + 3)"
    }

    static func paragraph(_ n: Int, _ k: Int) -> String {
        var s: [String] = []
        for i in 0..<5 {
            let a = words[(n + i * 5 + k) % words.count], b = words[(n * 3 + i + k * 2) % words.count]
            s.append("Officials in area \(n)-\(k)-\(i) said the \(a) near the \(b) would reopen after \(n % 50 + i + 2) weeks of work by local crews.")
        }
        return s.joined(separator: " ")
    }

    static func body(_ n: Int) -> [String] { (0..<3).map { paragraph(n, $0) } }

    static func rss(_ stories: [Int], feed: Int) -> [UInt8] {
        var x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Feed \(feed)</title><link>https://feeds.example.org/\(feed)</link><description>Test feed \(feed)</description>\n"
        for n in stories {
            x += "<item><title>\(title(n))</title><link>https://news.example.org/story/\(n)</link><guid>story-\(n)</guid>"
            x += "<pubDate>Tue, 04 Mar 2025 10:\(String(format: "%02d", n % 60)):00 GMT</pubDate>"
            x += "<description>\(body(n).joined(separator: " "))</description></item>\n"
        }
        return Array((x + "</channel></rss>\n").utf8)
    }

    static func html(_ n: Int) -> [UInt8] {
        var x = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>\(title(n))</title></head><body>"
        x += "<nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav><article><h1>\(title(n))</h1>"
        for p in body(n) { x += "<p>\(p)</p>" }
        x += "</article><footer>Contact us</footer></body></html>"
        return Array(x.utf8)
    }
}
