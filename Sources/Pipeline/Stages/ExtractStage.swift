import Config
import Dedupe
import Foundation
import Kafka
import Logging
import Synchronization

/// Stage 1 (DESIGN.md): consumer group `groups.extract` on `topics.fetch_jobs`. Each job is
/// validated, its document obtained from the ``DocumentSource``, turned into candidates by the
/// ``CandidateExtractor`` (on the cooperative pool, off the Kafka poll thread, at most
/// `parse_concurrency` at once), and its candidates produced to `topics.candidates` keyed by
/// content hash hex. A job's offset is stored only once every candidate (or its DLQ record) is
/// acknowledged, and only up to the lowest job of its partition still in flight, so commits never
/// pass unfinished work. At `max_in_flight_jobs` the assigned partitions are paused; they resume
/// once half the jobs are done.
///
/// A produce that fails for good (the broker refused or timed out) is not a job error: the stage
/// stops the worker with that error, nothing past the failed job is committed, and the jobs are
/// redone by the next owner.
public final class ExtractStage: Sendable {
    private struct State {
        var partitions: [Int32: PartitionOffsets] = [:]
        var inFlight = 0
        var paused = false
        var stopping = false
    }

    private let config: FeedworkerConfig
    private let consumer: KafkaConsumer
    private let producer: KafkaProducer
    private let source: any DocumentSource
    private let extractor: any CandidateExtractor
    private let stats: PipelineStats
    private let logger: Logger
    private let metrics = PipelineMetrics()
    private let state = Mutex(State())
    private let health: WorkerHealth?

    /// Creates the stage and its group consumer (not yet subscribed).
    public init(config: FeedworkerConfig, producer: KafkaProducer, source: any DocumentSource,
                extractor: any CandidateExtractor, stats: PipelineStats, logger: Logger,
                health: WorkerHealth? = nil) throws(KafkaError) {
        self.config = config
        self.health = health
        self.producer = producer
        self.source = source
        self.extractor = extractor
        self.stats = stats
        self.logger = logger
        var props = KafkaConfiguration(config.kafkaProperties(clientSuffix: "extract"))
        props["group.id"] = config.groups.extract
        if !config.kafka.groupInstanceID.isEmpty { props["group.instance.id"] = config.kafka.groupInstanceID }
        if props["queued.max.messages.kbytes"] == nil { props["queued.max.messages.kbytes"] = "16384" }
        consumer = try KafkaConsumer(configuration: props, bufferCapacity: 32,
                                     revocationTimeout: config.worker.shutdownTimeout + .seconds(5),
                                     logger: Logger(label: "feedworker.kafka.extract"))
    }

    /// Consumes jobs until `stop` is signalled, then drains in-flight jobs (up to
    /// `shutdown_timeout`), commits and leaves the group.
    /// - Throws: a ``KafkaError`` when a produce fails for good (after signalling `stop`).
    public func run(stop: StopSignal) async throws {
        try consumer.subscribe(topics: [config.topics.fetchJobs])
        health?.register(.extract) { [self] in self.consumer.bufferedEventCount + self.state.withLock { $0.inFlight } }
        let permits = config.worker.parseConcurrency > 0 ? config.worker.parseConcurrency : ProcessInfo.processInfo.activeProcessorCount
        let parseLimit = AsyncSemaphore(permits: permits)
        logger.info("extract stage started", metadata: ["topic": "\(config.topics.fetchJobs)", "group": "\(config.groups.extract)",
                                                        "max_in_flight_jobs": "\(config.worker.maxInFlightJobs)", "parse_concurrency": "\(permits)"])
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                await stop.wait()
                await self.shutdown()
            }
            group.addTask {
                await LagReporter(consumer: self.consumer, stage: "extract").run(interval: self.config.metrics.interval, stop: stop)
            }
            for await event in consumer.events {
                health?.progressed(.extract)
                switch event {
                case .message(let message):
                    guard begin(message) else { continue }
                    group.addTask { try await self.process(message, parseLimit: parseLimit, stop: stop) }
                case .partitionsAssigned(let partitions):
                    assigned(partitions)
                    health?.markReady(.extract)
                case .partitionsRevoked(let revocation):
                    await revoked(revocation)
                case .error(let error):
                    logger.warning("extract consumer error", metadata: ["error": "\(error)"])
                case .endOfPartition:
                    break
                }
            }
            // The consumer closed (shutdown, or a fatal consumer error): make sure the rest stops too.
            stop.stop()
        }
        health?.stageStopped(.extract)
        logger.info("extract stage stopped", metadata: ["stats": "\(stats.summary)"])
    }

    // MARK: - Jobs

    /// Tracks a new job; false when the stage is stopping (the job is left for the next owner).
    private func begin(_ message: KafkaMessage) -> Bool {
        state.withLock { s in
            if s.stopping { return false }
            s.partitions[message.partition, default: PartitionOffsets()].begin(message.offset)
            s.inFlight += 1
            if s.inFlight >= config.worker.maxInFlightJobs && !s.paused {
                s.paused = true
                pauseAll()
            }
            stats.inFlight.store(s.inFlight, ordering: .relaxed)
            metrics.inFlight.record(s.inFlight)
            return true
        }
    }

    private func process(_ message: KafkaMessage, parseLimit: AsyncSemaphore, stop: StopSignal) async throws {
        let started = ContinuousClock.now
        switch await prepare(message, parseLimit: parseLimit) {
        case .success(let candidates):
            let messages = candidates.map { (key: Optional($0.hash.hexBytes), value: Optional($0.value), headers: $0.headers, partition: Int32?.none) }
            do {
                _ = try await producer.sendAll(topic: config.topics.candidates, messages)
            } catch {
                logger.critical("candidate produce failed; stopping (the job will be redone)",
                                metadata: ["error": "\(error)", "job_offset": "\(message.partition)@\(message.offset)"])
                stop.stop()
                throw error
            }
            stats.candidates.add(candidates.count, ordering: .relaxed)
            metrics.candidates.increment(by: candidates.count)
            if candidates.isEmpty {
                stats.jobsEmpty.add(1, ordering: .relaxed)
                metrics.jobsEmpty.increment()
            } else {
                stats.jobsWithArticles.add(1, ordering: .relaxed)
                metrics.jobsWithArticles.increment()
            }
        case .failure(let jobError):
            try await deadLetter(message, jobError, stop: stop)
        }
        metrics.extractDuration.recordNanoseconds(Int64((ContinuousClock.now - started) / .nanoseconds(1)))
        finish(message)
    }

    private func prepare(_ message: KafkaMessage, parseLimit: AsyncSemaphore) async -> Result<[Candidate], JobError> {
        do throws(JobError) {
            let job = try FetchJob.decode(message.value ?? [], maxBodyBytes: config.worker.maxBodyBytes)
            let document = try await source.document(for: job)
            if document.bytes.count > config.worker.maxBodyBytes {
                throw JobError(.bodyTooLarge, "document is \(document.bytes.count) bytes, over the cap of \(config.worker.maxBodyBytes)", stage: "fetch")
            }
            await parseLimit.acquire()
            defer { parseLimit.release() }
            return .success(try extractor.candidates(for: job, document: document))
        } catch {
            return .failure(error)
        }
    }

    private func deadLetter(_ message: KafkaMessage, _ error: JobError, stop: StopSignal) async throws {
        let record = DeadLetter(message: message, error: error)
        do {
            _ = try await producer.send(topic: config.topics.dlq, key: record.key, value: record.value, headers: record.headers)
        } catch {
            logger.critical("DLQ produce failed; stopping (the job will be redone)", metadata: ["error": "\(error)"])
            stop.stop()
            throw error
        }
        logger.notice("job sent to the DLQ", metadata: ["reason": "\(error.code.rawValue)", "message": "\(error.message)",
                                                         "source": "\(message.topic)[\(message.partition)]@\(message.offset)"])
        stats.dlq.add(1, ordering: .relaxed)
        metrics.dlq(error.code)
        metrics.jobsDLQ.increment()
    }

    /// Marks a job done: stores the partition's offset up to the contiguous done prefix and
    /// resumes intake when enough work drained.
    private func finish(_ message: KafkaMessage) {
        stats.jobs.add(1, ordering: .relaxed)
        health?.progressed(.extract)
        state.withLock { s in
            s.inFlight -= 1
            stats.inFlight.store(s.inFlight, ordering: .relaxed)
            metrics.inFlight.record(s.inFlight)
            if let passed = s.partitions[message.partition]?.finish(message.offset) {
                do {
                    try consumer.storeOffset(topic: message.topic, partition: message.partition, offset: passed)
                } catch {
                    logger.debug("offset not stored (partition no longer assigned?)", metadata: ["error": "\(error)"])
                }
            }
            if s.paused && !s.stopping && s.inFlight <= config.worker.maxInFlightJobs / 2 {
                s.paused = false
                resumeAll()
            }
        }
    }

    // MARK: - Rebalances and shutdown

    private func currentAssignment() -> [TopicPartition] {
        (try? consumer.assignment()) ?? []
    }

    private func pauseAll() {
        let parts = currentAssignment()
        if !parts.isEmpty { try? consumer.pause(parts) }
    }

    private func resumeAll() {
        let parts = currentAssignment()
        if !parts.isEmpty { try? consumer.resume(parts) }
    }

    private func assigned(_ partitions: [TopicPartition]) {
        logger.info("extract partitions assigned", metadata: ["partitions": "\(partitions.map(\.partition))"])
        state.withLock { s in
            for p in partitions where s.partitions[p.partition] == nil { s.partitions[p.partition] = PartitionOffsets() }
            if s.paused || s.stopping { try? consumer.pause(partitions) }
        }
        metrics.extractPartitions.record(currentAssignment().count)
    }

    private func revoked(_ revocation: PartitionRevocation) async {
        let ids = Set(revocation.partitions.map(\.partition))
        logger.info("extract partitions revoked", metadata: ["partitions": "\(ids.sorted())", "lost": "\(revocation.lost)"])
        if !revocation.lost {
            let drained = await waitUntil(timeout: config.worker.shutdownTimeout) {
                state.withLock { s in ids.allSatisfy { (s.partitions[$0]?.inFlight ?? 0) == 0 } }
            }
            if !drained { logger.warning("revoked partitions still had jobs in flight; the new owner redoes them") }
            do { try await consumer.commit() } catch { logger.warning("commit on revoke failed", metadata: ["error": "\(error)"]) }
        }
        state.withLock { s in for id in ids { s.partitions[id] = nil } }
        revocation.acknowledge()
    }

    /// Stops intake, drains, commits, leaves the group.
    private func shutdown() async {
        state.withLock { s in
            s.stopping = true
            pauseAll()
        }
        let inFlight = state.withLock { $0.inFlight }
        logger.info("extract stage draining", metadata: ["in_flight": "\(inFlight)", "timeout": "\(config.worker.shutdownTimeout)"])
        let drained = await waitUntil(timeout: config.worker.shutdownTimeout) { state.withLock { $0.inFlight == 0 } }
        if !drained {
            logger.warning("shutdown timeout: jobs still in flight are not committed and will be redone",
                           metadata: ["in_flight": "\(state.withLock { $0.inFlight })"])
        }
        do { try await consumer.commit() } catch { logger.warning("final commit failed", metadata: ["error": "\(error)"]) }
        await consumer.close()
    }
}
