import CRdKafka
import Foundation

/// A message read from Kafka.
public struct KafkaMessage: Sendable, Hashable {
    /// The topic.
    public var topic: String
    /// The partition.
    public var partition: Int32
    /// The message's offset in its partition.
    public var offset: Int64
    /// The key, or `nil` for a null key.
    public var key: [UInt8]?
    /// The value, or `nil` for a null value (a tombstone).
    public var value: [UInt8]?
    /// The headers, in order (names may repeat).
    public var headers: [KafkaHeader]
    /// The timestamp in milliseconds since the epoch, when the message has one.
    public var timestamp: Int64?

    /// A message.
    public init(topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8]?,
                headers: [KafkaHeader] = [], timestamp: Int64? = nil) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
    }

    /// The value of the first header named `key`.
    public func header(_ key: String) -> [UInt8]? {
        headers.first(where: { $0.key == key })?.value ?? nil
    }

    /// Converts a librdkafka message (does not destroy it).
    init(_ message: UnsafeMutablePointer<rd_kafka_message_t>) {
        let m = message.pointee
        self.topic = m.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
        self.partition = m.partition
        self.offset = m.offset
        self.key = m.key.map { Array(UnsafeRawBufferPointer(start: $0, count: m.key_len)) }
        self.value = m.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: m.len)) }
        var type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let ts = rd_kafka_message_timestamp(message, &type)
        self.timestamp = type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE || ts < 0 ? nil : ts
        var headers: [KafkaHeader] = []
        var hdrs: OpaquePointer? = nil
        if rd_kafka_message_headers(message, &hdrs).isSuccess, let hdrs {
            var index = 0
            while true {
                var name: UnsafePointer<CChar>? = nil
                var value: UnsafeRawPointer? = nil
                var size = 0
                guard rd_kafka_header_get_all(hdrs, index, &name, &value, &size).isSuccess, let name else { break }
                headers.append(KafkaHeader(key: String(cString: name),
                                           value: value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }))
                index += 1
            }
        }
        self.headers = headers
    }
}

/// Partitions being taken away from this consumer by a group rebalance.
///
/// The consumer's poll thread waits (up to the consumer's `revocationTimeout`) for ``acknowledge()``
/// before it gives the partitions up: handle this event by finishing or abandoning the work of
/// those partitions, storing and committing what is done, then acknowledging.
public final class PartitionRevocation: Sendable {
    /// The partitions revoked.
    public let partitions: [TopicPartition]
    /// True when the partitions were lost (session timeout, fenced): a commit for them will fail.
    public let lost: Bool
    private let done = DispatchSemaphore(value: 0)

    init(partitions: [TopicPartition], lost: Bool) {
        self.partitions = partitions
        self.lost = lost
    }

    /// Lets the rebalance proceed. Idempotent enough: extra calls are harmless.
    public func acknowledge() { done.signal() }

    /// Waits for the acknowledgement, up to `timeout` or until `cancel` is set. Returns false if not acknowledged.
    func wait(timeout: Duration, cancel: StopFlag) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if done.wait(timeout: .now() + .milliseconds(50)) == .success { return true }
            if cancel.isSet { return false }
        }
        return false
    }
}

/// What a ``KafkaConsumer`` delivers, in order.
public enum KafkaConsumerEvent: Sendable {
    /// A message.
    case message(KafkaMessage)
    /// The group gave these partitions to this consumer (their messages follow).
    case partitionsAssigned([TopicPartition])
    /// The group takes these partitions away; call `acknowledge()` on it once their work is committed.
    case partitionsRevoked(PartitionRevocation)
    /// The consumer reached the end of a partition (only with `enable.partition.eof=true`);
    /// the offset is the next one to be written.
    case endOfPartition(TopicPartitionOffset)
    /// A non-fatal consumer error (the consumer keeps going); fatal ones also end the stream.
    case error(KafkaError)
}

/// The consumer's events as an `AsyncSequence` with one iterator at a time. It ends after `close()`.
///
/// Backed by a bounded buffer: when it is full, the consumer's poll thread waits for the iterator
/// instead of buffering more (rebalance events are always accepted).
public struct KafkaConsumerEvents: AsyncSequence, Sendable {
    public typealias Element = KafkaConsumerEvent
    let buffer: EventBuffer

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(buffer: buffer) }

    /// Iterates the events.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let buffer: EventBuffer
        /// The next event, or `nil` once the consumer was closed (or the task cancelled).
        public mutating func next() async -> KafkaConsumerEvent? { await buffer.next() }
        public mutating func next(isolation actor: isolated (any Actor)?) async -> KafkaConsumerEvent? { await buffer.next() }
    }
}

/// A bounded FIFO between the poll thread (blocking `push`) and one async reader.
final class EventBuffer: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [KafkaConsumerEvent] = []
    private var head = 0
    private var waiter: CheckedContinuation<KafkaConsumerEvent?, Never>?
    private var finished = false
    /// Events polled but not yet pushed; touched by the poll thread only.
    private var staged: [KafkaConsumerEvent] = []
    /// The manual assignment the staged events were polled under (poll thread only).
    private var stagedAssignment: UInt64 = 0
    /// Incremented by ``startNewAssignment()``; under `condition`.
    private var assignmentGeneration: UInt64 = 0
    let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    private var count: Int { items.count - head }

    /// Adds an event; when the buffer is full and `force` is false, waits for room or `stop`.
    /// Returns false when the buffer was finished (the event is dropped).
    @discardableResult
    func push(_ event: KafkaConsumerEvent, force: Bool = false, stop: StopFlag? = nil) -> Bool {
        flushStaged(force: true, stop: stop) // keep the order: events staged before this one go first
        condition.lock()
        if finished { condition.unlock(); return false }
        if let waiter {
            self.waiter = nil
            condition.unlock()
            waiter.resume(returning: event)
            return true
        }
        while !force && count >= capacity && !finished && !(stop?.isSet ?? false) {
            _ = condition.wait(until: Date(timeIntervalSinceNow: 0.05))
            if let waiter {
                self.waiter = nil
                condition.unlock()
                waiter.resume(returning: event)
                return true
            }
        }
        if finished { condition.unlock(); return false }
        items.append(event)
        condition.unlock()
        return true
    }

    /// How many events the poll thread may stage before ``flushStaged(force:stop:)``.
    var stagingLimit: Int { min(64, capacity) }

    /// Number of staged events (poll thread only).
    var stagedCount: Int { staged.count }

    /// Stages an event to be pushed with the next batch (poll thread only: no lock).
    func stage(_ event: KafkaConsumerEvent) { staged.append(event) }

    /// Called by the poll thread before it polls (holding the consumer's poll gate): the events it
    /// stages next belong to the current manual assignment.
    func beginStaging() {
        condition.lock()
        stagedAssignment = assignmentGeneration
        condition.unlock()
    }

    /// A manual assignment replaced the previous one (the caller holds the poll gate, so no poll is
    /// in progress): the buffered messages and end-of-partition events, and any staged batch still
    /// waiting for room, belong to the old assignment and are dropped.
    func startNewAssignment() {
        condition.lock()
        assignmentGeneration &+= 1
        var kept: [KafkaConsumerEvent] = []
        for event in items[head...] where !Self.belongsToAssignment(event) { kept.append(event) }
        items = kept
        head = 0
        condition.broadcast()
        condition.unlock()
    }

    private static func belongsToAssignment(_ event: KafkaConsumerEvent) -> Bool {
        switch event {
        case .message, .endOfPartition: true
        case .partitionsAssigned, .partitionsRevoked, .error: false
        }
    }

    /// Pushes the staged events in order under one lock; unless `force`, first waits until they fit
    /// within the capacity (or `stop`).
    func flushStaged(force: Bool = false, stop: StopFlag?) {
        guard !staged.isEmpty else { return }
        var batch = staged[...]
        staged.removeAll(keepingCapacity: true)
        condition.lock()
        while !force && waiter == nil && count > 0 && count + batch.count > capacity && !finished
                && !(stop?.isSet ?? false) {
            _ = condition.wait(until: Date(timeIntervalSinceNow: 0.05))
        }
        if finished { condition.unlock(); return }
        if stagedAssignment != assignmentGeneration {
            batch = batch.filter { !Self.belongsToAssignment($0) }[...]
            if batch.isEmpty { condition.unlock(); return }
        }
        var handOff: (CheckedContinuation<KafkaConsumerEvent?, Never>, KafkaConsumerEvent)?
        if let waiter, let first = batch.popFirst() { // a waiter exists only while the buffer is empty
            self.waiter = nil
            handOff = (waiter, first)
        }
        items.append(contentsOf: batch)
        condition.unlock()
        if let (waiter, first) = handOff { waiter.resume(returning: first) }
    }

    /// Ends the stream after the buffered events.
    func finish() {
        condition.lock()
        finished = true
        let waiter = self.waiter
        self.waiter = nil
        condition.broadcast()
        condition.unlock()
        waiter?.resume(returning: nil)
    }

    /// The number of buffered events.
    var bufferedCount: Int {
        condition.lock(); defer { condition.unlock() }
        return count
    }

    func next() async -> KafkaConsumerEvent? {
        if Task.isCancelled { return nil }
        switch tryTake() {
        case .event(let event): return event
        case .finished: return nil
        case .empty: break
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<KafkaConsumerEvent?, Never>) in
                install(continuation)
            }
        } onCancel: {
            cancelWaiter()
        }
    }

    private enum Take { case event(KafkaConsumerEvent), finished, empty }

    private func tryTake() -> Take {
        condition.lock()
        defer { condition.unlock() }
        if let event = popLocked() { return .event(event) }
        return finished ? .finished : .empty
    }

    private func install(_ continuation: CheckedContinuation<KafkaConsumerEvent?, Never>) {
        condition.lock()
        if let event = popLocked() {
            condition.unlock()
            continuation.resume(returning: event)
            return
        }
        if finished || Task.isCancelled {
            condition.unlock()
            continuation.resume(returning: nil)
            return
        }
        waiter = continuation
        condition.signal()
        condition.unlock()
    }

    private func cancelWaiter() {
        condition.lock()
        let waiter = self.waiter
        self.waiter = nil
        condition.unlock()
        waiter?.resume(returning: nil)
    }

    private func popLocked() -> KafkaConsumerEvent? {
        guard head < items.count else { return nil }
        let event = items[head]
        head += 1
        if head >= 1024 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        } else if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        }
        condition.signal()
        return event
    }
}
