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
