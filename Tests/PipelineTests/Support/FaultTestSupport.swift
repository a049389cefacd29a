import Config
import Foundation
import Kafka
import Logging
import Pipeline
import Synchronization
import TestSupport

/// Collects a worker's log lines (level, message, metadata) so a test can assert on what an
/// operator would read.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    /// A logger writing into this capture (and nowhere else).
    func logger(label: String = "feedworker") -> Logger {
        Logger(label: label) { _ in CaptureHandler(capture: self) }
    }

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    /// Every line so far.
    var all: [String] { lines.withLock { $0 } }

    /// Lines containing `text`.
    func matching(_ text: String) -> [String] { all.filter { $0.contains(text) } }

    private struct CaptureHandler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            capture.append("level=\(event.level) msg=\"\(event.message)\" \(fields)")
        }
    }
}

/// A worker running in this process until ``stop()``, whose log is captured and which says
/// whether it is still running (a fault must not stop it unless the design says so).
final class ObservedWorker: Sendable {
    let stats: PipelineStats
    let log = LogCapture()
    let signal = StopSignal()
    private let task: Task<Void, any Error>
    private let ended = EndFlag()

    private final class EndFlag: Sendable {
        let value = Atomic<Bool>(false)
    }

    init(config: FeedworkerConfig, source: any DocumentSource = InlineDocumentSource()) {
        let worker = Worker(config: config, source: source, logger: log.logger())
        stats = worker.stats
        let signal = self.signal
        let ended = self.ended
        task = Task {
            defer { ended.value.store(true, ordering: .relaxed) }
            try await worker.run(stop: signal)
        }
    }

    /// False once `run` returned (stopped or failed).
    var isRunning: Bool { !ended.value.load(ordering: .relaxed) }

    /// Stops the worker and waits; rethrows the error it stopped with, if any.
    func stop() async throws {
        signal.stop()
        try await task.value
    }

    /// Waits for the worker to end on its own (a fault that stops it); the error it ended with,
    /// or nil if it ended cleanly or is still running after `timeout`.
    func endedWithError(timeout: Duration) async -> (any Error)? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while isRunning && clock.now < deadline { try? await Task.sleep(for: .milliseconds(100)) }
        guard !isRunning else { return nil }
        do { try await task.value; return nil } catch { return error }
    }
}

/// Jobs whose articles are known: `count` jobs alternating RSS feeds (3 stories) and HTML pages,
/// ~30% of the mentions repeating an earlier story, with the content hashes a fault-free run
/// publishes (computed here with the worker's own extractor, not by running a worker).
struct KnownJobs {
    var values: [[UInt8]] = []
    var jobIDs: Set<String> = []
    var hashes: Set<String> = []

    init(count: Int, seed: UInt64, firstStory: Int = 0, idPrefix: String = "") throws {
        var rng = SplitMix64(seed: seed)
        var next = firstStory
        func pick() -> Int {
            if next > firstStory + 10 && rng.next() % 10 < 3 { return firstStory + Int(rng.next() % UInt64(next - firstStory)) }
            next += 1
            return next - 1
        }
        let extractor = ArticleCandidateExtractor()
        for j in 0..<count {
            let job: FetchJob
            if j % 2 == 0 {
                let stories = Array(Set((0..<3).map { _ in pick() })).sorted()
                job = FetchJob(jobID: "\(idPrefix)feed-\(j)", url: "https://feeds.example.org/\(idPrefix)\(j).xml", kind: .feed,
                               body: StoryFactory.rss(stories, feed: j))
            } else {
                let n = pick()
                job = FetchJob(jobID: "\(idPrefix)page-\(j)", url: "https://news.example.org/p/\(n)", kind: .page, body: StoryFactory.html(n))
            }
            let document = FetchedDocument(bytes: job.body ?? [], contentType: nil, url: job.url, fetchedAt: nil)
            for candidate in try extractor.candidates(for: job, document: document) {
                hashes.insert(String(decoding: candidate.hash.hexBytes, as: UTF8.self))
            }
            values.append(job.encodeJSON())
            jobIDs.insert(job.jobID)
        }
    }
}

extension KafkaMessage {
    /// The key as text (a content hash for candidates and clean events).
    var keyText: String { String(decoding: key ?? [], as: UTF8.self) }
    /// A header as text.
    func headerText(_ name: String) -> String? { header(name).map { String(decoding: $0, as: UTF8.self) } }
}

extension PipelineFixture {
    /// A fixture on a cluster of `brokers` brokers (the topics' partitions spread over them, one
    /// replica each), for faults that take one broker away. Otherwise as `init(partitions:name:)`.
    init(brokers: Int, partitions: Int32, name: String) throws {
        let prefix = TestBroker.uniqueName(name)
        let config = FeedworkerConfig().namespaced(prefix)
        let broker = try TestBroker(brokers: brokers, topics: Self.topics(of: config, partitions: partitions))
        self.init(broker: broker, config: config, prefix: prefix, partitions: partitions)
    }
}
