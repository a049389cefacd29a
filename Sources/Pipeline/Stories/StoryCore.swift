import Config
import Foundation
import Kafka
import Logging
import Stories
import Synchronization

/// Why the story stage cannot decide.
public enum StoryStageError: Error, Sendable, CustomStringConvertible {
    /// `topics.clean` has no partitions in the cluster metadata (missing topic).
    case cleanTopicMissing(String)
    /// `topics.stories` must have exactly one partition (the single decider's election).
    case storiesTopicPartitions(String, Int)

    public var description: String {
        switch self {
        case .cleanTopicMissing(let t): "topic \(t) does not exist (the story stage reads it)"
        case .storiesTopicPartitions(let t, let n): "topic \(t) has \(n) partitions; the story stage needs exactly 1"
        }
    }
}

/// Totals of the story stage since start (tests, the stop log line).
public final class StoryStats: Sendable {
    /// Story events acknowledged with relation `new` (stories started).
    public let started = Atomic<Int>(0)
    /// Story events acknowledged with relation `near_duplicate`.
    public let nearDuplicates = Atomic<Int>(0)
    /// Story events acknowledged with relation `update`.
    public let updates = Atomic<Int>(0)
    /// Clean events read while active.
    public let cleanRead = Atomic<Int>(0)
    /// Clean events whose hash was decided before (no second story event).
    public let alreadyDecided = Atomic<Int>(0)
    /// Clean events that could not be read (not JSON, no content hash or text): no story event.
    public let unreadable = Atomic<Int>(0)
    /// Story events applied by restores.
    public let restored = Atomic<Int>(0)
    /// Restores that found `topics.stories` no longer holding offsets the store needed.
    public let changelogGaps = Atomic<Int>(0)
    /// Times this worker became the active decider.
    public let activations = Atomic<Int>(0)

    public init() {}

    /// Story events acknowledged (all relations).
    public var decided: Int {
        started.load(ordering: .relaxed) + nearDuplicates.load(ordering: .relaxed) + updates.load(ordering: .relaxed)
    }

    /// One line of `name=value` pairs.
    public var summary: String {
        "stories_new=\(started.load(ordering: .relaxed)) near_duplicates=\(nearDuplicates.load(ordering: .relaxed)) "
            + "updates=\(updates.load(ordering: .relaxed)) clean_read=\(cleanRead.load(ordering: .relaxed)) "
            + "already_decided=\(alreadyDecided.load(ordering: .relaxed)) unreadable=\(unreadable.load(ordering: .relaxed)) "
            + "restored=\(restored.load(ordering: .relaxed)) changelog_gaps=\(changelogGaps.load(ordering: .relaxed)) "
            + "activations=\(activations.load(ordering: .relaxed))"
    }
}

/// The story stage's state: the decider, its store and the clean read positions, while active.
actor StoryCore {
    private let config: FeedworkerConfig
    private let restoreConsumer: KafkaConsumer
    private let health: WorkerHealth?
    private let cleanConsumer: KafkaConsumer
    private let producer: KafkaProducer
    nonisolated let stats: StoryStats
    private let logger: Logger
    private let metrics = StoryMetrics()
    private let deliveries: AsyncStream<StoryDelivery>.Continuation
    private let emptyDecider: StoryDecider

    private var decider: StoryDecider
    private var store: StoryStore?
    private var active = false
    /// Bumped by every activation: deliveries of an older one are not recorded.
    private var generation = 0
    /// Next clean offset to read, per partition (in memory; the store holds the decided ones).
    private var next: [Int32: Int64] = [:]
    private var inFlight = 0

    init(config: FeedworkerConfig, restoreConsumer: KafkaConsumer, cleanConsumer: KafkaConsumer, producer: KafkaProducer,
         stats: PipelineStats, logger: Logger, deliveries: AsyncStream<StoryDelivery>.Continuation, emptyDecider: StoryDecider,
         health: WorkerHealth? = nil) {
        self.config = config
        self.health = health
        self.restoreConsumer = restoreConsumer
        self.cleanConsumer = cleanConsumer
        self.producer = producer
        self.stats = stats.stories
        self.logger = logger
        self.deliveries = deliveries
        self.emptyDecider = emptyDecider
        self.decider = emptyDecider
    }

    nonisolated var statsSummary: String { stats.summary }

    // MARK: Ownership

    /// Becomes the active decider: store → decider, restore from the changelog, read clean.
    func activate() async throws {
        guard !active else { return }
        generation += 1
        inFlight = 0 // deliveries of an earlier activation (a lost one) no longer count
        let started = ContinuousClock.now
        let partitions = try await cleanPartitions()
        let store = try StoryStore(directory: config.store.path, topic: config.topics.stories, batchSize: config.store.batchSize)
        var decider = emptyDecider
        for d in try store.decisions() { decider.apply(d) }
        let applied = try await restore(into: &decider, store: store)
        decider.evict(before: decider.cutoff(now: Int64(Date().timeIntervalSince1970)))
        self.decider = decider
        self.store = store
        next = store.positions
        let assignment = partitions.map { p in
            TopicPartitionOffset(topic: config.topics.clean, partition: p, offset: store.positions[p] ?? KafkaOffset.beginning)
        }
        try cleanConsumer.assign(assignment)
        active = true
        stats.activations.add(1, ordering: .relaxed)
        metrics.members.record(decider.memberCount)
        logger.info("story decider active", metadata: [
            "members": "\(decider.memberCount)", "restored": "\(applied)", "clean_partitions": "\(partitions.count)",
            "duration": "\(ContinuousClock.now - started)",
        ])
    }

    /// Stops deciding: unassigns clean, waits for story events in flight (unless `lost`), closes the store.
    func deactivate(lost: Bool) async {
        guard active else { return }
        active = false
        try? cleanConsumer.unassign()
        if !lost {
            let deadline = ContinuousClock.now + config.worker.shutdownTimeout
            while inFlight > 0 && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
        }
        store?.close()
        store = nil
        decider = emptyDecider
        next = [:]
        logger.info("story decider inactive", metadata: ["lost": "\(lost)"])
    }

    func closeConsumers() async {
        await cleanConsumer.close()
        await restoreConsumer.close()
    }

    /// The clean topic's partitions (metadata of all topics: a lookup by name may auto-create it).
    private func cleanPartitions() async throws -> [Int32] {
        let admin = try KafkaAdmin(configuration: KafkaConfiguration(config.kafkaProperties(clientSuffix: "stories-admin")),
                                   logger: Logger(label: "feedworker.kafka.stories-admin"))
        defer { admin.close() }
        for attempt in 0..<20 {
            let topics = try await admin.listTopics()
            if let stories = topics.first(where: { $0.name == config.topics.stories }), stories.partitions.count > 1 {
                throw StoryStageError.storiesTopicPartitions(config.topics.stories, stories.partitions.count)
            }
            if let clean = topics.first(where: { $0.name == config.topics.clean }), !clean.partitions.isEmpty {
                return clean.partitions.map(\.id).sorted()
            }
            if attempt < 19 { try await Task.sleep(for: .milliseconds(500)) }
        }
        throw StoryStageError.cleanTopicMissing(config.topics.clean)
    }

    /// Applies `topics.stories` from the store's applied offset to the high watermark.
    private func restore(into decider: inout StoryDecider, store: StoryStore) async throws -> Int {
        let topic = config.topics.stories
        let marks = try await restoreConsumer.watermarks(topic: topic, partition: 0)
        var from = store.appliedOffset
        if marks.low > from {
            logger.warning("CHANGELOG GAP: \(topic)[0] no longer holds offsets \(from)..<\(marks.low) that the story store needs; stories decided there are forgotten. Give \(topic) a retention at least as long as stories.window_days.")
            stats.changelogGaps.add(1, ordering: .relaxed)
            metrics.changelogGaps.increment()
            from = marks.low
            // Recorded, so that the next restore does not report the same gap again.
            store.advanceApplied(to: from)
        }
        var applied = 0
        let reader = ChangelogReader(consumer: restoreConsumer, topic: topic, logger: logger)
        try await reader.read([ChangelogReader.Span(partition: 0, from: from, high: marks.high)]) { m in
            let decision: StoryDecision?
            do { decision = try StoryEvent.decision(json: m.value ?? []) } catch {
                // A record the stage did not write (or a schema it cannot read): skipped, and said.
                logger.warning("unreadable story event skipped in the restore",
                               metadata: ["offset": "\(m.offset)", "error": "\(error)"])
                decision = nil
            }
            if let decision {
                decider.apply(decision)
                try store.record(decision, storiesOffset: m.offset, clean: StoryEvent.cleanPosition(m.headers))
                applied += 1
            } else {
                store.advanceApplied(to: m.offset + 1)
            }
        }
        if from < marks.high { store.advanceApplied(to: marks.high) }
        try store.flush()
        stats.restored.add(applied, ordering: .relaxed)
        metrics.restored.increment(by: applied)
        return applied
    }

    // MARK: Deciding

    /// Reads clean events until the clean consumer closes.
    func readClean(stop: StopSignal) async throws {
        for await event in cleanConsumer.events {
            health?.progressed(.stories)
            if stop.isStopped { continue }
            switch event {
            case .message(let m): try await clean(m)
            case .error(let e): logger.warning("story clean consumer error", metadata: ["error": "\(e)"])
            default: break
            }
        }
    }

    private func clean(_ m: KafkaMessage) async throws {
        guard active, m.topic == config.topics.clean, m.offset >= next[m.partition] ?? 0 else { return }
        next[m.partition] = m.offset + 1
        stats.cleanRead.add(1, ordering: .relaxed)
        let fallback = (m.timestamp ?? Int64(Date().timeIntervalSince1970 * 1000)) / 1000
        let article: CleanArticle
        do { article = try CleanArticle(json: m.value ?? [], fallbackTime: fallback) } catch {
            stats.unreadable.add(1, ordering: .relaxed)
            logger.warning("clean event unreadable; no story event", metadata: ["partition": "\(m.partition)", "offset": "\(m.offset)",
                                                                              "error": "\(error)"])
            return
        }
        guard let decision = decider.decide(article.storyArticle) else {
            stats.alreadyDecided.add(1, ordering: .relaxed)
            return
        }
        inFlight += 1
        let event = StoryEvent(decision: decision, clean: article)
        let sink = deliveries
        let position = (partition: m.partition, offset: m.offset)
        let generation = self.generation
        do {
            try await producer.enqueue(topic: config.topics.stories, key: Array(article.contentHash.utf8), value: event.encodeJSON(),
                                       headers: StoryEvent.headers(cleanPartition: m.partition, cleanOffset: m.offset),
                                       partition: 0) { result in
                sink.yield(StoryDelivery(decision: decision, clean: position, generation: generation, result: result))
            }
        } catch {
            inFlight -= 1
            throw error
        }
    }

    func delivered(_ d: StoryDelivery) async throws {
        if d.generation == generation { inFlight -= 1 }
        let report = try d.result.get()
        switch d.decision.relation {
        case .new: stats.started.add(1, ordering: .relaxed)
        case .nearDuplicate: stats.nearDuplicates.add(1, ordering: .relaxed)
        case .update: stats.updates.add(1, ordering: .relaxed)
        }
        metrics.count(d.decision.relation)
        guard d.generation == generation, active, let store else { return } // the next owner's restore records it
        try store.record(d.decision, storiesOffset: report.offset, clean: d.clean)
    }

    // MARK: Maintenance

    func flush() {
        guard active else { return }
        do { try store?.flush() } catch {
            logger.warning("story store flush failed; the next restore re-applies it", metadata: ["error": "\(error)"])
        }
        metrics.members.record(decider.memberCount)
    }

    /// Evicts members older than the window, from the decider and the store.
    func purge() {
        guard active, let store else { return }
        let cutoff = decider.cutoff(now: Int64(Date().timeIntervalSince1970))
        let evicted = decider.evict(before: cutoff)
        do {
            let removed = try store.purge(before: cutoff)
            if evicted > 0 || removed > 0 { logger.info("story index purged", metadata: ["evicted": "\(evicted)", "removed": "\(removed)"]) }
        } catch {
            logger.warning("story store purge failed", metadata: ["error": "\(error)"])
        }
    }
}
