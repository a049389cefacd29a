import Articles
import Config
import Foundation
import Kafka
import Logging
import Normalization

/// Why the embedded demo could not run.
public enum DemoError: Error, Sendable, CustomStringConvertible {
    /// The samples directory does not exist or is not readable.
    case samplesMissing(path: String)
    /// The directory holds no sample document.
    case noSamples(path: String)
    /// Not every job was accounted for in time.
    case timedOut(after: Duration, stats: String)

    public var description: String {
        switch self {
        case .samplesMissing(let path):
            return "samples directory \(path) not found (run from the repository root, or pass --samples DIR)"
        case .noSamples(let path):
            return "no sample documents (.xml, .json, .html, .txt) in \(path)"
        case .timedOut(let after, let stats):
            return "the pipeline did not account for every job within \(after) (\(stats))"
        }
    }
}

/// The whole pipeline with no external services: librdkafka's mock cluster in process, the
/// sample documents enqueued as inline fetch jobs (plus one malformed job and one without `url`),
/// the real ``Worker`` running both stages, and the outcome read back from the topics.
public struct EmbeddedDemo: Sendable {
    /// One article event as the demo prints it.
    public struct Event: Sendable, Hashable {
        /// Content hash (hex) — the Kafka key.
        public var hash: String
        public var source: String
        public var title: String
        public var publishedAt: String?
        /// The job the event came from.
        public var jobID: String
        /// The raw event JSON.
        public var value: [UInt8]
    }

    /// One DLQ record as the demo prints it.
    public struct DeadLetterRecord: Sendable, Hashable {
        /// `error.code` (the reason).
        public var code: String
        /// `error.message`.
        public var message: String
        /// The first bytes of the original job, printable.
        public var preview: String
    }

    /// One story event (issue 12) as the demo prints it.
    public struct StoryMember: Sendable, Hashable {
        /// The article's content hash.
        public var hash: String
        /// The story it belongs to (the content hash of the story's first article).
        public var storyID: String
        /// `new`, `near_duplicate` or `update`.
        public var relation: String
        /// Hamming distance to the member it matched (0 for `new`).
        public var distance: Int
        /// The publisher (`source` of the clean event).
        public var source: String
    }

    /// One output record (clean, story or DLQ topic) as read back, for `feedworker demo --json`.
    public struct Record: Sendable, Hashable {
        /// The topic it was read from.
        public var topic: String
        /// Its partition and offset there.
        public var partition: Int32
        public var offset: Int64
        /// The Kafka key and value, as stored.
        public var key: [UInt8]?
        public var value: [UInt8]
        /// The Kafka headers (the DLQ's `error.*` and `source.*`, the story event's `clean.*`).
        public var headers: [KafkaHeader]

        /// One JSON line: `topic`, `partition`, `offset`, `key` (string), `value` (the record's JSON
        /// as it is, or a string when it is not JSON, as for a DLQ record of a malformed job), and
        /// `headers` (name → string) when there are any.
        public func jsonLine() -> [UInt8] {
            var w = JSONWriter()
            w.beginObject()
            w.key("topic"); w.string(topic)
            w.key("partition"); w.int(Int64(partition))
            w.key("offset"); w.int(offset)
            w.key("key"); if let key { w.string(bytes: UTF8Repair.repair(key)) } else { w.null() }
            if !headers.isEmpty {
                w.key("headers"); w.beginObject()
                for h in headers { w.key(h.key); if let v = h.value { w.string(bytes: UTF8Repair.repair(v)) } else { w.null() } }
                w.endObject()
            }
            w.key("value")
            var out = w.bytes
            if (try? JSONReader.parse(value)) != nil {
                out.append(contentsOf: value) // valid JSON: kept byte for byte (field order and all)
            } else {
                var s = JSONWriter()
                s.string(bytes: UTF8Repair.repair(value))
                out.append(contentsOf: s.bytes)
            }
            out.append(UInt8(ascii: "}"))
            return out
        }
    }

    /// What the run produced.
    public struct Outcome: Sendable {
        /// Jobs enqueued (samples + the two bad jobs).
        public var jobs: Int
        /// Events of `articles.clean`, in partition/offset order.
        public var clean: [Event]
        /// Candidates whose story had already been published (suppressed by dedupe).
        public var duplicates: [Event]
        /// Records of the DLQ topic.
        public var deadLetters: [DeadLetterRecord]
        /// Events of the stories topic (the story stage runs in the demo), in decision order.
        public var stories: [StoryMember]
        /// Every record of the clean, stories and DLQ topics, in that order.
        public var records: [Record]
        /// The worker's totals.
        public var stats: String
        /// Wall time from the broker start to the last record read.
        public var elapsed: Duration
    }

    /// The fixed `fetched_at` of the sample jobs, so relative dates ("3 hours ago") resolve the same
    /// way on every run: 2026-11-24T12:00:00Z.
    public static let fetchedAt = Timestamp(secondsSinceEpoch: 1_795_521_600)

    public let samplesDirectory: String
    public let partitions: Int32
    public let timeout: Duration
    private let logger: Logger

    /// - Parameters:
    ///   - samplesDirectory: the directory of sample documents (`Config/samples`).
    ///   - partitions: partitions of the jobs, candidates and clean topics (the same count for all).
    ///   - timeout: how long to wait for every job to be accounted for.
    public init(samplesDirectory: String, partitions: Int32 = 3, timeout: Duration = .seconds(50),
                logger: Logger = Logger(label: "feedworker.demo")) {
        self.samplesDirectory = samplesDirectory
        self.partitions = partitions
        self.timeout = timeout
        self.logger = logger
    }

    /// The sample documents as inline jobs (sorted by file name), then the malformed job and the
    /// job without `url`.
    public func jobs() throws(DemoError) -> [[UInt8]] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: samplesDirectory, isDirectory: &isDirectory), isDirectory.boolValue,
              let names = try? FileManager.default.contentsOfDirectory(atPath: samplesDirectory)
        else { throw .samplesMissing(path: samplesDirectory) }
        var jobs: [[UInt8]] = []
        for name in names.sorted() {
            guard let (kind, contentType) = Self.kind(of: name),
                  let data = FileManager.default.contents(atPath: samplesDirectory + "/" + name)
            else { continue }
            let stem = name.split(separator: ".").first.map(String.init) ?? name
            jobs.append(FetchJob(jobID: "demo-\(stem)", url: "https://samples.feedworker.example/\(name)", kind: kind,
                                 body: [UInt8](data), contentType: contentType, fetchedAt: Self.fetchedAt).encodeJSON())
        }
        if jobs.isEmpty { throw .noSamples(path: samplesDirectory) }
        jobs.append(Array("this job is not JSON {".utf8))
        jobs.append(Array(#"{"job_id":"demo-no-url","kind":"page","body":"<p>no url</p>"}"#.utf8))
        return jobs
    }

    /// Job kind and content type by file name.
    static func kind(of name: String) -> (DocumentKind, String)? {
        if name.hasSuffix(".rss.xml") { return (.feed, "application/rss+xml") }
        if name.hasSuffix(".atom.xml") { return (.feed, "application/atom+xml") }
        if name.hasSuffix(".xml") { return (.feed, "application/xml") }
        if name.hasSuffix(".json") { return (.feed, "application/feed+json") }
        if name.hasSuffix(".html") || name.hasSuffix(".htm") { return (.page, "text/html; charset=utf-8") }
        if name.hasSuffix(".txt") { return (.page, "text/plain; charset=utf-8") }
        return nil
    }

    /// Runs the demo: starts the mock cluster, enqueues the jobs, runs the worker until every job
    /// is accounted for (clean events + duplicates + DLQ), stops it and reads the topics back.
    public func run() async throws -> Outcome {
        let jobs = try jobs()
        let clock = ContinuousClock()
        let started = clock.now
        let cluster = try MockKafkaCluster(brokers: 1, logger: logger)
        defer { cluster.shutdown() }
        var config = FeedworkerConfig().namespaced("demo")
        // The demo reads its duplicates back from the candidates topic; with the known-candidates
        // cache, whether a repeat reaches that topic depends on whether its first copy was already
        // acknowledged (timing), so the demo's output would vary from run to run.
        config.worker.knownCandidates = 0
        for topic in [config.topics.fetchJobs, config.topics.candidates, config.topics.clean] {
            try cluster.createTopic(topic, partitions: partitions)
        }
        try cluster.createTopic(config.topics.dlq, partitions: 1)
        try cluster.createTopic(config.topics.retry, partitions: 1)
        try cluster.createTopic(config.topics.stories, partitions: 1)
        config.stories.enabled = true
        config.kafka.brokers = cluster.bootstrapServers
        config.kafka.properties = [
            "session.timeout.ms": "6000", "heartbeat.interval.ms": "200",
            "topic.metadata.refresh.interval.ms": "1000", "log_level": "3",
        ]
        let storeDirectory = NSTemporaryDirectory() + "feedworker-demo-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        config.store.path = storeDirectory
        defer { try? FileManager.default.removeItem(atPath: storeDirectory) }
        config.worker.shutdownTimeout = .seconds(10)
        config.metrics.interval = .seconds(5)

        let client = KafkaConfiguration(["bootstrap.servers": cluster.bootstrapServers, "log_level": "3"])
        let producer = try KafkaProducer(configuration: client, logger: logger)
        for (i, job) in jobs.enumerated() {
            _ = try await producer.send(topic: config.topics.fetchJobs, key: Array("job-\(i)".utf8), value: job)
        }
        await producer.close()

        let worker = Worker(config: config, logger: logger)
        let stats = worker.stats
        let stop = StopSignal()
        let workerTask = Task { try await worker.run(stop: stop) }
        let deadline = clock.now + timeout
        var accounted = false
        while clock.now < deadline {
            let seen = stats.candidatesSeen.load(ordering: .relaxed)
            if stats.jobs.load(ordering: .relaxed) == jobs.count
                && seen == stats.candidates.load(ordering: .relaxed)
                && stats.clean.load(ordering: .relaxed) + stats.duplicates.load(ordering: .relaxed) == seen
                && stats.stories.decided == stats.clean.load(ordering: .relaxed) {
                accounted = true
                break
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        stop.stop()
        try await workerTask.value
        guard accounted else { throw DemoError.timedOut(after: timeout, stats: stats.summary) }

        let reader = TopicRangeReader(configuration: client)
        let cleanMessages = try await reader.readAll(topic: config.topics.clean, partitions: partitions)
        let candidateMessages = try await reader.readAll(topic: config.topics.candidates, partitions: partitions)
        let dlqMessages = try await reader.readAll(topic: config.topics.dlq, partitions: 1)
        let storyMessages = try await reader.readAll(topic: config.topics.stories, partitions: 1)

        let clean = cleanMessages.map(Self.event)
        // A candidate is a suppressed duplicate unless it is the one whose bytes were published.
        var published: [String: [UInt8]] = [:]
        for e in clean { published[e.hash] = e.value }
        var duplicates: [Event] = []
        for candidate in candidateMessages.map(Self.event) {
            if let value = published[candidate.hash], value == candidate.value {
                published[candidate.hash] = nil // the published one; later equal bytes are duplicates
            } else {
                duplicates.append(candidate)
            }
        }
        let deadLetters = dlqMessages.map { m in
            DeadLetterRecord(code: String(decoding: m.header("error.code") ?? [], as: UTF8.self),
                             message: String(decoding: m.header("error.message") ?? [], as: UTF8.self),
                             preview: String(decoding: (m.value ?? []).prefix(60), as: UTF8.self))
        }
        let stories = storyMessages.map { m in
            let json = (try? JSONReader.parse(m.value ?? [])) ?? .null
            return StoryMember(hash: String(decoding: m.key ?? [], as: UTF8.self), storyID: json["story_id"]?.stringValue ?? "",
                               relation: json["relation"]?.stringValue ?? "", distance: Int(json["distance"]?.intValue ?? -1),
                               source: json["source"]?.stringValue ?? "")
        }
        let records = (cleanMessages + storyMessages + dlqMessages).map {
            Record(topic: $0.topic, partition: $0.partition, offset: $0.offset, key: $0.key, value: $0.value ?? [], headers: $0.headers)
        }
        return Outcome(jobs: jobs.count, clean: clean, duplicates: duplicates, deadLetters: deadLetters, stories: stories, records: records,
                       stats: stats.summary + " " + stats.stories.summary, elapsed: clock.now - started)
    }

    static func event(_ m: KafkaMessage) -> Event {
        let json = (try? JSONReader.parse(m.value ?? [])) ?? .null
        return Event(hash: String(decoding: m.key ?? [], as: UTF8.self), source: json["source"]?.stringValue ?? "",
                     title: json["title"]?.stringValue ?? "", publishedAt: json["published_at"]?.stringValue,
                     jobID: json["job_id"]?.stringValue ?? "", value: m.value ?? [])
    }
}
