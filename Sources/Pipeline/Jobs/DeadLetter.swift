import Kafka

/// A DLQ record (DESIGN.md): the original key and bytes, the original headers, then
/// `error.code`, `error.message`, `error.stage`, `source.topic`, `source.partition`, `source.offset`.
public struct DeadLetter: Sendable, Hashable {
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [KafkaHeader]

    /// The record for `message` failed with `error`.
    public init(message: KafkaMessage, error: JobError) {
        key = message.key
        value = message.value
        var headers = message.headers.filter { !$0.key.hasPrefix("error.") && !$0.key.hasPrefix("source.") }
        headers.append(KafkaHeader(key: "error.code", string: error.code.rawValue))
        // Keep the message header short and printable whatever the input was.
        headers.append(KafkaHeader(key: "error.message", string: String(error.message.prefix(1024))))
        headers.append(KafkaHeader(key: "error.stage", string: error.stage))
        headers.append(KafkaHeader(key: "source.topic", string: message.topic))
        headers.append(KafkaHeader(key: "source.partition", string: String(message.partition)))
        headers.append(KafkaHeader(key: "source.offset", string: String(message.offset)))
        self.headers = headers
    }
}
