import Articles
import Normalization
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

    /// What became of one job.
    private enum Outcome {
        /// The candidates to produce, and how many more were known duplicates (``KnownCandidates``).
        case candidates([Candidate], known: Int, FetchJob, FetchedDocument)
        case deadLetter(JobError)
        /// A transient fetch failure: re-produce the job (`attempt + 1`, `not_before`) to `topics.retry`.
        case retry(FetchJob, JobError)
        /// The stage stopped while the job waited for its `not_before`: left uncommitted for the next owner.
        case abandoned
    }

    private let config: FeedworkerConfig
    /// The topic consumed: `topics.fetch_jobs`, or `topics.retry` for the retry instance.
    private let topic: String
    private let group: String
    private let consumer: KafkaConsumer
    private let producer: KafkaProducer
    private let source: any DocumentSource
    private let extractor: any CandidateExtractor
    private let stats: PipelineStats
    private let logger: Logger
    private let metrics = PipelineMetrics()
    private let state = Mutex(State())
    private let health: WorkerHealth?
    /// The producer's `message.max.bytes`: a job with a larger event goes to the DLQ.
    private let sizeLimit: MessageSizeLimit
    /// Hashes already acknowledged on `topics.candidates` by this process (shared with the retry instance).
    private let known: KnownCandidates

    /// Default `queued.max.messages.kbytes` of the job consumer (64 MB), unless `[kafka.properties]` sets it.
    static let prefetchKilobytes = "65536"
    /// Default `fetch.max.bytes` of the job consumer (2 MB; librdkafka's is 50 MB), unless
    /// `[kafka.properties]` sets it: bounds how far a fetch response overshoots the prefetch queue.
    static let fetchMaxBytes = 2 * 1024 * 1024

    /// Creates the stage and its group consumer (not yet subscribed).
    /// - Parameter topic: the topic to consume (`topics.fetch_jobs` when nil; the worker runs a
    ///   second instance on `topics.retry`, group `groups.retry`, its own in-flight budget and pauses).
    /// - Parameter known: the process's acknowledged hashes (one shared by both instances; the
    ///   ``Worker`` makes it, off unless the producer's `acks` is `all`); nil = no cache.
    public init(config: FeedworkerConfig, producer: KafkaProducer, source: any DocumentSource,
                extractor: any CandidateExtractor, stats: PipelineStats, logger: Logger, topic: String? = nil,
                health: WorkerHealth? = nil, known: KnownCandidates? = nil) throws(KafkaError) {
        self.known = known ?? KnownCandidates(capacity: 0)
        self.config = config
        self.topic = topic ?? config.topics.fetchJobs
        self.group = topic == nil ? config.groups.extract : config.groups.retry
        self.health = health
        self.producer = producer
        self.source = source
        self.extractor = extractor
        self.stats = stats
        self.logger = logger
        sizeLimit = MessageSizeLimit(producer: producer)
        var props = KafkaConfiguration(config.kafkaProperties(clientSuffix: topic == nil ? "extract" : "extract-retry"))
        props["group.id"] = group
        if !config.kafka.groupInstanceID.isEmpty { props["group.instance.id"] = config.kafka.groupInstanceID }
        // The prefetch queue must hold about a second of jobs: librdkafka 2.0.2 stops fetching a
        // partition once the queue is over this size and looks at it again only when its broker
        // thread next wakes up (up to ~1 s later; draining the queue does not wake it), so a queue
        // that drains in less than that leaves the stage idle. 16 MB (~120 page jobs) capped the
        // stage near 16 MB/s; 64 MB (librdkafka's own default) covers 400+ page jobs per second.
        // Memory stays bounded: backpressure pauses the partitions at `max_in_flight_jobs`.
        if props["queued.max.messages.kbytes"] == nil { props["queued.max.messages.kbytes"] = Self.prefetchKilobytes }
        // librdkafka issues a fetch while the prefetch queue is under its limit, so the queue can
        // overshoot by a whole fetch response (default `fetch.max.bytes` 50 MB here: the queue
        // limit caps it only below 50 MB), and a response's buffer lives until its last message
        // is polled (one response per broker). 2 MB fetches keep that overshoot small; on long
        // bursts their peaks were lower than with 8 MB (2,536 page jobs: median 190 against 224
        // MB, ranges 181–216 and 190–239; docs/benchmarks.md, tenth session) at the same CPU per
        // job. At least `message.max.bytes` (as librdkafka reads it), which librdkafka requires of
        // an explicit `fetch.max.bytes`.
        if props["fetch.max.bytes"] == nil {
            let messageMax = MessageSizeLimit(properties: props.properties).maxMessageBytes
            props["fetch.max.bytes"] = String(max(Self.fetchMaxBytes, messageMax))
        }
        consumer = try KafkaConsumer(configuration: props, bufferCapacity: 32,
                                     revocationTimeout: config.worker.shutdownTimeout + .seconds(5),
                                     logger: Logger(label: "feedworker.kafka.extract"))
    }

    /// Consumes jobs until `stop` is signalled, then drains in-flight jobs (up to
    /// `shutdown_timeout`), commits and leaves the group.
    /// - Throws: a ``KafkaError`` when a produce fails for good (after signalling `stop`).
    public func run(stop: StopSignal) async throws {
        try consumer.subscribe(topics: [topic])
        // The watchdog follows the main job stage; the retry stage may legitimately hold jobs for minutes.
        if topic == config.topics.fetchJobs {
            health?.register(.extract) { [self] in self.consumer.bufferedEventCount + self.state.withLock { $0.inFlight } }
        }
        let permits = config.worker.parseConcurrency > 0 ? config.worker.parseConcurrency : ProcessInfo.processInfo.activeProcessorCount
        let parseLimit = AsyncSemaphore(permits: permits)
        logger.info("extract stage started", metadata: ["topic": "\(topic)", "group": "\(group)",
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
                    let consumed = JobClock.now()
                    group.addTask { try await self.process(message, consumed: consumed, parseLimit: parseLimit, stop: stop) }
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
            guard s.partitions[message.partition, default: PartitionOffsets()].begin(message.offset) else {
                stats.redeliveriesSkipped.add(1, ordering: .relaxed)
                return false
            }
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

    /// - Parameter consumed: when the stage read the job from its consumer (the start of
    ///   `feedworker_job_latency`; sent along with the candidates for the `clean` latency).
    private func process(_ message: KafkaMessage, consumed: JobClock.Instant, parseLimit: AsyncSemaphore, stop: StopSignal) async throws {
        let started = ContinuousClock.now
        switch await prepare(message, parseLimit: parseLimit, stop: stop) {
        case .abandoned:
            abandon(message)
            return
        case .retry(let job, let jobError):
            try await retry(message, job, jobError, stop: stop)
        case .candidates(let candidates, let knownCount, let job, let document):
            let consumedHeader = consumed.header
            if let (index, size) = sizeLimit.firstOversized(candidates, extraHeaders: [consumedHeader]) {
                let error = JobError(.eventTooLarge, "article event \(index + 1) of \(candidates.count) is \(size) bytes, over the producer's message.max.bytes of \(sizeLimit.maxMessageBytes); no event of the job was produced",
                                     stage: "produce")
                try await deadLetter(message, error, stop: stop)
                break
            }
            let messages = candidates.map { (key: Optional($0.hash.hexBytes), value: Optional($0.value), headers: $0.headers + [consumedHeader],
                                             partition: Int32?.none) }
            do {
                if !messages.isEmpty { _ = try await producer.sendAll(topic: config.topics.candidates, messages) }
                known.insert(candidates.lazy.map(\.hash))
            } catch where error.isMessageTooLarge {
                // Refused for its size after the check above: by the broker, whose limit for the
                // topic is below message.max.bytes. A permanent error of this job's events, not of
                // the worker: the job goes to the DLQ (events of it already acknowledged stay, and
                // dedupe absorbs them if the job is replayed).
                let jobError = JobError(.eventTooLarge, "the broker refused an article event as too large (\(error.message)); set message.max.bytes to \(config.topics.candidates)'s max.message.bytes",
                                        stage: "produce")
                try await deadLetter(message, jobError, stop: stop)
                break
            } catch {
                logger.critical("candidate produce failed; stopping (the job will be redone)",
                                metadata: ["error": "\(error)", "job_offset": "\(message.partition)@\(message.offset)"])
                stop.stop()
                throw error
            }
            await source.documentProcessed(document, for: job)
            stats.candidates.add(candidates.count, ordering: .relaxed)
            metrics.candidates.increment(by: candidates.count)
            if knownCount > 0 {
                stats.knownDuplicates.add(knownCount, ordering: .relaxed)
                metrics.knownDuplicates.increment(by: knownCount)
            }
            if candidates.isEmpty && knownCount == 0 {
                stats.jobsEmpty.add(1, ordering: .relaxed)
                metrics.jobsEmpty.increment()
            } else {
                stats.jobsWithArticles.add(1, ordering: .relaxed)
                metrics.jobsWithArticles.increment()
            }
        case .deadLetter(let jobError):
            try await deadLetter(message, jobError, stop: stop)
        }
        let done = ContinuousClock.now
        metrics.extractDuration.recordNanoseconds(Int64((done - started) / .nanoseconds(1)))
        metrics.jobLatency.recordNanoseconds(Int64((done - consumed.monotonic) / .nanoseconds(1)))
        finish(message)
    }

    private func prepare(_ message: KafkaMessage, parseLimit: AsyncSemaphore, stop: StopSignal) async -> Outcome {
        var decoded: FetchJob?
        // The job is decoded under the parse permit too: CPU work, and at most parse_concurrency
        // decoded bodies exist at once (the other in-flight jobs hold only their message bytes).
        // A job that waits for its not_before or is fetched over HTTP gives the permit back meanwhile.
        await parseLimit.acquire()
        var holdsPermit = true
        defer { if holdsPermit { parseLimit.release() } }
        do throws(JobError) {
            let job = try FetchJob.decode(message.value ?? [], maxBodyBytes: config.worker.maxBodyBytes)
            decoded = job
            let waits = job.notBefore != nil || job.body == nil
            if waits {
                parseLimit.release()
                holdsPermit = false
            }
            if let notBefore = job.notBefore, !(await hold(until: notBefore, stop: stop)) { return .abandoned }
            let document = try await source.document(for: job)
            if document.notModified { return .candidates([], known: 0, job, document) }
            if document.bytes.count > config.worker.maxBodyBytes {
                throw JobError(.bodyTooLarge, "document is \(document.bytes.count) bytes, over the cap of \(config.worker.maxBodyBytes)", stage: "fetch")
            }
            if waits {
                await parseLimit.acquire()
                holdsPermit = true
            }
            let (candidates, knownCount) = try extractor.candidates(for: job, document: document, skipping: known.contains)
            return .candidates(candidates, known: knownCount, job, document)
        } catch {
            if error.retryAfter != nil, let job = decoded { return .retry(job, error) }
            return .deadLetter(error)
        }
    }

    /// Waits (in 100 ms steps, so a stop is noticed) until `notBefore`; false if the stage stops first.
    /// The job keeps its in-flight slot meanwhile: the retry instance's own budget, so fresh jobs
    /// are never held up by retries.
    private func hold(until notBefore: Timestamp, stop: StopSignal) async -> Bool {
        while true {
            if stop.isStopped || state.withLock({ $0.stopping }) { return false }
            let remaining = Double(notBefore.secondsSinceEpoch) - Date().timeIntervalSince1970
            if remaining <= 0 { return true }
            try? await Task.sleep(for: .milliseconds(Int64(min(remaining, 0.1) * 1000) + 1))
        }
    }

    /// Re-produces `job` with `attempt + 1` and `not_before` = now + the policy's delay to
    /// `topics.retry`; the original offset is committed once the retry is acknowledged.
    private func retry(_ message: KafkaMessage, _ job: FetchJob, _ error: JobError, stop: StopSignal) async throws {
        var next = job
        next.attempt = max(job.attempt, 1) + 1
        let delay = error.retryAfter ?? .zero
        let delayMilliseconds = delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000
        // Whole seconds, rounded up: never earlier than the policy asked.
        next.notBefore = Timestamp(secondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000 + Double(delayMilliseconds) + 999) / 1000))
        do {
            _ = try await producer.send(topic: config.topics.retry, key: message.key, value: next.encodeJSON(), headers: message.headers)
        } catch {
            logger.critical("retry produce failed; stopping (the job will be redone)", metadata: ["error": "\(error)"])
            stop.stop()
            throw error
        }
        logger.info("job handed to the retry topic", metadata: ["reason": "\(error.reason)", "attempt": "\(next.attempt)",
                                                                "delay": "\(delay)", "url": "\(job.url)"])
        stats.retried.add(1, ordering: .relaxed)
        metrics.jobsRetried.increment()
    }

    /// Releases the in-flight slot of a job left uncommitted (the stage is stopping).
    private func abandon(_ message: KafkaMessage) {
        state.withLock { s in
            s.inFlight -= 1
            stats.inFlight.store(s.inFlight, ordering: .relaxed)
        }
    }

    private func deadLetter(_ message: KafkaMessage, _ error: JobError, stop: StopSignal) async throws {
        let record = DeadLetter(message: message, error: error).fitted(to: sizeLimit)
        if record.value?.count != message.value?.count {
            logger.warning("job larger than the producer's message.max.bytes: its DLQ record keeps the first bytes only",
                           metadata: ["bytes": "\(message.value?.count ?? 0)", "limit": "\(sizeLimit.maxMessageBytes)",
                                      "source": "\(message.topic)[\(message.partition)]@\(message.offset)"])
        }
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
        setPaused(currentAssignment(), true)
    }

    private func resumeAll() {
        setPaused(currentAssignment(), false)
    }

    /// Pauses or resumes `partitions`; a failure is logged (a pause that did not take means
    /// backpressure is off for those partitions until the next pause).
    private func setPaused(_ partitions: [TopicPartition], _ pause: Bool) {
        guard !partitions.isEmpty else { return }
        do {
            if pause { try consumer.pause(partitions) } else { try consumer.resume(partitions) }
        } catch {
            logger.warning(pause ? "pausing partitions failed" : "resuming partitions failed",
                           metadata: ["partitions": "\(partitions.map(\.partition))", "error": "\(error)"])
        }
    }

    private func assigned(_ partitions: [TopicPartition]) {
        logger.info("extract partitions assigned", metadata: ["partitions": "\(partitions.map(\.partition))"])
        state.withLock { s in
            for p in partitions where s.partitions[p.partition] == nil { s.partitions[p.partition] = PartitionOffsets() }
            if s.paused || s.stopping { setPaused(partitions, true) }
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
