import Config
import Dedupe
import Foundation
import Kafka
import Logging
import Metrics
import Synchronization

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
        dlqSizeLimit = MessageSizeLimit(producer: producer)
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
            if let again = try await restore([p: fresh])[p] { throw again }
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

    /// Opens the stores of the newly assigned partitions and restores them together (one pass over
    /// the changelog, ``ChangelogReader``) before any of their candidates is decided. A store found
    /// broken (it does not open, or fails during the restore) is moved aside and rebuilt from offset
    /// 0 once; a second failure, or a full disk, is thrown.
    func assigned(_ partitions: [Int32]) async throws {
        let new = Set(partitions).filter { owned[$0] == nil }.sorted()
        guard !new.isEmpty else { return }
        var stores: [Int32: DedupeStore] = [:]
        do {
            var broken: [Int32: DedupeError] = [:]
            for p in new {
                do throws(DedupeError) { stores[p] = try openStore(p) } catch {
                    guard error.isStoreBroken else { throw error }
                    broken[p] = error
                }
            }
            for (p, error) in try await restore(stores) {
                stores[p]?.abandon()
                stores[p] = nil
                broken[p] = error
            }
            for (p, error) in broken.sorted(by: { $0.key < $1.key }) {
                setAsideBroken(p, error, rebuilding: "at assignment")
                let store = try openStore(p)
                stores[p] = store
                if let again = try await restore([p: store])[p] { throw again }
            }
        } catch {
            for store in stores.values { store.abandon() }
            throw error
        }
        for (p, store) in stores { owned[p] = Owned(store: store) }
        metrics.dedupePartitions.record(owned.count)
    }

    private func openStore(_ p: Int32) throws(DedupeError) -> DedupeStore {
        try DedupeStore(directory: config.store.path, name: config.topics.candidates, partition: p,
                        batchSize: config.store.batchSize)
    }

    /// Applies clean partition p of each store from the store's applied offset up to the high
    /// watermark, all partitions in one read. Returns the stores found broken on the way (their
    /// restore stopped; the caller rebuilds them); any other failure is thrown.
    private func restore(_ stores: [Int32: DedupeStore]) async throws -> [Int32: DedupeError] {
        // Assignment and rebuilds share the restore consumer: one restore at a time.
        while restoreBusy { try? await Task.sleep(for: .milliseconds(10)) }
        restoreBusy = true
        defer { restoreBusy = false }
        let topic = config.topics.clean
        let started = ContinuousClock.now
        let reader = ChangelogReader(consumer: restoreConsumer, topic: topic, logger: logger)
        let marks = try await reader.watermarks(stores.keys.sorted())
        var spans: [ChangelogReader.Span] = []
        for (p, store) in stores.sorted(by: { $0.key < $1.key }) {
            guard let m = marks[p] else { continue }
            var from = store.appliedOffset
            if m.low > from {
                let message: Logger.Message = "CHANGELOG GAP: \(topic)[\(p)] no longer holds offsets \(from)..<\(m.low) that the dedupe store needs; hashes published there may be published again. Give \(topic) a retention at least as long as store.retention_days (or compaction)."
                logger.warning(message,
                               metadata: ["partition": "\(p)", "applied_offset": "\(from)", "low_watermark": "\(m.low)"])
                stats.changelogGaps.add(1, ordering: .relaxed)
                metrics.changelogGaps.increment()
                from = m.low
                store.advance(to: from)
            }
            spans.append(ChangelogReader.Span(partition: p, from: from, high: m.high))
        }
        var applied: [Int32: Int] = [:]
        var broken: [Int32: DedupeError] = [:]
        try await reader.read(spans) { m in
            guard broken[m.partition] == nil, let store = stores[m.partition] else { return }
            do throws(DedupeError) {
                if let key = m.key, let hash = ContentHash(hex: key) {
                    let time = (m.timestamp ?? Int64(Date().timeIntervalSince1970 * 1000)) / 1000
                    try store.record(hash, eventTime: time, cleanOffset: m.offset)
                    applied[m.partition, default: 0] += 1
                } else {
                    store.advance(to: m.offset + 1)
                }
            } catch {
                guard error.isStoreBroken else { throw error }
                broken[m.partition] = error
            }
        }
        for span in spans {
            guard broken[span.partition] == nil, let store = stores[span.partition] else { continue }
            store.advance(to: span.high)
            do throws(DedupeError) { try store.flush() } catch {
                guard error.isStoreBroken else { throw error }
                broken[span.partition] = error
            }
        }
        let total = applied.values.reduce(0, +)
        stats.restored.add(total, ordering: .relaxed)
        metrics.restored.increment(by: total)
        for span in spans where span.from < span.high {
            logger.debug("dedupe store restored", metadata: [
                "partition": "\(span.partition)", "from": "\(span.from)", "high_watermark": "\(span.high)",
                "applied": "\(applied[span.partition] ?? 0)",
            ])
        }
        logger.info("dedupe stores restored", metadata: [
            "partitions": "\(spans.count)", "read": "\(spans.filter { $0.from < $0.high }.count)", "applied": "\(total)",
            "broken": "\(broken.keys.sorted())", "duration": "\(ContinuousClock.now - started)",
        ])
        return broken
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
