import Kafka

/// The largest message the worker's producer accepts: librdkafka's `message.max.bytes` (from
/// `[kafka.properties]`, librdkafka's default 1,000,000 when unset), which operators set to the
/// candidates topic's `max.message.bytes` (or below it).
///
/// The extract stage checks a job's candidates against it before producing any, so a job whose
/// event is too large goes to the DLQ whole (`event_too_large`) instead of part of its events
/// being produced and the rest failing (librdkafka refuses an oversized message locally with
/// `MSG_SIZE_TOO_LARGE`, which without this check would stop the worker and make the job a poison
/// pill for every worker that picks it up).
struct MessageSizeLimit: Sendable {
    /// librdkafka's own default for `message.max.bytes`.
    static let librdkafkaDefault = 1_000_000
    /// A margin for the record framing librdkafka adds when it compares a message with the
    /// limit (length, attribute, timestamp and offset varints: at most ~40 bytes).
    static let recordOverhead = 64

    let maxMessageBytes: Int

    /// The limit of a client configured with `properties` (one not created yet, such as the job
    /// consumer whose `fetch.max.bytes` must not be below it): `message.max.bytes` as librdkafka
    /// reads it (`"0x300000"` is 3 MB), its default when unset.
    init(properties: [String: String]) {
        self.init(applied: KafkaConfiguration(properties).effectiveValue("message.max.bytes"))
    }

    /// The limit `producer` applies.
    init(producer: KafkaProducer) {
        self.init(applied: producer.effectiveProperty("message.max.bytes"))
    }

    /// From librdkafka's value (nil when it could not be read: its default).
    private init(applied: String?) {
        maxMessageBytes = applied.flatMap { Int($0) } ?? Self.librdkafkaDefault
    }

    /// The bytes `candidate` counts for against the limit, as librdkafka counts them (key, value,
    /// serialized headers), plus ``recordOverhead``.
    func size(key: Int, value: Int, headers: [KafkaHeader]) -> Int {
        var total = key + value + Self.recordOverhead
        for header in headers {
            let name = header.key.utf8.count
            let length = header.value?.count ?? 0
            total += Self.varintSize(name) + name + Self.varintSize(header.value == nil ? -1 : length) + length
        }
        return total
    }

    /// The first of `candidates` over the limit, with its size, or nil when all fit. `extraHeaders`
    /// are the headers the stage adds to every candidate when it produces them, counted too.
    func firstOversized(_ candidates: [Candidate], extraHeaders: [KafkaHeader] = []) -> (index: Int, size: Int)? {
        for (i, c) in candidates.enumerated() {
            let size = size(key: 64, value: c.value.count, headers: c.headers + extraHeaders)
            if size > maxMessageBytes { return (i, size) }
        }
        return nil
    }

    /// Bytes of a zig-zag varint (Kafka's record format).
    private static func varintSize(_ n: Int) -> Int {
        var v = UInt64(bitPattern: Int64((n << 1) ^ (n >> 63)))
        var bytes = 1
        while v >= 0x80 { v >>= 7; bytes += 1 }
        return bytes
    }
}
