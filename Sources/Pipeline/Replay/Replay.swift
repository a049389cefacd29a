import Config
import Dedupe
import Foundation
import Kafka
import Logging

/// Where a replay window starts or ends.
public enum ReplayPosition: Sendable, Hashable, CustomStringConvertible {
    /// The low watermark (start) — as `--from earliest`.
    case earliest
    /// The high watermark when the replay starts (end) — as `--to latest`.
    case latest
    /// An absolute offset, the same in every selected partition.
    case offset(Int64)
    /// The first message whose timestamp is at or after this time (milliseconds since the epoch).
    case time(milliseconds: Int64)

    public var description: String {
        switch self {
        case .earliest: return "earliest"
        case .latest: return "latest"
        case .offset(let o): return "offset \(o)"
        case .time(let ms): return "time \(ms) ms"
        }
    }

    /// Parses `earliest`, `latest`, a non-negative offset, or an RFC 3339 time
    /// (`2026-11-24T08:00:00Z`, fractional seconds and numeric offsets allowed).
    public static func parse(_ text: String) -> ReplayPosition? {
        switch text.lowercased() {
        case "earliest", "beginning": return .earliest
        case "latest", "end": return .latest
        default: break
        }
        if let offset = Int64(text), offset >= 0 { return .offset(offset) }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return .time(milliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded())) }
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return .time(milliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded())) }
        return nil
    }
}

/// Why a replay could not run.
public enum ReplayError: Error, Sendable, CustomStringConvertible {
    /// The topic is neither the configured fetch-jobs topic nor the candidates topic.
    case unknownTopic(String, fetchJobs: String, candidates: String)
    /// `--from` cannot be `latest`, `--to` cannot be `earliest`.
    case invalidWindow(String)
    /// A selected partition does not exist.
    case noSuchPartition(topic: String, partition: Int32)
    /// Producing a result failed for good.
    case produceFailed(topic: String, KafkaError)

    public var description: String {
        switch self {
        case .unknownTopic(let t, let jobs, let candidates):
            return "topic \(t) is neither the fetch-jobs topic (\(jobs)) nor the candidates topic (\(candidates)) of the config"
        case .invalidWindow(let why): return "invalid window: \(why)"
        case .noSuchPartition(let t, let p): return "topic \(t) has no partition \(p)"
        case .produceFailed(let t, let e): return "producing to \(t) failed: \(e)"
        }
    }
}

/// Reprocesses a window of the fetch-jobs topic (extract) or of the candidates topic (dedupe).
///
/// The window is read in assign mode under a fresh consumer group (never the live groups); its
/// end offsets are committed to that group when the replay finishes, so the group records what it
/// covered. Extract mode runs the same ``FetchJob`` decoding, ``DocumentSource`` and
/// ``CandidateExtractor`` as the extract stage; candidates mode takes the candidates as they are.
///
/// Output:
/// - default (dedupe applies): the content hashes already in `topics.clean` (the dedupe changelog)
///   are read first; results whose hash is there are counted `already_published` and dropped, the
///   others are produced to `topics.candidates`, where the running dedupe stage publishes each
///   once. Replaying unchanged history therefore publishes nothing.
/// - `republish`: every resulting event (key = content hash hex, value = event JSON, the event's
///   headers) is produced to that topic, in window order (partition, then offset). The bytes depend
///   only on the input messages and the parser version, so two replays of the same window produce
///   byte-identical events.
///
/// Jobs that fail (bad JSON, no article...) are counted by reason and not written to the DLQ again.
///
/// Time-based starts use `offsetsForTimes`. librdkafka 2.0.2's mock cluster has no time index and
/// answers -1 (as real Kafka does when every message is older than the time); when the last message
/// of the partition is not older than the time, the replay scans the partition's message
/// timestamps instead (linear in the partition's size; only needed on brokers without a time index).
public struct Replay: Sendable {
    /// What the window holds.
    public enum Mode: String, Sendable {
        case extract, candidates
    }

    /// A replay request.
    public struct Request: Sendable {
        public var topic: String
        public var from: ReplayPosition
        public var to: ReplayPosition
        /// Partitions to replay; nil = all.
        public var partitions: [Int32]?
        /// The fresh consumer group; nil = `feedworker-replay-<unix time>`.
        public var group: String?
        /// Write every resulting event here instead of applying dedupe.
        public var republish: String?
        /// Commit the window's end offsets to `group` when done (a record of what was replayed,
        /// visible to the usual group tools). Costs a group-coordinator round trip and leave.
        public var commitToGroup: Bool

        public init(topic: String, from: ReplayPosition, to: ReplayPosition = .latest, partitions: [Int32]? = nil,
                    group: String? = nil, republish: String? = nil, commitToGroup: Bool = true) {
            self.commitToGroup = commitToGroup
            self.topic = topic
            self.from = from
            self.to = to
            self.partitions = partitions
            self.group = group
            self.republish = republish
        }
    }

    /// Progress, reported periodically and once at the end.
    public struct Progress: Sendable {
        public var done: Int64
        public var total: Int64
        public var elapsed: Duration
        /// Messages per second so far.
        public var rate: Double { let s = elapsed.seconds; return s > 0 ? Double(done) / s : 0 }
        /// Estimated time left, nil before any progress.
        public var eta: Duration? {
            guard done > 0, rate > 0 else { return nil }
            return .milliseconds(Int64(Double(max(0, total - done)) / rate * 1000))
        }
    }

    /// The outcome.
    public struct Summary: Sendable, CustomStringConvertible {
        public var mode: Mode
        public var group: String
        /// The window per partition.
        public var windows: [TopicRangeReader.Range]
        /// Messages read.
        public var messages: Int64 = 0
        /// Events produced by the window (candidates).
        public var events: Int = 0
        /// Events whose hash was already in the clean topic (default mode).
        public var alreadyPublished: Int = 0
        /// Events forwarded to the candidates topic (default mode) or written to the republish topic.
        public var written: Int = 0
        /// Failed jobs by reason code.
        public var failures: [String: Int] = [:]
        public var elapsed: Duration = .zero

        public var description: String {
            let failed = failures.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            return "mode=\(mode.rawValue) group=\(group) messages=\(messages) events=\(events) already_published=\(alreadyPublished) "
                + "written=\(written) failed=\(failures.values.reduce(0, +))\(failed.isEmpty ? "" : " (\(failed))") "
                + "elapsed_s=\(String(format: "%.1f", elapsed.seconds))"
        }
    }

    public let config: FeedworkerConfig
    private let source: any DocumentSource
    private let extractor: any CandidateExtractor
    private let logger: Logger

    public init(config: FeedworkerConfig, source: any DocumentSource = InlineDocumentSource(),
                extractor: (any CandidateExtractor)? = nil, logger: Logger = Logger(label: "feedworker.replay")) {
        self.config = config
        self.source = source
        self.extractor = extractor ?? ArticleCandidateExtractor(maxDocumentBytes: config.worker.maxBodyBytes)
        self.logger = logger
    }

    /// The mode for `topic` under this config.
    public func mode(of topic: String) throws(ReplayError) -> Mode {
        if topic == config.topics.fetchJobs { return .extract }
        if topic == config.topics.candidates { return .candidates }
        throw .unknownTopic(topic, fetchJobs: config.topics.fetchJobs, candidates: config.topics.candidates)
    }

    /// Resolves the request's window to absolute offsets per partition.
    public func window(_ request: Request) async throws -> [TopicRangeReader.Range] {
        if request.from == .latest { throw ReplayError.invalidWindow("--from cannot be latest") }
        if request.to == .earliest { throw ReplayError.invalidWindow("--to cannot be earliest") }
        _ = try mode(of: request.topic)
        let consumer = try KafkaConsumer(configuration: clientConfiguration(group: nil))
        do {
            let available = try await partitionCount(request.topic, consumer: consumer)
            let partitions = request.partitions ?? Array(0..<available)
            var ranges: [TopicRangeReader.Range] = []
            for p in partitions {
                guard p >= 0 && p < available else { throw ReplayError.noSuchPartition(topic: request.topic, partition: p) }
                let marks = try await consumer.watermarks(topic: request.topic, partition: p)
                let start = try await resolve(request.from, topic: request.topic, partition: p, marks: marks, consumer: consumer)
                let end = try await resolve(request.to, topic: request.topic, partition: p, marks: marks, consumer: consumer)
                ranges.append(TopicRangeReader.Range(partition: p, start: start, end: max(start, end)))
            }
            await consumer.close()
            return ranges
        } catch {
            await consumer.close()
            throw error
        }
    }

    /// Runs the replay; `progress` is called at most every `progressInterval` and once at the end.
    public func run(_ request: Request, progressInterval: Duration = .seconds(1),
                    progress: @Sendable (Progress) -> Void = { _ in }) async throws -> Summary {
        let mode = try mode(of: request.topic)
        let group = request.group ?? "feedworker-replay-\(Int(Date().timeIntervalSince1970))"
        let clock = ContinuousClock()
        let started = clock.now
        let windows = try await window(request)
        var summary = Summary(mode: mode, group: group, windows: windows)
        let total = windows.reduce(0) { $0 + $1.count }
        logger.info("replay starting", metadata: ["topic": "\(request.topic)", "mode": "\(mode.rawValue)", "group": "\(group)",
                                                  "messages": "\(total)", "republish": "\(request.republish ?? "-")"])
        var published: Set<[UInt8]> = []
        if request.republish == nil {
            published = try await publishedHashes()
        }
        var producerProps = KafkaConfiguration(config.kafkaProperties(clientSuffix: "replay-producer"))
        if producerProps["enable.idempotence"] == nil { producerProps["enable.idempotence"] = "true" }
        let producer = try KafkaProducer(configuration: producerProps, logger: logger)
        let output = request.republish ?? config.topics.candidates
        var pending: [(key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader], partition: Int32?)] = []
        var lastReport = clock.now
        do {
            let reader = TopicRangeReader(configuration: clientConfiguration(group: nil))
            try await reader.read(topic: request.topic, ranges: windows) { message in
                summary.messages += 1
                for candidate in await results(of: message, mode: mode, summary: &summary) {
                    summary.events += 1
                    let key = candidate.hash.hexBytes
                    if request.republish == nil {
                        if published.contains(key) { summary.alreadyPublished += 1; continue }
                        published.insert(key) // a story repeated within the window is forwarded once
                    }
                    pending.append((key: key, value: candidate.value, headers: candidate.headers, partition: nil))
                }
                if pending.count >= 256 {
                    try await flush(&pending, to: output, producer: producer, summary: &summary)
                }
                if clock.now - lastReport >= progressInterval {
                    lastReport = clock.now
                    progress(Progress(done: summary.messages, total: total, elapsed: clock.now - started))
                }
            }
            try await flush(&pending, to: output, producer: producer, summary: &summary)
        } catch {
            await producer.close(timeout: .seconds(5))
            throw error
        }
        await producer.close()
        if request.commitToGroup {
            try await commit(windows, topic: request.topic, group: group)
        }
        summary.elapsed = clock.now - started
        progress(Progress(done: summary.messages, total: total, elapsed: summary.elapsed))
        logger.info("replay finished", metadata: ["summary": "\(summary)"])
        return summary
    }

    // MARK: - Pieces

    private func results(of message: KafkaMessage, mode: Mode, summary: inout Summary) async -> [Candidate] {
        switch mode {
        case .candidates:
            guard let key = message.key, let hash = ContentHash(hex: key), let value = message.value else {
                summary.failures["bad_candidate", default: 0] += 1
                return []
            }
            return [Candidate(hash: hash, value: value, headers: message.headers)]
        case .extract:
            do throws(JobError) {
                let job = try FetchJob.decode(message.value ?? [], maxBodyBytes: config.worker.maxBodyBytes)
                let document = try await source.document(for: job)
                if document.bytes.count > config.worker.maxBodyBytes {
                    throw JobError(.bodyTooLarge, "document is \(document.bytes.count) bytes", stage: "fetch")
                }
                return try extractor.candidates(for: job, document: document)
            } catch {
                summary.failures[error.code.rawValue, default: 0] += 1
                return []
            }
        }
    }

    private func flush(_ pending: inout [(key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader], partition: Int32?)],
                       to topic: String, producer: KafkaProducer, summary: inout Summary) async throws {
        if pending.isEmpty { return }
        do {
            _ = try await producer.sendAll(topic: topic, pending)
        } catch {
            throw ReplayError.produceFailed(topic: topic, error)
        }
        summary.written += pending.count
        pending.removeAll(keepingCapacity: true)
    }

    /// Commits each window's end offset to `group` (assign mode, no subscription).
    private func commit(_ windows: [TopicRangeReader.Range], topic: String, group: String) async throws {
        let offsets = windows.filter { $0.count > 0 }.map { TopicPartitionOffset(topic: topic, partition: $0.partition, offset: $0.end) }
        if offsets.isEmpty { return }
        let consumer = try KafkaConsumer(configuration: clientConfiguration(group: group))
        do {
            try await consumer.commit(offsets)
        } catch {
            await consumer.close()
            throw error
        }
        await consumer.close()
    }

    /// Every key of the clean topic (the dedupe changelog), beginning to end.
    private func publishedHashes() async throws -> Set<[UInt8]> {
        let consumer = try KafkaConsumer(configuration: clientConfiguration(group: nil))
        let count: Int32
        do { count = try await partitionCount(config.topics.clean, consumer: consumer) } catch {
            await consumer.close()
            throw error
        }
        await consumer.close()
        var keys: Set<[UInt8]> = []
        let reader = TopicRangeReader(configuration: clientConfiguration(group: nil))
        let ranges = try await reader.watermarkRanges(topic: config.topics.clean, partitions: Array(0..<count))
        try await reader.read(topic: config.topics.clean, ranges: ranges) { m in
            if let key = m.key { keys.insert(key) }
        }
        return keys
    }

    private func clientConfiguration(group: String?) -> KafkaConfiguration {
        var props = KafkaConfiguration(config.kafkaProperties(clientSuffix: "replay"))
        if let group { props["group.id"] = group }
        props["queued.max.messages.kbytes"] = props["queued.max.messages.kbytes"] ?? "16384"
        return props
    }

    private func partitionCount(_ topic: String, consumer: KafkaConsumer) async throws -> Int32 {
        let admin = try KafkaAdmin(configuration: KafkaConfiguration(config.kafkaProperties(clientSuffix: "replay-admin")))
        defer { admin.close() }
        let metadata = try await admin.listTopics(topic)
        guard let t = metadata.first(where: { $0.name == topic }), t.error == nil, !t.partitions.isEmpty else {
            throw ReplayError.noSuchPartition(topic: topic, partition: 0)
        }
        return Int32(t.partitions.count)
    }

    private func resolve(_ position: ReplayPosition, topic: String, partition: Int32, marks: Watermarks,
                         consumer: KafkaConsumer) async throws -> Int64 {
        switch position {
        case .earliest: return marks.low
        case .latest: return marks.high
        case .offset(let o): return min(max(o, marks.low), marks.high)
        case .time(let ms):
            if marks.high <= marks.low { return marks.high }
            let answer = try await consumer.offsetsForTimes([TopicPartition(topic: topic, partition: partition)], timestamp: ms)
            if let o = answer.first?.offset, o >= 0 { return min(max(o, marks.low), marks.high) }
            // -1: every message is older than `ms` (real Kafka), or the broker has no time index
            // (the mock cluster). The last message tells which.
            return try await scanForTime(ms, topic: topic, partition: partition, marks: marks)
        }
    }

    /// The first offset of the partition whose timestamp is ≥ `ms` (high watermark if none), by
    /// reading the last message and, when it is not older, scanning from the low watermark.
    private func scanForTime(_ ms: Int64, topic: String, partition: Int32, marks: Watermarks) async throws -> Int64 {
        let reader = TopicRangeReader(configuration: clientConfiguration(group: nil))
        var lastTimestamp: Int64?
        try await reader.read(topic: topic, ranges: [.init(partition: partition, start: marks.high - 1, end: marks.high)]) { m in
            lastTimestamp = m.timestamp
        }
        if let last = lastTimestamp, last < ms { return marks.high }
        var found: Int64?
        try await reader.read(topic: topic, ranges: [.init(partition: partition, start: marks.low, end: marks.high)]) { m in
            if found == nil, let t = m.timestamp, t >= ms { found = m.offset }
        }
        return found ?? marks.high
    }
}

extension Duration {
    fileprivate var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
