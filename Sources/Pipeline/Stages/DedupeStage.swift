import Config
import Dedupe
import Foundation
import Kafka
import Logging
import Metrics
import Synchronization

/// Stage 2 (DESIGN.md): consumer group `groups.dedupe` on `topics.candidates`, publishing each
/// content hash once to `topics.clean`.
///
/// On being assigned candidates partition p, the stage opens p's ``DedupeStore`` and first
/// **restores** it from `articles.clean` partition p (the changelog) from the store's applied
/// offset to the high watermark, with a separate assign-mode consumer; only then are p's
/// candidates processed (the group consumer's events wait meanwhile). First sight of a hash →
/// produce the candidate to clean partition p (explicit partition), record it after the
/// acknowledgement; a hash already recorded, or in flight, → counted duplicate. A candidate's
/// offset is stored after its clean event is acknowledged (or at once for a duplicate), never past
/// a lower candidate still in flight. If the changelog no longer holds the store's applied offset
/// (retention ran past it) the restore logs a warning, counts `feedworker_changelog_gaps_total`
/// and continues from what remains.
public final class DedupeStage: Sendable {
    private let config: FeedworkerConfig
    private let consumer: KafkaConsumer
    private let restoreConsumer: KafkaConsumer
    private let producer: KafkaProducer
    private let stats: PipelineStats
    private let logger: Logger
    private let core: DedupeCore
    private let deliveries: AsyncStream<CleanDelivery>
    private let deliveryContinuation: AsyncStream<CleanDelivery>.Continuation
    private let health: WorkerHealth?
    /// `feedworker_stage_duration{stage=dedupe}`: one candidate's decision (lookup, and the clean
    /// produce queued for a first sight).
    private let decisionDuration = Metrics.Timer(label: "feedworker_stage_duration", dimensions: [("stage", "dedupe")])

    public init(config: FeedworkerConfig, producer: KafkaProducer, stats: PipelineStats, logger: Logger,
                health: WorkerHealth? = nil) throws(KafkaError) {
        self.config = config
        self.health = health
        self.producer = producer
        self.stats = stats
        self.logger = logger
        var props = KafkaConfiguration(config.kafkaProperties(clientSuffix: "dedupe"))
        props["group.id"] = config.groups.dedupe
        if !config.kafka.groupInstanceID.isEmpty { props["group.instance.id"] = config.kafka.groupInstanceID }
        if props["queued.max.messages.kbytes"] == nil { props["queued.max.messages.kbytes"] = "16384" }
        consumer = try KafkaConsumer(configuration: props, bufferCapacity: 1024,
                                     revocationTimeout: config.worker.shutdownTimeout + .seconds(5),
                                     logger: Logger(label: "feedworker.kafka.dedupe"))
        var restoreProps = KafkaConfiguration(config.kafkaProperties(clientSuffix: "restore"))
        restoreProps["enable.partition.eof"] = "true"
        if restoreProps["queued.max.messages.kbytes"] == nil { restoreProps["queued.max.messages.kbytes"] = "16384" }
        restoreConsumer = try KafkaConsumer(configuration: restoreProps, bufferCapacity: 4096,
                                            logger: Logger(label: "feedworker.kafka.restore"))
        (deliveries, deliveryContinuation) = AsyncStream.makeStream(of: CleanDelivery.self)
        core = DedupeCore(config: config, consumer: consumer, restoreConsumer: restoreConsumer, producer: producer,
                          stats: stats, logger: logger, deliveries: deliveryContinuation)
    }

    /// Consumes candidates until `stop` is signalled, then waits for the clean events in flight
    /// (up to `shutdown_timeout`), flushes the stores, commits and leaves the group.
    public func run(stop: StopSignal) async throws {
        try consumer.subscribe(topics: [config.topics.candidates])
        if let health {
            health.register(.dedupe) { [consumer, stats] in
                let seen = stats.candidatesSeen.load(ordering: .relaxed)
                let done = stats.clean.load(ordering: .relaxed) + stats.duplicates.load(ordering: .relaxed)
                return consumer.bufferedEventCount + max(0, seen - done)
            }
            health.registerStoreProbe { [core] in await core.probeStores() }
        }
        logger.info("dedupe stage started", metadata: ["topic": "\(config.topics.candidates)", "group": "\(config.groups.dedupe)",
                                                       "store": "\(config.store.path)"])
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                await stop.wait()
                await self.core.shutdown()
                await self.consumer.close()
                self.deliveryContinuation.finish()
            }
            group.addTask {
                await LagReporter(consumer: self.consumer, stage: "dedupe").run(interval: self.config.metrics.interval, stop: stop)
            }
            group.addTask {
                for await delivery in self.deliveries {
                    do { try await self.core.delivered(delivery) } catch {
                        let what = error is KafkaError ? "clean produce failed" : "clean event could not be recorded in the dedupe store"
                        self.logger.critical("\(what); stopping (the candidate will be redone)", metadata: ["error": "\(error)"])
                        stop.stop()
                        throw error
                    }
                }
            }
            group.addTask {
                let clock = ContinuousClock()
                var next = clock.now + self.config.store.purgeInterval
                var nextFlush = clock.now + .seconds(2)
                while !stop.isStopped {
                    try? await Task.sleep(for: .milliseconds(250))
                    do {
                        if clock.now >= nextFlush {
                            try await self.core.checkAndFlushStores()
                            nextFlush = clock.now + .seconds(2)
                        }
                        if clock.now >= next && !stop.isStopped {
                            try await self.core.purge()
                            next = clock.now + self.config.store.purgeInterval
                        }
                    } catch {
                        self.logger.critical("dedupe store unusable; stopping (its candidates will be redone)", metadata: ["error": "\(error)"])
                        stop.stop()
                        throw error
                    }
                }
            }
            for await event in consumer.events {
                health?.progressed(.dedupe)
                switch event {
                case .message(let message):
                    let started = ContinuousClock.now
                    defer { decisionDuration.recordNanoseconds(Int64((ContinuousClock.now - started) / .nanoseconds(1))) }
                    do { try await core.candidate(message) } catch {
                        logger.critical("dedupe failed; stopping", metadata: ["error": "\(error)"])
                        stop.stop()
                        throw error
                    }
                case .partitionsAssigned(let partitions):
                    health?.setRestoring(.dedupe, true)
                    defer { health?.setRestoring(.dedupe, false) }
                    do { try await core.assigned(partitions.map(\.partition)) } catch {
                        logger.critical("restore failed; stopping", metadata: ["error": "\(error)"])
                        stop.stop()
                        throw error
                    }
                    health?.markReady(.dedupe) // group joined and the assigned stores restored
                case .partitionsRevoked(let revocation):
                    await core.revoked(revocation)
                case .error(let error):
                    logger.warning("dedupe consumer error", metadata: ["error": "\(error)"])
                case .endOfPartition:
                    break
                }
            }
            stop.stop()
        }
        await core.closeAll()
        await restoreConsumer.close()
        health?.stageStopped(.dedupe)
        logger.info("dedupe stage stopped", metadata: ["stats": "\(stats.summary)"])
    }
}

/// A clean event's acknowledgement, routed back to the stage's actor.
struct CleanDelivery: Sendable {
    var partition: Int32
    var candidateOffset: Int64
    var hash: ContentHash
    var result: Result<DeliveryReport, KafkaError>
    /// The job's `job_consumed_at` (wall-clock microseconds), when the candidate carried it.
    var jobConsumedAt: Int64?
}

/// The dedupe stage's state: stores, in-flight hashes and offsets per owned partition.
///
/// Store faults (see Pipeline/README.md, "Faults"): a store whose file is found broken — an
/// SQLite error saying so (corrupt, not a database, I/O error, file moved or deleted), or the
/// periodic ``DedupeStore/fileProblem()`` check — is closed without committing, moved aside and
/// rebuilt from the changelog before the partition makes another decision. A full disk is not
/// rebuilt (that writes more): the partition stops deciding and the error stops the worker.
/// Either way no candidate is published without a store that holds every published hash.
actor DedupeCore {
    private enum StoreState {
        /// Decisions may use the store.
        case ready
        /// Being rebuilt from the changelog: decisions wait.
        case rebuilding
        /// Unusable for good (full disk, failed rebuild): no more decisions; the stage is stopping.
        case failed
    }

    private struct Owned {
        var store: DedupeStore
        var offsets = PartitionOffsets()
        var pending: Set<ContentHash> = []
        var state = StoreState.ready
        /// Bumped by each rebuild, so failures seen on an older store do not rebuild twice.
        var generation = 0
    }

    private let config: FeedworkerConfig
    private let consumer: KafkaConsumer
    private let restoreConsumer: KafkaConsumer
    private let producer: KafkaProducer
    private let stats: PipelineStats
    private let logger: Logger
    private let metrics = PipelineMetrics()
    private let deliveries: AsyncStream<CleanDelivery>.Continuation
    private var owned: [Int32: Owned] = [:]
    private var stopping = false
    /// Whether a restore is using `restoreConsumer` (assignment and rebuilds take turns).
    private var restoreBusy = false

    /// The producer's `message.max.bytes`, which a DLQ record is cut to fit.
    private let dlqSizeLimit: MessageSizeLimit

    init(config: FeedworkerConfig, consumer: KafkaConsumer, restoreConsumer: KafkaConsumer, producer: KafkaProducer,
         stats: PipelineStats, logger: Logger, deliveries: AsyncStream<CleanDelivery>.Continuation) {
        self.config = config
        self.consumer = consumer
        self.restoreConsumer = restoreConsumer
        self.producer = producer
        self.stats = stats
        self.logger = logger
        self.deliveries = deliveries
        dlqSizeLimit = MessageSizeLimit(properties: config.kafkaProperties(clientSuffix: "producer"))
    }

    // MARK: Candidates

    func candidate(_ message: KafkaMessage) async throws {
        guard !stopping, var entry = owned[message.partition] else { return }
        guard entry.offsets.begin(message.offset) else {
            stats.redeliveriesSkipped.add(1, ordering: .relaxed)
            return
        }
        stats.candidatesSeen.add(1, ordering: .relaxed)
        guard let key = message.key, let hash = ContentHash(hex: key) else {
            owned[message.partition] = entry
            let error = JobError(.badCandidate, "candidate key is not a 64-digit hex content hash", stage: "dedupe")
            let record = DeadLetter(message: message, error: error).fitted(to: dlqSizeLimit)
            _ = try await producer.send(topic: config.topics.dlq, key: record.key, value: record.value, headers: record.headers)
            stats.dlq.add(1, ordering: .relaxed)
            metrics.dlq(error.code)
            finish(partition: message.partition, offset: message.offset)
            return
        }
        owned[message.partition] = entry
        // Nil: the partition was revoked, or its store failed for good (the stage is stopping):
        // the candidate is left undecided and uncommitted, for the next owner.
        guard let seen = try await seen(hash, partition: message.partition) else { return }
        if seen {
            stats.duplicates.add(1, ordering: .relaxed)
            metrics.duplicates.increment()
            finish(partition: message.partition, offset: message.offset)
            return
        }
        owned[message.partition]?.pending.insert(hash)
        let partition = message.partition
        let offset = message.offset
        let sink = deliveries
        // The extract stage's `job_consumed_at` is for the latency metric, not part of the clean event.
        let consumedAt = JobClock.consumedAt(message.headers)
        let headers = consumedAt == nil ? message.headers : message.headers.filter { $0.key != JobClock.headerName }
        try await producer.enqueue(topic: config.topics.clean, key: message.key, value: message.value,
                                   headers: headers, partition: partition) { result in
            sink.yield(CleanDelivery(partition: partition, candidateOffset: offset, hash: hash, result: result, jobConsumedAt: consumedAt))
        }
    }

    /// Whether `hash` was published (in the store, or in flight) for partition p; waits while p's
    /// store is rebuilt. A store error rebuilds the store (broken file) and asks again, or is
    /// thrown (full disk, a second failure). Nil when p is no longer owned or its store failed.
    private func seen(_ hash: ContentHash, partition p: Int32) async throws -> Bool? {
        var rebuilt = false
        while true {
            guard await storeReady(p), let entry = owned[p] else { return nil }
            if entry.pending.contains(hash) { return true }
            do throws(DedupeError) {
                return try !entry.store.firstSight(hash)
            } catch {
                if rebuilt { throw markFailed(p, error) }
                try await storeFailed(p, error, generation: entry.generation)
                rebuilt = true
            }
        }
    }

    func delivered(_ delivery: CleanDelivery) async throws {
        let report: DeliveryReport
        switch delivery.result {
        case .success(let r): report = r
        case .failure(let e): throw e
        }
        let p = delivery.partition
        guard owned[p] != nil else {
            // Revoked while in flight (lost partition): the event is in the topic, the next
            // owner's restore records it.
            return
        }
        stats.clean.add(1, ordering: .relaxed)
        metrics.clean.increment()
        let eventTime = (report.timestamp ?? Int64(Date().timeIntervalSince1970 * 1000)) / 1000
        var rebuilt = false
        while true {
            guard await storeReady(p), let entry = owned[p] else {
                // The store failed for good (the stage is stopping) or p was revoked: the event is
                // in the topic; its candidate stays uncommitted and the next restore records it.
                owned[p]?.pending.remove(delivery.hash)
                return
            }
            do throws(DedupeError) {
                try entry.store.record(delivery.hash, eventTime: eventTime, cleanOffset: report.offset)
                break
            } catch {
                if rebuilt { throw markFailed(p, error) }
                // A rebuild reads the changelog up to its high watermark, which includes this
                // acknowledged event; recording it again afterwards is harmless.
                try await storeFailed(p, error, generation: entry.generation)
                rebuilt = true
            }
        }
        owned[p]?.pending.remove(delivery.hash)
        if let consumedAt = delivery.jobConsumedAt {
            metrics.cleanLatency.recordNanoseconds(max(0, JobClock.wallMicroseconds() - consumedAt) * 1000)
        }
        finish(partition: p, offset: delivery.candidateOffset)
    }

    // MARK: Store faults

    /// Waits while p's store is being rebuilt; false when p is not owned or its store failed.
    private func storeReady(_ p: Int32) async -> Bool {
        while let entry = owned[p] {
            switch entry.state {
            case .ready: return true
            case .failed: return false
            case .rebuilding: try? await Task.sleep(for: .milliseconds(10))
            }
        }
        return false
    }

    /// Marks p's store unusable for good (no more decisions for p) and returns `error` to throw.
    private func markFailed(_ p: Int32, _ error: DedupeError) -> DedupeError {
        owned[p]?.state = .failed
        owned[p]?.store.abandon() // nothing more is committed to a store that failed
        let reason = error.isDiskFull ? "the disk is full (\(error.underlying?.diskFullReason ?? "SQLITE_FULL"))" : "the store failed again after a rebuild"
        logger.critical("DEDUPE STORE UNUSABLE: partition \(p): \(reason); no candidate of this partition is decided without its store, the worker stops and the next owner redoes them",
                        metadata: ["partition": "\(p)", "store": "\(error.path)", "error": "\(error.message)"])
        return error
    }

    /// Moves p's broken store file aside (kept for a post-mortem, one slot per partition; a deleted
    /// file leaves nothing to move), says so, and counts the rebuild from the changelog that follows.
    private func setAsideBroken(_ p: Int32, _ error: DedupeError, rebuilding when: String) {
        let aside = DedupeStore.moveAside(directory: config.store.path, name: config.topics.candidates, partition: p)
        logger.error("DEDUPE STORE BROKEN: partition \(p): \(error.message); rebuilding it from \(config.topics.clean) \(when)",
                     metadata: ["partition": "\(p)", "store": "\(error.path)", "operation": "\(error.operation)",
                                "moved_aside": "\(aside ?? "no file")"])
        stats.storeRebuilds.add(1, ordering: .relaxed)
        metrics.storeRebuilds.increment()
    }

    /// Handles a failed operation on p's store (generation `generation`): a broken file is moved
    /// aside and the store rebuilt from the changelog (once, however many callers saw the
    /// failure); any other failure (full disk, busy) marks p failed and is thrown.
    private func storeFailed(_ p: Int32, _ error: DedupeError, generation: Int) async throws {
        guard let entry = owned[p] else { return }
        if entry.generation != generation || entry.state == .rebuilding { return } // rebuilt, or being rebuilt
        if entry.state == .failed { throw error }
        guard error.isStoreBroken else { throw markFailed(p, error) }
        owned[p]?.state = .rebuilding
        owned[p]?.generation += 1
        let newGeneration = generation + 1
        entry.store.abandon()
        setAsideBroken(p, error, rebuilding: "before any more decisions")
        do {
            let fresh = try DedupeStore(directory: config.store.path, name: config.topics.candidates, partition: p,
                                        batchSize: config.store.batchSize)
            guard owned[p]?.generation == newGeneration else { fresh.close(); return }
            owned[p]?.store = fresh
            try await restore(fresh, partition: p)
        } catch {
            // Revoked meanwhile: the store is closed and no longer ours, nothing to report.
            guard owned[p]?.generation == newGeneration else { return }
            owned[p]?.state = .failed
            owned[p]?.store.abandon()
            logger.critical("DEDUPE STORE REBUILD FAILED: partition \(p): \(error); the worker stops and the next owner redoes its candidates",
                            metadata: ["partition": "\(p)"])
            throw error
        }
        guard owned[p]?.generation == newGeneration else { return }
        owned[p]?.state = .ready
        logger.notice("dedupe store rebuilt", metadata: ["partition": "\(p)", "store": "\(error.path)"])
    }

    private func finish(partition: Int32, offset: Int64) {
        guard var entry = owned[partition] else { return }
        let passed = entry.offsets.finish(offset)
        owned[partition] = entry
        if let passed {
            do { try consumer.storeOffset(topic: config.topics.candidates, partition: partition, offset: passed) } catch {
                logger.debug("candidate offset not stored", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Clean events in flight, not counting partitions whose store failed (their deliveries are
    /// no longer awaited: the candidates stay uncommitted for the next owner).
    private var inFlight: Int { owned.values.reduce(0) { $0 + ($1.state == .failed ? 0 : $1.pending.count) } }

    /// Whether partition p has no clean event in flight that is still awaited.
    private func drained(_ p: Int32) -> Bool {
        guard let entry = owned[p] else { return true }
        return entry.pending.isEmpty || entry.state == .failed
    }

    // MARK: Assignment and restore

    func assigned(_ partitions: [Int32]) async throws {
        for p in partitions.sorted() where owned[p] == nil {
            owned[p] = Owned(store: try await openAndRestore(p))
        }
        metrics.dedupePartitions.record(owned.count)
    }

    /// Opens p's store and restores it. A store found broken (it does not open, or fails during
    /// the restore) is moved aside and rebuilt from offset 0 once; a second failure, or a full
    /// disk, is thrown.
    private func openAndRestore(_ p: Int32) async throws -> DedupeStore {
        var attempt = 0
        while true {
            attempt += 1
            var opened: DedupeStore?
            do {
                let store = try DedupeStore(directory: config.store.path, name: config.topics.candidates, partition: p,
                                            batchSize: config.store.batchSize)
                opened = store
                try await restore(store, partition: p)
                return store
            } catch let error as DedupeError where error.isStoreBroken && attempt == 1 {
                opened?.abandon()
                setAsideBroken(p, error, rebuilding: "at assignment")
            } catch {
                opened?.abandon()
                throw error
            }
        }
    }

    /// Applies clean partition p from the store's applied offset up to the high watermark.
    private func restore(_ store: DedupeStore, partition p: Int32) async throws {
        // Assignment and rebuilds share the restore consumer: one restore at a time.
        while restoreBusy { try? await Task.sleep(for: .milliseconds(10)) }
        restoreBusy = true
        defer { restoreBusy = false }
        let topic = config.topics.clean
        let started = ContinuousClock.now
        let marks = try await restoreConsumer.watermarks(topic: topic, partition: p)
        var from = store.appliedOffset
        if marks.low > from {
            let message: Logger.Message = "CHANGELOG GAP: \(topic)[\(p)] no longer holds offsets \(from)..<\(marks.low) that the dedupe store needs; hashes published there may be published again. Give \(topic) a retention at least as long as store.retention_days (or compaction)."
            logger.warning(message,
                           metadata: ["partition": "\(p)", "applied_offset": "\(from)", "low_watermark": "\(marks.low)"])
            stats.changelogGaps.add(1, ordering: .relaxed)
            metrics.changelogGaps.increment()
            from = marks.low
            store.advance(to: from)
        }
        var applied = 0
        if from < marks.high {
            try restoreConsumer.assign([TopicPartitionOffset(topic: topic, partition: p, offset: from)])
            defer { try? restoreConsumer.unassign() }
            var events = restoreConsumer.events.makeAsyncIterator()
            reading: while let event = await events.next() {
                switch event {
                case .message(let m):
                    guard m.topic == topic, m.partition == p, m.offset >= from else { continue }
                    if let key = m.key, let hash = ContentHash(hex: key) {
                        let time = (m.timestamp ?? Int64(Date().timeIntervalSince1970 * 1000)) / 1000
                        try store.record(hash, eventTime: time, cleanOffset: m.offset)
                        applied += 1
                    } else {
                        store.advance(to: m.offset + 1)
                    }
                    if m.offset >= marks.high - 1 { break reading }
                case .endOfPartition(let at):
                    if at.topic == topic && at.partition == p && at.offset >= marks.high { break reading }
                case .error(let e):
                    logger.warning("restore consumer error", metadata: ["error": "\(e)"])
                    if e.isFatal { throw e }
                default:
                    break
                }
            }
            store.advance(to: marks.high)
        }
        try store.flush()
        stats.restored.add(applied, ordering: .relaxed)
        metrics.restored.increment(by: applied)
        logger.info("dedupe store restored", metadata: [
            "partition": "\(p)", "from": "\(from)", "high_watermark": "\(marks.high)", "applied": "\(applied)",
            "duration": "\(ContinuousClock.now - started)",
        ])
    }

    /// Flushes partition `id`'s store; a failure is logged, not fatal: the store is a cache of
    /// the clean topic, and the next restore re-applies what the flush did not write.
    private func flushStore(_ id: Int32) {
        do { try owned[id]?.store.flush() } catch {
            logger.warning("dedupe store flush failed; the next restore re-applies it",
                           metadata: ["partition": "\(id)", "error": "\(error)"])
        }
    }

    func revoked(_ revocation: PartitionRevocation) async {
        let ids = revocation.partitions.map(\.partition)
        if !revocation.lost {
            _ = await waitUntil(timeout: config.worker.shutdownTimeout) { ids.allSatisfy { drained($0) } }
            for id in ids { flushStore(id) }
            do { try await consumer.commit() } catch { logger.warning("commit on revoke failed", metadata: ["error": "\(error)"]) }
        }
        for id in ids {
            owned[id]?.store.close()
            owned[id] = nil
        }
        logger.info("dedupe partitions revoked", metadata: ["partitions": "\(ids.sorted())", "lost": "\(revocation.lost)"])
        metrics.dedupePartitions.record(owned.count)
        revocation.acknowledge()
    }

    // MARK: Maintenance and shutdown

    func purge() async throws {
        let cutoff = Int64(Date().timeIntervalSince1970) - Int64(config.store.retentionDays) * 86_400
        for p in owned.keys.sorted() {
            guard let entry = owned[p], entry.state == .ready else { continue }
            do throws(DedupeError) {
                let removed = try entry.store.purge(olderThan: cutoff)
                if removed > 0 { logger.info("dedupe store purged", metadata: ["partition": "\(p)", "removed": "\(removed)"]) }
            } catch {
                // storeFailed says what happens next (rebuild, or the store unusable).
                try await storeFailed(p, error, generation: entry.generation)
            }
        }
    }

    /// Every few seconds: checks that each store's file is still there and still an SQLite file
    /// (SQLite notices a deleted file only at its next write, overwritten pages only when it next
    /// reads them from disk), then commits the open batches (so a quiet worker's store does not lag
    /// far behind). A broken store is rebuilt; a full disk is thrown (the stage stops).
    func checkAndFlushStores() async throws {
        for p in owned.keys.sorted() {
            guard let entry = owned[p], entry.state == .ready else { continue }
            do throws(DedupeError) {
                if let problem = entry.store.fileProblem() {
                    throw DedupeError(path: entry.store.path, operation: DedupeError.fileCheck, message: problem)
                }
                try entry.store.flush()
            } catch {
                try await storeFailed(p, error, generation: entry.generation)
            }
        }
    }

    func shutdown() async {
        stopping = true
        logger.info("dedupe stage draining", metadata: ["in_flight": "\(inFlight)"])
        let drained = await waitUntil(timeout: config.worker.shutdownTimeout) { inFlight == 0 }
        if !drained { logger.warning("shutdown timeout: clean events still in flight; their candidates will be redone") }
        for id in owned.keys { flushStore(id) }
        do { try await consumer.commit() } catch { logger.warning("final commit failed", metadata: ["error": "\(error)"]) }
    }

    /// The store probe of the health check: one indexed lookup in every open store; nil when all
    /// answer, else the first failure.
    func probeStores() -> String? {
        let probe = ContentHash(w0: 0, w1: 0, w2: 0, w3: 0)
        for (p, entry) in owned.sorted(by: { $0.key < $1.key }) {
            do { _ = try entry.store.contains(probe) } catch { return "partition \(p): \(error)" }
        }
        return nil
    }

    func closeAll() {
        for entry in owned.values { entry.store.close() }
        owned = [:]
    }
}
