import CRdKafka

/// An error from the Kafka layer: a librdkafka error code with its name and message, whether
/// librdkafka considers it retriable or fatal, and the topic/partition it concerns when known.
public struct KafkaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Kind: Sendable, Hashable {
        /// An error reported by librdkafka or the broker (see ``KafkaError/code``).
        case librdkafka
        /// A configuration property was rejected (unknown name or invalid value).
        case configuration
        /// The client was used after `close()`.
        case closed
        /// The operation did not finish in time (the client-side deadline, not a broker timeout).
        case timeout
        /// Invalid argument given to this layer (for example a topic name containing NUL).
        case invalidArgument
    }

    /// The kind of failure.
    public var kind: Kind
    /// librdkafka's `rd_kafka_resp_err_t` code (0 when the failure is not a librdkafka code).
    public var code: Int32
    /// The code's name from `rd_kafka_err2name` (for example `MSG_TIMED_OUT`, `_UNKNOWN_TOPIC`).
    public var codeName: String
    /// A human-readable message.
    public var message: String
    /// Whether retrying the same operation may succeed.
    public var isRetriable: Bool
    /// Whether the client instance is no longer usable (for example a fatal idempotence error).
    public var isFatal: Bool
    /// The topic the error concerns, when known.
    public var topic: String?
    /// The partition the error concerns, when known.
    public var partition: Int32?

    /// Makes an error from its parts.
    public init(kind: Kind, code: Int32 = 0, codeName: String, message: String,
                isRetriable: Bool = false, isFatal: Bool = false,
                topic: String? = nil, partition: Int32? = nil) {
        self.kind = kind
        self.code = code
        self.codeName = codeName
        self.message = message
        self.isRetriable = isRetriable
        self.isFatal = isFatal
        self.topic = topic
        self.partition = partition
    }

    /// Makes an error from a librdkafka response code, with librdkafka's name and description.
    public init(code: rd_kafka_resp_err_t, message: String? = nil, topic: String? = nil, partition: Int32? = nil,
                isRetriable: Bool? = nil, isFatal: Bool = false) {
        self.kind = .librdkafka
        self.code = code.rawValue
        self.codeName = String(cString: rd_kafka_err2name(code))
        self.message = message ?? String(cString: rd_kafka_err2str(code))
        self.isRetriable = isRetriable ?? KafkaError.retriableCodes.contains(code.rawValue)
        self.isFatal = isFatal || code == RD_KAFKA_RESP_ERR__FATAL
        self.topic = topic
        self.partition = partition
    }

    /// Takes ownership of an `rd_kafka_error_t` (destroys it) and converts it.
    init(consuming error: OpaquePointer, topic: String? = nil, partition: Int32? = nil) {
        let code = rd_kafka_error_code(error)
        let message = rd_kafka_error_string(error).map { String(cString: $0) }
        self.init(code: code, message: message, topic: topic, partition: partition,
                  isRetriable: rd_kafka_error_is_retriable(error) != 0 || KafkaError.retriableCodes.contains(code.rawValue),
                  isFatal: rd_kafka_error_is_fatal(error) != 0)
        rd_kafka_error_destroy(error)
    }

    /// A configuration error for property `name`.
    public static func configuration(_ message: String, property: String) -> KafkaError {
        KafkaError(kind: .configuration, code: RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue,
                   codeName: "CONFIGURATION", message: "\(property): \(message)")
    }

    /// The client was already closed.
    public static func closed(_ what: String) -> KafkaError {
        KafkaError(kind: .closed, code: RD_KAFKA_RESP_ERR__DESTROY.rawValue, codeName: "CLOSED",
                   message: "\(what) is closed")
    }

    /// A client-side deadline passed.
    public static func timeout(_ message: String) -> KafkaError {
        KafkaError(kind: .timeout, code: RD_KAFKA_RESP_ERR__TIMED_OUT.rawValue, codeName: "_TIMED_OUT",
                   message: message, isRetriable: true)
    }

    /// An invalid argument.
    public static func invalidArgument(_ message: String) -> KafkaError {
        KafkaError(kind: .invalidArgument, code: RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue, codeName: "_INVALID_ARG",
                   message: message)
    }

    /// True when a message was refused for its size (`MSG_SIZE_TOO_LARGE`: by librdkafka against
    /// `message.max.bytes` before sending, or by the broker against the topic's limit).
    public var isMessageTooLarge: Bool { hasCode(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE) }

    /// True when this is librdkafka code `code`.
    public func hasCode(_ code: rd_kafka_resp_err_t) -> Bool { kind == .librdkafka && self.code == code.rawValue }

    public var description: String {
        var s = "KafkaError(\(codeName)"
        if let topic { s += " topic=\(topic)" }
        if let partition { s += " partition=\(partition)" }
        s += "): \(message)"
        if isFatal { s += " [fatal]" } else if isRetriable { s += " [retriable]" }
        return s
    }

    /// Codes worth retrying (librdkafka only flags retriability on `rd_kafka_error_t`, not on codes).
    static let retriableCodes: Set<Int32> = [
        RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT,
        RD_KAFKA_RESP_ERR__QUEUE_FULL, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, RD_KAFKA_RESP_ERR__WAIT_COORD,
        RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
        RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
        RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND, RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS,
        RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NOT_COORDINATOR,
        RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS, RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION,
        RD_KAFKA_RESP_ERR_KAFKA_STORAGE_ERROR, RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART,
    ].reduce(into: Set<Int32>()) { $0.insert($1.rawValue) }
}

extension rd_kafka_resp_err_t {
    /// Whether this is `RD_KAFKA_RESP_ERR_NO_ERROR`.
    var isSuccess: Bool { self == RD_KAFKA_RESP_ERR_NO_ERROR }
}
