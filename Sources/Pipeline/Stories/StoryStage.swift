import Config
import Foundation
import Kafka
import Logging
import Metrics
import Stories

/// The story stage (issue 12): gives every clean article exactly one story event on
/// `topics.stories`, deciding across all clean partitions with one active decider.
///
/// **Single active owner.** `topics.stories` has exactly one partition. Every worker running the
/// stage joins group `groups.stories` subscribed to it; Kafka assigns partition 0 to one member,
/// and that member alone decides (the others wait, and one of them takes over on a rebalance).
/// The owner pauses the group consumer (it reads nothing through it) and:
/// 1. opens its ``StoryStore`` and rebuilds a `StoryDecider` from it;
/// 2. **restores** from `topics.stories` (the changelog) from the store's applied offset to the
///    high watermark: every event applied to the decider and the store, its `clean.partition` /
///    `clean.offset` headers moving the read position of that clean partition;
/// 3. reads every clean partition (assign mode) from its position: decide → produce the story
///    event to stories partition 0 (key: content hash) → record it in the store once acknowledged.
///
/// The read positions live in the changelog itself, not in consumer-group commits, so a crash
/// between produce and anything else decides nothing twice: the next owner's restore sees the
/// event and starts after its clean offset; a clean event redelivered for any other reason
/// (a hash the dedupe stage published twice) is known to the decider and gets no second event.
public final class StoryStage: Sendable {
    private let config: FeedworkerConfig
    private let consumer: KafkaConsumer
    private let core: StoryCore
    private let logger: Logger
    private let deliveries: AsyncStream<StoryDelivery>
    private let deliveryContinuation: AsyncStream<StoryDelivery>.Continuation
    private let health: WorkerHealth?
    /// The clean reader, for the health check's pending count.
    private let cleanConsumer: KafkaConsumer

    /// Creates the stage's three consumers (group election, changelog restore, clean reader); it
    /// produces through the worker's shared `producer` and counts into `stats.stories`.
    /// Throws a `KafkaError` for a bad client configuration, a `StoryError` for bad `[stories]` values.
    public init(config: FeedworkerConfig, producer: KafkaProducer, stats: PipelineStats, logger: Logger,
                health: WorkerHealth? = nil) throws {
        self.config = config
        self.logger = logger
        self.health = health
        var props = KafkaConfiguration(config.kafkaProperties(clientSuffix: "stories"))
        props["group.id"] = config.groups.stories
        if !config.kafka.groupInstanceID.isEmpty { props["group.instance.id"] = config.kafka.groupInstanceID + "-stories" }
        consumer = try KafkaConsumer(configuration: props, bufferCapacity: 64,
                                     revocationTimeout: config.worker.shutdownTimeout + .seconds(5),
                                     logger: Logger(label: "feedworker.kafka.stories"))
        var restoreProps = KafkaConfiguration(config.kafkaProperties(clientSuffix: "stories-restore"))
        restoreProps["enable.partition.eof"] = "true"
        let restoreConsumer = try KafkaConsumer(configuration: restoreProps, bufferCapacity: 4096,
                                                logger: Logger(label: "feedworker.kafka.stories-restore"))
        var cleanProps = KafkaConfiguration(config.kafkaProperties(clientSuffix: "stories-clean"))
        if cleanProps["queued.max.messages.kbytes"] == nil { cleanProps["queued.max.messages.kbytes"] = "16384" }
        let cleanConsumer = try KafkaConsumer(configuration: cleanProps, bufferCapacity: 1024,
                                              logger: Logger(label: "feedworker.kafka.stories-clean"))
        self.cleanConsumer = cleanConsumer
        (deliveries, deliveryContinuation) = AsyncStream.makeStream(of: StoryDelivery.self)
        let decider = try StoryDecider(maxDistance: config.stories.maxDistance,
                                       windowSeconds: Int64(config.stories.windowDays) * 86_400)
        core = StoryCore(config: config, restoreConsumer: restoreConsumer, cleanConsumer: cleanConsumer, producer: producer,
                         stats: stats, logger: logger, deliveries: deliveryContinuation, emptyDecider: decider,
                         health: health)
    }

    /// Runs until `stop`: decides while this worker owns the stories partition, waits otherwise.
    public func run(stop: StopSignal) async throws {
        try consumer.subscribe(topics: [config.topics.stories])
        if let health {
            // Pending: clean events the reader holds. A worker that does not decide reads nothing.
            health.register(.stories) { [cleanConsumer] in cleanConsumer.bufferedEventCount }
            health.markReady(.stories)
        }
        logger.info("story stage started", metadata: ["clean": "\(config.topics.clean)", "stories": "\(config.topics.stories)",
                                                      "group": "\(config.groups.stories)"])
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                await stop.wait()
                await self.core.deactivate(lost: false)
                await self.consumer.close()
                await self.core.closeConsumers()
                self.deliveryContinuation.finish()
            }
            group.addTask {
                for await delivery in self.deliveries {
                    do { try await self.core.delivered(delivery) } catch {
                        self.logger.critical("story event produce or record failed; stopping (the next owner restores and redoes it)",
                                             metadata: ["error": "\(error)"])
                        stop.stop()
                        throw error
                    }
                }
            }
            group.addTask {
                do { try await self.core.readClean(stop: stop) } catch {
                    self.logger.critical("story decision failed; stopping", metadata: ["error": "\(error)"])
                    stop.stop()
                    throw error
                }
            }
            group.addTask {
                let clock = ContinuousClock()
                var nextPurge = clock.now + self.config.store.purgeInterval
                while !stop.isStopped {
                    try? await Task.sleep(for: .seconds(2))
                    await self.core.flush()
                    if clock.now >= nextPurge {
                        await self.core.purge()
                        nextPurge = clock.now + self.config.store.purgeInterval
                    }
                }
            }
            for await event in consumer.events {
                switch event {
                case .partitionsAssigned(let partitions):
                    guard partitions.contains(where: { $0.topic == config.topics.stories && $0.partition == 0 }) else { continue }
                    // The group consumer only elects: it reads nothing (the restore consumer does).
                    try? consumer.pause(partitions)
                    health?.setRestoring(.stories, true)
                    defer { health?.setRestoring(.stories, false) }
                    do { try await core.activate() } catch {
                        logger.critical("story restore failed; stopping", metadata: ["error": "\(error)"])
                        stop.stop()
                        throw error
                    }
                case .partitionsRevoked(let revocation):
                    if revocation.partitions.contains(where: { $0.topic == config.topics.stories && $0.partition == 0 }) {
                        await core.deactivate(lost: revocation.lost)
                    }
                    revocation.acknowledge()
                case .error(let error):
                    logger.warning("story consumer error", metadata: ["error": "\(error)"])
                case .message, .endOfPartition:
                    break
                }
            }
            stop.stop()
        }
        health?.stageStopped(.stories)
        logger.info("story stage stopped", metadata: ["stats": "\(core.statsSummary)"])
    }
}

/// A story event's acknowledgement, routed back to the stage's actor.
struct StoryDelivery: Sendable {
    var decision: StoryDecision
    var clean: (partition: Int32, offset: Int64)
    var generation: Int
    var result: Result<DeliveryReport, KafkaError>
}

/// `feedworker_stories_total{relation}` and the restore counter.
struct StoryMetrics: Sendable {
    let started = Counter(label: "feedworker_stories_total", dimensions: [("relation", StoryRelation.new.rawValue)])
    let nearDuplicates = Counter(label: "feedworker_stories_total", dimensions: [("relation", StoryRelation.nearDuplicate.rawValue)])
    let updates = Counter(label: "feedworker_stories_total", dimensions: [("relation", StoryRelation.update.rawValue)])
    let restored = Counter(label: "feedworker_stories_restored_total")
    /// Restores that met a gap in `topics.stories` (its retention ran past the store).
    let changelogGaps = Counter(label: "feedworker_stories_changelog_gaps_total")
    let members = Gauge(label: "feedworker_story_index_members")

    func count(_ relation: StoryRelation) {
        switch relation {
        case .new: started.increment()
        case .nearDuplicate: nearDuplicates.increment()
        case .update: updates.increment()
        }
    }
}
