import Config
import Kafka
import Logging
import ServiceLifecycle

/// One feedworker process: the stages of `worker.roles` sharing one producer, as a
/// swift-service-lifecycle `Service`.
///
/// Graceful shutdown (SIGTERM/SIGINT through the `ServiceGroup`) stops intake, lets in-flight work
/// finish within `worker.shutdown_timeout`, commits, leaves the groups, then flushes and closes
/// the producer; `run()` then returns and the process exits 0.
public struct Worker: Service {
    public let config: FeedworkerConfig
    /// Totals since start.
    public let stats: PipelineStats
    private let source: any DocumentSource
    private let extractor: any CandidateExtractor
    private let logger: Logger
    /// Liveness/readiness fed by the stages (the watchdog's health check, `READY=1`).
    public let health: WorkerHealth?

    /// - Parameters:
    ///   - source: where documents come from (inline bodies by default; ``HTTPDocumentSource`` in
    ///     `feedworker run`). A source that retries jobs also gets an extract stage on `topics.retry`.
    ///   - extractor: document → candidates (``ArticleCandidateExtractor`` by default).
    ///   - health: optional ``WorkerHealth`` the stages report progress and readiness to.
    public init(config: FeedworkerConfig, source: any DocumentSource = InlineDocumentSource(),
                extractor: (any CandidateExtractor)? = nil, stats: PipelineStats = PipelineStats(),
                logger: Logger = Logger(label: "feedworker"), health: WorkerHealth? = nil) {
        self.config = config
        self.health = health
        self.source = source
        self.extractor = extractor ?? ArticleCandidateExtractor(maxDocumentBytes: config.worker.maxBodyBytes)
        self.stats = stats
        self.logger = logger
    }

    /// `worker.known_candidates`, or 0 when the producer's acknowledgement does not mean the
    /// candidate is stored: the cache skips repeats of acknowledged hashes, which is exact only if
    /// an acknowledged candidate cannot be lost (`acks=all`, librdkafka's and this producer's
    /// default). With `acks=0` or `1` a leader failover can lose an acknowledged candidate, and a
    /// repeat must then be produced again.
    /// - Parameter acks: the producer's `acks` as librdkafka applies it (``KafkaProducer/effectiveProperty(_:)``).
    static func knownCandidatesCapacity(config: FeedworkerConfig, acks: String?, logger: Logger) -> Int {
        guard config.worker.knownCandidates > 0 else { return 0 }
        let acks = acks ?? "unknown"
        guard acks == "all" || acks == "-1" else {
            logger.warning("known candidates off: the producer's acks is not all, so an acknowledged candidate may be lost and its repeats are produced again",
                           metadata: ["acks": "\(acks)", "known_candidates": "\(config.worker.knownCandidates)"])
            return 0
        }
        return config.worker.knownCandidates
    }

    /// Runs until graceful shutdown (the service-lifecycle entry point).
    public func run() async throws {
        let stop = StopSignal()
        try await withGracefulShutdownHandler {
            try await run(stop: stop)
        } onGracefulShutdown: {
            logger.notice("shutdown requested: stopping intake and draining")
            stop.stop()
        }
    }

    /// Runs until `stop` is signalled (or a stage fails), then drains and closes everything.
    public func run(stop: StopSignal) async throws {
        var producerProps = KafkaConfiguration(config.kafkaProperties(clientSuffix: "producer"))
        if producerProps["message.timeout.ms"] == nil {
            let ms = config.worker.produceTimeout.components.seconds * 1000 + config.worker.produceTimeout.components.attoseconds / 1_000_000_000_000_000
            producerProps["message.timeout.ms"] = String(ms)
        }
        if config.worker.roles.contains(.dedupe) {
            // Candidates and clean with different partition counts break exact dedupe silently.
            try await TopicManager(config: config).startupCheck(logger: logger)
        }
        let producer = try KafkaProducer(configuration: producerProps, logger: Logger(label: "feedworker.kafka.producer"))
        logger.info("worker starting", metadata: ["roles": "\(config.worker.roles.map(\.rawValue))", "brokers": "\(config.kafka.brokers)"])
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                // The output topics' metadata, fetched while the groups join: otherwise the first
                // job's candidates (and the first clean event, DLQ record) wait for it.
                // Only topics this worker writes to anyway (a lookup may auto-create a topic).
                var outputs = [config.topics.dlq]
                if config.worker.roles.contains(.extract) {
                    outputs.append(config.topics.candidates)
                    if source.retriesJobs { outputs.append(config.topics.retry) }
                }
                if config.worker.roles.contains(.dedupe) { outputs.append(config.topics.clean) }
                let runsStories = config.stories.enabled && config.worker.roles.contains(.dedupe)
                if runsStories { outputs.append(config.topics.stories) }
                group.addTask { [outputs] in await producer.prepare(topics: outputs, timeout: .seconds(2)) }
                if config.worker.roles.contains(.extract) {
                    let known = KnownCandidates(capacity: Self.knownCandidatesCapacity(config: config, acks: producer.effectiveProperty("acks"), logger: logger))
                    let stage = try ExtractStage(config: config, producer: producer, source: source, extractor: extractor,
                                                 stats: stats, logger: logger, health: health, known: known)
                    group.addTask(priority: .medium) { try await stage.run(stop: stop) }
                    if source.retriesJobs && config.topics.retry != config.topics.fetchJobs {
                        let retryStage = try ExtractStage(config: config, producer: producer, source: source, extractor: extractor,
                                                          stats: stats, logger: logger, topic: config.topics.retry, known: known)
                        group.addTask(priority: .medium) { try await retryStage.run(stop: stop) }
                    }
                }
                if config.worker.roles.contains(.dedupe) {
                    let stage = try DedupeStage(config: config, producer: producer, stats: stats, logger: logger, health: health)
                    // Above the extract stage's parses on the cooperative pool: otherwise, at
                    // saturation, every dedupe step waits behind the queued parses, candidates pile
                    // up and a job's clean event trails its candidates by seconds.
                    group.addTask(priority: .high) { try await stage.run(stop: stop) }
                }
                if runsStories {
                    // Every such worker joins the story group; the owner of the one stories partition decides.
                    let stage = try StoryStage(config: config, producer: producer, stats: stats, logger: logger, health: health)
                    group.addTask(priority: .medium) { try await stage.run(stop: stop) }
                }
                do {
                    try await group.waitForAll()
                } catch {
                    stop.stop()
                    throw error
                }
            }
        } catch {
            await producer.close(timeout: .seconds(5))
            logger.error("worker stopped with an error", metadata: ["error": "\(error)", "stats": "\(stats.summary)"])
            throw error
        }
        await producer.close(timeout: .seconds(10))
        logger.notice("worker stopped", metadata: ["stats": "\(stats.summary)"])
    }
}
