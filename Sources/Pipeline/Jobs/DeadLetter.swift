import Kafka

/// A DLQ record (DESIGN.md): the original key and bytes, the original headers, then
/// `error.code` (``JobError/reason``), `error.message`, `error.stage`, `source.topic`, `source.partition`, `source.offset`.
public struct DeadLetter: Sendable, Hashable {
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [KafkaHeader]

    /// The record for `message` failed with `error`.
    public init(message: KafkaMessage, error: JobError) {
        key = message.key
        value = message.value
        var headers = message.headers.filter { !$0.key.hasPrefix("error.") && !$0.key.hasPrefix("source.") }
        headers.append(KafkaHeader(key: "error.code", string: error.reason))
        // Keep the message header short and printable whatever the input was.
        headers.append(KafkaHeader(key: "error.message", string: String(error.message.prefix(1024))))
        headers.append(KafkaHeader(key: "error.stage", string: error.stage))
        headers.append(KafkaHeader(key: "source.topic", string: message.topic))
        headers.append(KafkaHeader(key: "source.partition", string: String(message.partition)))
        headers.append(KafkaHeader(key: "source.offset", string: String(message.offset)))
        self.headers = headers
    }

    /// The record cut to fit under `limit`: a job larger than the producer's `message.max.bytes`
    /// (the consumer fetched it; the producer cannot send it back) keeps the first bytes of its
    /// value, and the header `error.value_truncated` gives the original length. The `source.*`
    /// headers say where the whole job stays. Without this, librdkafka refused the DLQ record
    /// locally, the worker stopped, and every worker that took the job over stopped the same way.
    func fitted(to limit: MessageSizeLimit) -> DeadLetter {
        let original = value?.count ?? 0
        var record = self
        record.headers.append(KafkaHeader(key: "error.value_truncated", string: String(original)))
        let overhead = limit.size(key: key?.count ?? 0, value: 0, headers: record.headers)
        guard overhead + original > limit.maxMessageBytes else { return self }
        record.value = value.map { Array($0.prefix(max(0, limit.maxMessageBytes - overhead))) }
        return record
    }
}

