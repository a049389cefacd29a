/// # Kafka module API overview
///
/// ```swift
/// // Producer: every send returns the broker's acknowledgement or a typed error.
/// let producer = try KafkaProducer(configuration: ["bootstrap.servers": bootstrap])
/// let report = try await producer.send(topic: "t", key: Array("k".utf8), value: bytes,
///                                      headers: [KafkaHeader(key: "job_id", string: "42")])
/// // report.partition, report.offset
/// try await producer.enqueue(topic: "t", key: k, value: v) { result in ... }  // many in flight
/// try await producer.flush(timeout: .seconds(10)); await producer.close()
///
/// // Group consumer, at-least-once: store what is done, commit, acknowledge revocations.
/// let consumer = try KafkaConsumer(configuration: ["bootstrap.servers": bootstrap, "group.id": "g"])
/// try consumer.subscribe(topics: ["t"])
/// for await event in consumer.events {
///     switch event {
///     case .message(let m): process(m); try consumer.store(m)        // stores m.offset + 1
///     case .partitionsAssigned(let parts): restore(parts)
///     case .partitionsRevoked(let revocation): try await consumer.commit(); revocation.acknowledge()
///     case .endOfPartition, .error: break
///     }
/// }
/// await consumer.close()   // commits stored offsets, leaves the group, ends `events`
///
/// // Assign mode (no group): read a partition from offset X up to the high watermark.
/// let reader = try KafkaConsumer(configuration: ["bootstrap.servers": bootstrap])
/// let marks = try await reader.watermarks(topic: "t", partition: 3)
/// try reader.assign([TopicPartitionOffset(topic: "t", partition: 3, offset: x)])
/// for await case .message(let m) in reader.events { apply(m); if m.offset + 1 >= marks.high { break } }
/// await reader.close()
///
/// // Admin and the embedded mock broker.
/// let cluster = try MockKafkaCluster(brokers: 3); try cluster.createTopic("t", partitions: 6)
/// let admin = try KafkaAdmin(configuration: ["bootstrap.servers": cluster.bootstrapServers])
/// let topics = try await admin.listTopics()
/// ```
import CRdKafka
import Foundation
import Logging
import Synchronization

/// The low and high watermark of a partition: the oldest offset still stored, and the offset the next
/// message will get.
public struct Watermarks: Sendable, Hashable {
    /// The oldest available offset.
    public var low: Int64
    /// The next offset to be written (the partition holds `low ..< high`).
    public var high: Int64

    /// Watermarks.
    public init(low: Int64, high: Int64) {
        self.low = low
        self.high = high
    }
}

/// A Kafka consumer: group (``subscribe(topics:)``) or manual assignment (``assign(_:)``), at-least-once
/// offsets, rebalance events, and a poll loop on its own thread feeding an `AsyncSequence`.
///
/// - Offsets are stored only when the caller says a message is done (``store(_:)`` /
///   ``storeOffset(topic:partition:offset:)``; `enable.auto.offset.store=false`), and committed by
///   ``commit()``, periodically by librdkafka when `enable.auto.commit=true` (the default), and by
///   ``close()``. Only stored offsets are ever committed.
/// - Rebalances appear in ``events`` in order with the messages: `.partitionsAssigned`, then that
///   partition's messages; `.partitionsRevoked` after the revoked partitions' last delivered
///   message. The poll thread waits for the revocation's `acknowledge()` (up to
///   `revocationTimeout`) before it gives the partitions up. Eager and cooperative
///   (`partition.assignment.strategy=cooperative-sticky`) protocols are both handled.
/// - Backpressure: ``events`` has a bounded buffer (`bufferCapacity` events); when it is full the
///   poll thread waits for the reader instead of fetching more into memory.
public final class KafkaConsumer: Sendable {
    /// Properties this consumer sets unless the configuration sets them.
    public static let defaults: [String: String] = [
        "enable.auto.offset.store": "false",
        "enable.auto.commit": "true",
        "auto.offset.reset": "earliest",
    ]

    private let handle: KafkaHandle
    private let buffer: EventBuffer
    private let stopping: StopFlag
    private let closing: StopFlag
    private let pollThread: ServiceThread
    private let closeOnce = Mutex(false)
    private let logger: Logger
    private let hasGroup: Bool
    /// Held by the poll thread while it polls, and by ``assign(_:)``/``unassign()`` while they
    /// replace the assignment: no poll straddles an assignment change (see ``assign(_:)``).
    private let pollGate: PollGate

    /// The consumer's events (messages, rebalances, errors); ends after ``close()``.
    /// Iterate it from one task at a time.
    public var events: KafkaConsumerEvents { KafkaConsumerEvents(buffer: buffer) }

    /// Creates a consumer and starts its poll thread.
    /// - Parameters:
    ///   - configuration: librdkafka properties; `bootstrap.servers`, and `group.id` for
    ///     ``subscribe(topics:)`` and commits (assign-only readers may omit it). ``defaults`` fill the rest.
    ///   - bufferCapacity: how many events may wait in ``events`` before the poll thread waits.
    ///   - revocationTimeout: how long a revocation waits for `acknowledge()`.
    ///   - logger: receives librdkafka's log lines, errors and (without a handler) statistics.
    public init(configuration: KafkaConfiguration, bufferCapacity: Int = 1024,
                revocationTimeout: Duration = .seconds(30),
                logger: Logger = Logger(label: "kafka.consumer"),
                statisticsHandler: (@Sendable (String) -> Void)? = nil) throws(KafkaError) {
        var config = configuration.withDefaults(Self.defaults)
        let hasGroup = config["group.id"] != nil
        if !hasGroup {
            // librdkafka 2.0.2 needs a group handle even for rd_kafka_assign; this one never joins
            // (subscribe is refused) and never commits.
            config["group.id"] = "feedworker-assign-only-\(UInt64.random(in: 0...UInt64.max))"
            config["enable.auto.commit"] = "false"
        }
        let context = ClientContext(logger: logger, statisticsHandler: statisticsHandler)
        let buffer = EventBuffer(capacity: bufferCapacity)
        let pollGate = PollGate()
        let closing = StopFlag()
        let stopping = StopFlag()
        context.rebalanceHandler.withLock {
            $0 = { rk, err, partitions in
                KafkaConsumer.rebalance(rk: rk, err: err, partitions: partitions, buffer: buffer,
                                        closing: closing, timeout: revocationTimeout, logger: logger)
            }
        }
        let handle = try KafkaHandle(type: RD_KAFKA_CONSUMER, configuration: config, context: context, what: "consumer") { conf in
            rd_kafka_conf_set_rebalance_cb(conf) { rk, err, partitions, opaque in
                guard let rk, let partitions, let context = ClientContext.from(opaque),
                      let handler = context.rebalanceHandler.withLock({ $0 }) else { return }
                handler(rk, err, partitions)
            }
        }
        // Serve rebalance/log/error callbacks from consumer_poll on our thread.
        rd_kafka_poll_set_consumer(handle.pointer)
        self.handle = handle
        self.buffer = buffer
        self.stopping = stopping
        self.closing = closing
        self.logger = logger
        self.hasGroup = hasGroup
        self.pollGate = pollGate
        self.pollThread = ServiceThread(name: "kafka-consumer-poll") { [handle] in
            KafkaConsumer.pollLoop(handle: handle, buffer: buffer, gate: pollGate, stopping: stopping, closing: closing,
                                   hasGroup: hasGroup, logger: logger)
        }
    }

    deinit {
        shutdown()
    }

    // MARK: - Subscription and assignment

    /// Joins the consumer group (`group.id`) for `topics`; assignments arrive as events.
    public func subscribe(topics: [String]) throws(KafkaError) {
        guard hasGroup else { throw KafkaError.invalidArgument("subscribe needs group.id in the configuration") }
        try handle.withHandle { rk throws(KafkaError) in
            let list = PartitionList.make(topics.map { TopicPartitionOffset(topic: $0, partition: RD_KAFKA_PARTITION_UA, offset: KafkaOffset.invalid) })
            defer { rd_kafka_topic_partition_list_destroy(list) }
            let err = rd_kafka_subscribe(rk, list)
            if !err.isSuccess { throw KafkaError(code: err, message: "subscribe \(topics)") }
        }
    }

    /// Assigns partitions directly, without a group, each starting at its offset (a concrete offset,
    /// ``KafkaOffset/beginning``, ``KafkaOffset/end`` or ``KafkaOffset/stored``). Replaces any assignment.
    ///
    /// Messages and end-of-partition events of the previous assignment that ``events`` has not
    /// delivered yet are discarded: once this returns, ``events`` yields only this assignment's.
    /// (librdkafka drops its own outdated fetches at the assignment change; this drops the ones
    /// already polled into the consumer's buffer. Without it, a partition read twice in a row could
    /// see the first read's end-of-partition event before the second read's records.)
    public func assign(_ partitions: [TopicPartitionOffset]) throws(KafkaError) {
        try replaceAssignment(partitions, what: "assign \(partitions)")
    }

    /// Removes the whole manual assignment (and, as ``assign(_:)`` does, the undelivered messages
    /// and end-of-partition events of the old one).
    public func unassign() throws(KafkaError) {
        try replaceAssignment(nil, what: "unassign")
    }

    private func replaceAssignment(_ partitions: [TopicPartitionOffset]?, what: @autoclosure () -> String) throws(KafkaError) {
        // A group consumer's assignment changes inside its rebalance callback, on the poll thread;
        // only a manual assignment is gated (a group consumer calling this would wait on itself).
        if !hasGroup {
            pollGate.announceChange()
            // Wake the poll in progress instead of waiting out its 100 ms timeout.
            try? handle.withHandle { rk throws(KafkaError) in
                if let queue = rd_kafka_queue_get_consumer(rk) {
                    rd_kafka_queue_yield(queue)
                    rd_kafka_queue_destroy(queue)
                }
            }
            pollGate.lockForChange()
        }
        defer {
            if !hasGroup {
                buffer.startNewAssignment()
                pollGate.unlockAfterChange()
            }
        }
        try handle.withHandle { rk throws(KafkaError) in
            if let partitions {
                try PartitionList.with(partitions) { list throws(KafkaError) in
                    let err = rd_kafka_assign(rk, list)
                    if !err.isSuccess { throw KafkaError(code: err, message: what()) }
                }
            } else {
                let err = rd_kafka_assign(rk, nil)
                if !err.isSuccess { throw KafkaError(code: err, message: what()) }
            }
        }
    }

    /// The partitions currently assigned to this consumer.
    public func assignment() throws(KafkaError) -> [TopicPartition] {
        try handle.withHandle { rk throws(KafkaError) in
            var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>? = nil
            let err = rd_kafka_assignment(rk, &list)
            defer { if let list { rd_kafka_topic_partition_list_destroy(list) } }
            if !err.isSuccess { throw KafkaError(code: err, message: "assignment") }
            return PartitionList.read(list).map(\.topicPartition)
        }
    }

    /// The group's rebalance protocol in use: `"EAGER"`, `"COOPERATIVE"` or `"NONE"` (no group yet).
    public var rebalanceProtocol: String {
        (try? handle.withHandle { rk throws(KafkaError) in rd_kafka_rebalance_protocol(rk).map { String(cString: $0) } ?? "NONE" }) ?? "NONE"
    }

    // MARK: - Offsets

    /// Marks `message` done: stores `message.offset + 1` as the partition's next offset to commit.
    public func store(_ message: KafkaMessage) throws(KafkaError) {
        try storeOffset(topic: message.topic, partition: message.partition, offset: message.offset)
    }

    /// Marks the message at `offset` done: stores `offset + 1` (the next offset to read) for commit.
    /// Fails with `_STATE` if the partition is not assigned to this consumer.
    public func storeOffset(topic: String, partition: Int32, offset: Int64) throws(KafkaError) {
        try handle.withHandle { rk throws(KafkaError) in
            try PartitionList.with([TopicPartitionOffset(topic: topic, partition: partition, offset: offset + 1)]) { list throws(KafkaError) in
                let err = rd_kafka_offsets_store(rk, list)
                let perPartition = PartitionList.read(list).first?.error
                if let perPartition { throw perPartition }
                if !err.isSuccess { throw KafkaError(code: err, message: "store offset \(offset)", topic: topic, partition: partition) }
            }
        }
    }

    /// Commits the stored offsets synchronously (on a helper thread). Nothing stored is not an error.
    public func commit() async throws(KafkaError) {
        let handle = self.handle
        try await runBlocking("kafka-commit") { () throws(KafkaError) in
            try handle.withHandle { rk throws(KafkaError) in
                let err = rd_kafka_commit(rk, nil, 0)
                if !err.isSuccess && err != RD_KAFKA_RESP_ERR__NO_OFFSET {
                    throw KafkaError(code: err, message: "commit")
                }
            }
        }
    }

    /// Commits explicit offsets (each the next offset to read) synchronously.
    public func commit(_ offsets: [TopicPartitionOffset]) async throws(KafkaError) {
        let handle = self.handle
        try await runBlocking("kafka-commit") { () throws(KafkaError) in
            try handle.withHandle { rk throws(KafkaError) in
                try PartitionList.with(offsets) { list throws(KafkaError) in
                    let err = rd_kafka_commit(rk, list, 0)
                    if let e = PartitionList.read(list).first(where: { $0.error != nil })?.error { throw e }
                    if !err.isSuccess { throw KafkaError(code: err, message: "commit \(offsets)") }
                }
            }
        }
    }

    /// The group's committed offsets for `partitions` (``KafkaOffset/invalid`` where none).
    public func committed(_ partitions: [TopicPartition], timeout: Duration = .seconds(10)) async throws(KafkaError) -> [TopicPartitionOffset] {
        let handle = self.handle
        let ms = timeout.milliseconds
        return try await runBlocking("kafka-committed") { () throws(KafkaError) -> [TopicPartitionOffset] in
            try handle.withHandle { rk throws(KafkaError) in
                let list = PartitionList.make(partitions)
                defer { rd_kafka_topic_partition_list_destroy(list) }
                let err = rd_kafka_committed(rk, list, ms)
                if !err.isSuccess { throw KafkaError(code: err, message: "committed") }
                return PartitionList.read(list)
            }
        }
    }

    /// The consumer's current position (next offset to fetch) for `partitions`.
    public func position(_ partitions: [TopicPartition]) throws(KafkaError) -> [TopicPartitionOffset] {
        try handle.withHandle { rk throws(KafkaError) in
            let list = PartitionList.make(partitions)
            defer { rd_kafka_topic_partition_list_destroy(list) }
            let err = rd_kafka_position(rk, list)
            if !err.isSuccess { throw KafkaError(code: err, message: "position") }
            return PartitionList.read(list)
        }
    }

    /// Queries the broker for a partition's low and high watermarks.
    public func watermarks(topic: String, partition: Int32, timeout: Duration = .seconds(10)) async throws(KafkaError) -> Watermarks {
        let handle = self.handle
        let ms = timeout.milliseconds
        return try await runBlocking("kafka-watermarks") { () throws(KafkaError) -> Watermarks in
            try handle.withHandle { rk throws(KafkaError) in
                var low: Int64 = 0
                var high: Int64 = 0
                let err = rd_kafka_query_watermark_offsets(rk, topic, partition, &low, &high, ms)
                if !err.isSuccess { throw KafkaError(code: err, topic: topic, partition: partition) }
                return Watermarks(low: low, high: high)
            }
        }
    }

    /// For each partition, the earliest offset whose timestamp is at or after `timestamp`
    /// (milliseconds since the epoch); ``KafkaOffset/end`` (-1) when no such message exists.
    public func offsetsForTimes(_ partitions: [TopicPartition], timestamp: Int64, timeout: Duration = .seconds(10)) async throws(KafkaError) -> [TopicPartitionOffset] {
        let handle = self.handle
        let ms = timeout.milliseconds
        return try await runBlocking("kafka-offsets-for-times") { () throws(KafkaError) -> [TopicPartitionOffset] in
            try handle.withHandle { rk throws(KafkaError) in
                let list = PartitionList.make(partitions, offset: timestamp)
                defer { rd_kafka_topic_partition_list_destroy(list) }
                let err = rd_kafka_offsets_for_times(rk, list, ms)
                if !err.isSuccess { throw KafkaError(code: err, message: "offsetsForTimes") }
                return PartitionList.read(list)
            }
        }
    }

    // MARK: - Flow control

    /// Stops fetching `partitions` (messages already in ``events`` are still delivered).
    public func pause(_ partitions: [TopicPartition]) throws(KafkaError) {
        try pauseResume(partitions, pause: true)
    }

    /// Resumes fetching `partitions` from their current position.
    public func resume(_ partitions: [TopicPartition]) throws(KafkaError) {
        try pauseResume(partitions, pause: false)
    }

    /// Moves the fetch position of an assigned partition (the next message delivered is at `offset`).
    public func seek(_ position: TopicPartitionOffset, timeout: Duration = .seconds(10)) async throws(KafkaError) {
        let handle = self.handle
        let ms = timeout.milliseconds
        try await runBlocking("kafka-seek") { () throws(KafkaError) in
            try handle.withHandle { rk throws(KafkaError) in
                try PartitionList.with([position]) { list throws(KafkaError) in
                    if let error = rd_kafka_seek_partitions(rk, list, ms) {
                        throw KafkaError(consuming: error, topic: position.topic, partition: position.partition)
                    }
                    if let e = PartitionList.read(list).first?.error { throw e }
                }
            }
        }
    }

    /// Number of events waiting in ``events``' buffer.
    public var bufferedEventCount: Int { buffer.bufferedCount }

    // MARK: - Close

    /// Commits the stored offsets, leaves the group (a final `.partitionsRevoked` is delivered without
    /// waiting for its acknowledgement), ends ``events`` and frees the client. Idempotent.
    public func close() async {
        if handle.isClosed { return }
        await runBlocking("kafka-consumer-close") { [self] in shutdown() }
    }

    private func shutdown() {
        let first = closeOnce.withLock { done -> Bool in
            if done { return false }
            done = true
            return true
        }
        guard first else { return }
        closing.set()
        stopping.set()
        pollThread.join()
        handle.destroy()
    }

    private func pauseResume(_ partitions: [TopicPartition], pause: Bool) throws(KafkaError) {
        try handle.withHandle { rk throws(KafkaError) in
            let list = PartitionList.make(partitions)
            defer { rd_kafka_topic_partition_list_destroy(list) }
            let err = pause ? rd_kafka_pause_partitions(rk, list) : rd_kafka_resume_partitions(rk, list)
            if let e = PartitionList.read(list).first(where: { $0.error != nil })?.error { throw e }
            if !err.isSuccess { throw KafkaError(code: err, message: pause ? "pause" : "resume") }
        }
    }

    // MARK: - Poll thread

    private static func pollLoop(handle: KafkaHandle, buffer: EventBuffer, gate: PollGate, stopping: StopFlag,
                                 closing: StopFlag, hasGroup: Bool, logger: Logger) {
        let rk = handle.pointer
        var fatal = false
        while !stopping.isSet && !fatal {
            // The gate is held for the polls only, not while waiting for room in the buffer: the
            // reader that makes room may be the task that is waiting to change the assignment.
            if !hasGroup { gate.lockForPoll() }
            buffer.beginStaging()
            guard let message = rd_kafka_consumer_poll(rk, 100) else {
                if !hasGroup { gate.unlockAfterPoll() }
                continue
            }
            var event = makeEvent(message)
            rd_kafka_message_destroy(message)
            buffer.stage(event)
            // Take what is already fetched without waiting, and hand it over under one lock.
            // (A rebalance callback inside consumer_poll pushes the staged events before its own.)
            while buffer.stagedCount > 0 && buffer.stagedCount < buffer.stagingLimit {
                if case .error(let error) = event, error.isFatal { fatal = true; break }
                guard let more = rd_kafka_consumer_poll(rk, 0) else { break }
                event = makeEvent(more)
                rd_kafka_message_destroy(more)
                buffer.stage(event)
            }
            if !hasGroup { gate.unlockAfterPoll() }
            if case .error(let error) = event, error.isFatal { fatal = true }
            buffer.flushStaged(stop: stopping)
        }
        closing.set()
        if hasGroup {
            let err = rd_kafka_commit(rk, nil, 0)
            if !err.isSuccess && err != RD_KAFKA_RESP_ERR__NO_OFFSET {
                logger.warning("consumer close: final commit failed: \(KafkaError(code: err))")
            }
        }
        // Leave the assignment before closing: closing in the middle of a (cooperative) rebalance
        // trips an assertion in librdkafka 2.0.2 (rd_kafka_cgrp_terminated), see librdkafka#4792/#4312.
        if hasGroup { _ = rd_kafka_unsubscribe(rk) } else { _ = rd_kafka_assign(rk, nil) }
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(10)
        var emptyPolls = 0
        while emptyPolls < 3 && clock.now < deadline {
            if let message = rd_kafka_consumer_poll(rk, 50) { rd_kafka_message_destroy(message) }
            var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>? = nil
            if rd_kafka_assignment(rk, &list).isSuccess, let list {
                emptyPolls = list.pointee.cnt == 0 ? emptyPolls + 1 : 0
                rd_kafka_topic_partition_list_destroy(list)
            } else {
                emptyPolls += 1
            }
        }
        let err = rd_kafka_consumer_close(rk)
        if !err.isSuccess && hasGroup { logger.warning("consumer close: \(KafkaError(code: err))") }
        buffer.finish()
    }

    private static func makeEvent(_ message: UnsafeMutablePointer<rd_kafka_message_t>) -> KafkaConsumerEvent {
        let m = message.pointee
        if m.err.isSuccess { return .message(KafkaMessage(message)) }
        let topic = m.rkt.map { String(cString: rd_kafka_topic_name($0)) }
        if m.err == RD_KAFKA_RESP_ERR__PARTITION_EOF {
            return .endOfPartition(TopicPartitionOffset(topic: topic ?? "", partition: m.partition, offset: m.offset))
        }
        let detail = rd_kafka_message_errstr(message).map { String(cString: $0) }
        let fatal = m.err == RD_KAFKA_RESP_ERR__FATAL
        return .error(KafkaError(code: m.err, message: detail, topic: topic, partition: m.partition >= 0 ? m.partition : nil,
                                 isFatal: fatal))
    }

    private static func rebalance(rk: OpaquePointer, err: rd_kafka_resp_err_t,
                                  partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>,
                                  buffer: EventBuffer, closing: StopFlag, timeout: Duration, logger: Logger) {
        let list = PartitionList.read(partitions).map(\.topicPartition)
        let cooperative = rd_kafka_rebalance_protocol(rk).map { String(cString: $0) } == "COOPERATIVE"
        switch err {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            if cooperative {
                if let error = rd_kafka_incremental_assign(rk, partitions) {
                    logger.error("incremental assign failed: \(KafkaError(consuming: error))")
                }
            } else {
                let e = rd_kafka_assign(rk, partitions)
                if !e.isSuccess { logger.error("assign failed: \(KafkaError(code: e))") }
            }
            logger.debug("partitions assigned: \(list)")
            if !list.isEmpty { buffer.push(.partitionsAssigned(list), force: true) }
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            let revocation = PartitionRevocation(partitions: list, lost: rd_kafka_assignment_lost(rk) != 0)
            logger.debug("partitions revoked: \(list)")
            if !list.isEmpty && buffer.push(.partitionsRevoked(revocation), force: true) && !closing.isSet {
                if !revocation.wait(timeout: timeout, cancel: closing) {
                    logger.warning("revocation of \(list) not acknowledged within \(timeout); giving them up")
                }
            }
            if cooperative {
                if let error = rd_kafka_incremental_unassign(rk, partitions) {
                    logger.error("incremental unassign failed: \(KafkaError(consuming: error))")
                }
            } else {
                _ = rd_kafka_assign(rk, nil)
            }
        default:
            logger.error("rebalance error: \(KafkaError(code: err))")
            _ = rd_kafka_assign(rk, nil)
            buffer.push(.error(KafkaError(code: err, message: "rebalance")), force: true)
        }
    }
}

extension Duration {
    /// Whole milliseconds, clamped to Int32 (librdkafka's timeout type).
    var milliseconds: Int32 {
        Int32(clamping: components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000)
    }
}
