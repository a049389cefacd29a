import CRdKafka
import Foundation
import Logging
import Synchronization

/// A Kafka message header: a name and an optional byte value.
public struct KafkaHeader: Sendable, Hashable {
    /// The header name.
    public var key: String
    /// The header value (`nil` is a null value, distinct from empty).
    public var value: [UInt8]?

    /// A header with a byte value.
    public init(key: String, value: [UInt8]?) {
        self.key = key
        self.value = value
    }

    /// A header whose value is the UTF-8 bytes of `value`.
    public init(key: String, string value: String) {
        self.key = key
        self.value = Array(value.utf8)
    }
}

/// Where a message was written: its partition and offset, as acknowledged by the broker.
public struct DeliveryReport: Sendable, Hashable, CustomStringConvertible {
    /// The topic.
    public var topic: String
    /// The partition the message was written to.
    public var partition: Int32
    /// The message's offset in the partition (-1001 if the broker did not return one).
    public var offset: Int64
    /// The message timestamp (milliseconds since the epoch), when known.
    public var timestamp: Int64?

    /// A delivery report.
    public init(topic: String, partition: Int32, offset: Int64, timestamp: Int64? = nil) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.timestamp = timestamp
    }

    public var description: String { "\(topic)[\(partition)]@\(offset)" }
}

/// The delivery outcome handler of one message (the message's librdkafka opaque).
final class DeliveryBox: Sendable {
    let topic: String
    let handler: @Sendable (Result<DeliveryReport, KafkaError>) -> Void
    init(topic: String, handler: @escaping @Sendable (Result<DeliveryReport, KafkaError>) -> Void) {
        self.topic = topic
        self.handler = handler
    }
}

/// An idempotent Kafka producer whose every send reports its delivery to the caller.
///
/// - Idempotent by default (`enable.idempotence=true`), batching through `linger.ms` (default 5);
///   every other librdkafka property passes through ``KafkaConfiguration``.
/// - ``send(topic:key:value:headers:partition:timestamp:)`` suspends until the broker acknowledged
///   the message (or it failed) and returns its ``DeliveryReport``, or throws a ``KafkaError``.
///   ``enqueue(topic:key:value:headers:partition:timestamp:onDelivery:)`` returns once the message
///   is queued and calls back on delivery, for callers that keep many messages in flight.
/// - A dedicated thread (not Swift's cooperative pool) polls librdkafka and serves delivery reports.
/// - Call ``close(timeout:)`` on shutdown: it flushes, fails what could not be delivered, and frees
///   the client. `deinit` does the same without the flush.
public final class KafkaProducer: Sendable {
    /// Properties this producer sets unless the configuration sets them.
    public static let defaults: [String: String] = [
        "enable.idempotence": "true",
        "linger.ms": "5",
        "acks": "all",
    ]

    private let handle: KafkaHandle
    private let stopping: StopFlag
    private let pollThread: ServiceThread
    private let closeOnce = OnceFlag()
    private let logger: Logger

    /// The value librdkafka applies for property `name` (after this producer's defaults and
    /// librdkafka's aliases: `acks` and `request.required.acks` are one property), or nil for a
    /// property it does not know.
    public func effectiveProperty(_ name: String) -> String? {
        guard let conf = rd_kafka_conf(handle.pointer) else { return nil }
        return confValue(conf, name)
    }

    /// Creates a producer.
    /// - Parameters:
    ///   - configuration: librdkafka properties (at least `bootstrap.servers`); ``defaults`` fill the rest.
    ///   - logger: receives librdkafka's log lines and errors.
    ///   - statisticsHandler: receives librdkafka's statistics JSON when `statistics.interval.ms` > 0
    ///     (without it the JSON is logged at debug level).
    public init(configuration: KafkaConfiguration, logger: Logger = Logger(label: "kafka.producer"),
                statisticsHandler: (@Sendable (String) -> Void)? = nil) throws(KafkaError) {
        let config = configuration.withDefaults(Self.defaults)
        let context = ClientContext(logger: logger, statisticsHandler: statisticsHandler)
        let handle = try KafkaHandle(type: RD_KAFKA_PRODUCER, configuration: config, context: context, what: "producer") { conf in
            rd_kafka_conf_set_dr_msg_cb(conf) { _, message, _ in
                guard let message, let opaque = message.pointee._private else { return }
                let box = Unmanaged<DeliveryBox>.fromOpaque(opaque).takeRetainedValue()
                let m = message.pointee
                if m.err.isSuccess {
                    var type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
                    let ts = rd_kafka_message_timestamp(message, &type)
                    box.handler(.success(DeliveryReport(topic: box.topic, partition: m.partition, offset: m.offset,
                                                        timestamp: ts >= 0 ? ts : nil)))
                } else {
                    let partition = m.partition >= 0 ? m.partition : nil
                    // (rd_kafka_message_errstr would return the payload here: delivery reports keep it.)
                    box.handler(.failure(KafkaError(code: m.err, topic: box.topic, partition: partition)))
                }
            }
        }
        self.handle = handle
        self.logger = logger
        let stopping = StopFlag()
        self.stopping = stopping
        // The poll thread captures the handle, not the producer, so `deinit` can run.
        self.pollThread = ServiceThread(name: "kafka-producer-poll") { [handle] in
            while !stopping.isSet {
                rd_kafka_poll(handle.pointer, 100)
            }
        }
    }

    deinit {
        if pollThread.isCurrent {
            // Released from a delivery callback: the poll thread cannot join itself, nor may the
            // handle be destroyed inside a callback. Finish on a helper thread.
            let parts = (handle, stopping, pollThread, closeOnce)
            Thread {
                Self.shutdown(handle: parts.0, stopping: parts.1, pollThread: parts.2, closeOnce: parts.3)
            }.start()
        } else {
            Self.shutdown(handle: handle, stopping: stopping, pollThread: pollThread, closeOnce: closeOnce)
        }
    }

    /// Sends one message and suspends until the broker acknowledged it.
    ///
    /// - Parameters:
    ///   - partition: the partition, or `nil` to choose by key (librdkafka's default partitioner).
    ///   - timestamp: the message timestamp in milliseconds since the epoch, or `nil` for now.
    /// - Returns: the partition and offset the message was written to.
    /// - Throws: ``KafkaError`` if the message could not be queued or delivered (for example
    ///   `MSG_TIMED_OUT` after `message.timeout.ms`, or `_UNKNOWN_TOPIC`), or `.closed`.
    ///   The message is not withdrawn if the calling task is cancelled.
    public func send(topic: String, key: [UInt8]? = nil, value: [UInt8]?, headers: [KafkaHeader] = [],
                     partition: Int32? = nil, timestamp: Int64? = nil) async throws(KafkaError) -> DeliveryReport {
        var backoff: UInt64 = 500_000
        while true {
            let outcome: Result<DeliveryReport, KafkaError>? = await withCheckedContinuation { continuation in
                let box = DeliveryBox(topic: topic) { continuation.resume(returning: $0) }
                do throws(KafkaError) {
                    try produce(topic: topic, key: key, value: value, headers: headers, partition: partition,
                                timestamp: timestamp, box: box)
                } catch where error.hasCode(RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                    continuation.resume(returning: nil)
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            if let outcome { return try outcome.get() }
            // Local queue full: let the poll thread drain it, then retry.
            try? await Task.sleep(nanoseconds: backoff)
            backoff = min(backoff * 2, 5_000_000)
        }
    }

    /// Queues one message and returns; `onDelivery` is called (on the producer's poll thread) with the
    /// broker's acknowledgement or the failure. Waits (asynchronously) while the local queue is full.
    ///
    /// `onDelivery` must be quick and must not block: it runs on the thread that serves all deliveries.
    public func enqueue(topic: String, key: [UInt8]? = nil, value: [UInt8]?, headers: [KafkaHeader] = [],
                        partition: Int32? = nil, timestamp: Int64? = nil,
                        onDelivery: @escaping @Sendable (Result<DeliveryReport, KafkaError>) -> Void) async throws(KafkaError) {
        var backoff: UInt64 = 500_000
        while true {
            do throws(KafkaError) {
                try produce(topic: topic, key: key, value: value, headers: headers, partition: partition,
                            timestamp: timestamp, box: DeliveryBox(topic: topic, handler: onDelivery))
                return
            } catch where error.hasCode(RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                try? await Task.sleep(nanoseconds: backoff)
                backoff = min(backoff * 2, 5_000_000)
            }
        }
    }

    /// Looks up `topics`' metadata now, so that the first message to each is not held back for it.
    ///
    /// librdkafka learns a topic's partitions and leaders only on the first produce to it; that
    /// message (and everything queued behind it) waits for the lookup: 0.3–0.9 s for a worker's
    /// first jobs on the mock cluster. Failures are ignored: a produce looks the topic up again.
    public func prepare(topics: [String], timeout: Duration = .seconds(5)) async {
        let handle = self.handle
        let ms = timeout.milliseconds
        await runBlocking("kafka-producer-prepare") {
            _ = try? handle.withHandle { rk throws(KafkaError) in
                for topic in topics {
                    guard let rkt = rd_kafka_topic_new(rk, topic, nil) else { continue }
                    var metadata: UnsafePointer<rd_kafka_metadata>? = nil
                    if rd_kafka_metadata(rk, 0, rkt, &metadata, ms).isSuccess, let metadata { rd_kafka_metadata_destroy(metadata) }
                    rd_kafka_topic_destroy(rkt)
                }
            }
        }
    }

    /// Number of messages queued or in flight (`rd_kafka_outq_len`).
    public var outstandingCount: Int {
        (try? handle.withHandle { rk throws(KafkaError) in Int(rd_kafka_outq_len(rk)) }) ?? 0
    }

    /// Waits until every queued message was delivered or failed.
    /// - Throws: `_TIMED_OUT` if messages are still outstanding after `timeout`.
    public func flush(timeout: Duration = .seconds(10)) async throws(KafkaError) {
        let handle = self.handle
        let ms = timeout.milliseconds
        let err: rd_kafka_resp_err_t = try await runBlocking("kafka-producer-flush") { () throws(KafkaError) -> rd_kafka_resp_err_t in
            try handle.withHandle { rk throws(KafkaError) in rd_kafka_flush(rk, ms) }
        }
        if !err.isSuccess {
            let left = outstandingCount
            throw KafkaError(code: err, message: "flush: \(left) message(s) still outstanding after \(timeout)")
        }
    }

    /// Flushes (up to `timeout`), fails every message still queued with `_PURGE_QUEUE`, stops the
    /// poll thread and frees the client. Idempotent; later sends throw `.closed`.
    public func close(timeout: Duration = .seconds(10)) async {
        if handle.isClosed { return }
        do { try await flush(timeout: timeout) } catch {
            logger.warning("producer close: \(error)")
        }
        await runBlocking("kafka-producer-close") { [handle, stopping, pollThread, closeOnce] in
            Self.shutdown(handle: handle, stopping: stopping, pollThread: pollThread, closeOnce: closeOnce)
        }
    }

    /// Fatal error reported by librdkafka, if any (the producer is unusable after one).
    public var fatalError: KafkaError? { handle.context.fatalError.withLock { $0 } }

    // MARK: - Internals

    private static func shutdown(handle: KafkaHandle, stopping: StopFlag, pollThread: ServiceThread, closeOnce: OnceFlag) {
        guard closeOnce.claim() else { return }
        handle.markClosed()
        stopping.set()
        pollThread.join()
        let rk = handle.pointer
        // Fail what is left so no caller waits forever, and serve those delivery reports.
        _ = rd_kafka_purge(rk, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
        var rounds = 0
        while rd_kafka_outq_len(rk) > 0 && rounds < 100 {
            rd_kafka_poll(rk, 50)
            rounds += 1
        }
        rd_kafka_poll(rk, 0)
        handle.destroy()
    }

    private func produce(topic: String, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader],
                         partition: Int32?, timestamp: Int64?, box: DeliveryBox) throws(KafkaError) {
        if let fatal = fatalError { throw fatal }
        try handle.withHandle { rk throws(KafkaError) in
            var hdrs: OpaquePointer? = nil
            if !headers.isEmpty {
                hdrs = rd_kafka_headers_new(headers.count)
                for header in headers {
                    let err: rd_kafka_resp_err_t
                    if let v = header.value {
                        err = v.withUnsafeBytes { rd_kafka_header_add(hdrs, header.key, -1, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1), $0.count) }
                    } else {
                        err = rd_kafka_header_add(hdrs, header.key, -1, nil, 0)
                    }
                    if !err.isSuccess {
                        rd_kafka_headers_destroy(hdrs)
                        throw KafkaError(code: err, message: "header \(header.key)", topic: topic)
                    }
                }
            }
            let opaque = Unmanaged.passRetained(box).toOpaque()
            let error: OpaquePointer? = withBytes(key) { kp, kn, hasKey in
                withBytes(value) { vp, vn, hasValue in
                    fw_produce(rk, topic, partition ?? -1, kp, kn, hasKey ? 1 : 0, vp, vn, hasValue ? 1 : 0,
                               hdrs, timestamp ?? 0, opaque)
                }
            }
            if let error {
                // Not queued: nothing will call back, and the headers are still ours.
                Unmanaged<DeliveryBox>.fromOpaque(opaque).release()
                if let hdrs { rd_kafka_headers_destroy(hdrs) }
                throw KafkaError(consuming: error, topic: topic, partition: partition)
            }
        }
    }
}

/// Calls `body` with a pointer/length for optional bytes (a non-null pointer even when empty).
@inline(__always)
func withBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawPointer?, Int, Bool) -> R) -> R {
    guard let bytes else { return body(nil, 0, false) }
    return bytes.withUnsafeBytes { raw in
        body(raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), raw.count, true)
    }
}
