import CRdKafka

/// A partition of a topic.
public struct TopicPartition: Sendable, Hashable, CustomStringConvertible {
    /// The topic name.
    public var topic: String
    /// The partition number.
    public var partition: Int32

    /// A partition of a topic.
    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public var description: String { "\(topic)[\(partition)]" }
}

/// A partition with an offset (a position, a committed offset, or a timestamp to look up).
public struct TopicPartitionOffset: Sendable, Hashable, CustomStringConvertible {
    /// The topic name.
    public var topic: String
    /// The partition number.
    public var partition: Int32
    /// The offset. Special values: ``KafkaOffset/beginning`` (-2), ``KafkaOffset/end`` (-1),
    /// ``KafkaOffset/stored`` (-1000), ``KafkaOffset/invalid`` (-1001, "none").
    public var offset: Int64
    /// A per-partition error, when the operation reported one.
    public var error: KafkaError?

    /// A partition with an offset.
    public init(topic: String, partition: Int32, offset: Int64, error: KafkaError? = nil) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.error = error
    }

    /// The partition without the offset.
    public var topicPartition: TopicPartition { TopicPartition(topic: topic, partition: partition) }

    public var description: String { "\(topic)[\(partition)]@\(offset)" }
}

/// librdkafka's logical offsets.
public enum KafkaOffset {
    /// The oldest offset still on the broker (`RD_KAFKA_OFFSET_BEGINNING`).
    public static let beginning: Int64 = -2
    /// The next offset to be written (`RD_KAFKA_OFFSET_END`).
    public static let end: Int64 = -1
    /// The committed offset of the group (`RD_KAFKA_OFFSET_STORED`).
    public static let stored: Int64 = -1000
    /// No offset (`RD_KAFKA_OFFSET_INVALID`): nothing committed yet.
    public static let invalid: Int64 = -1001
}

/// Builds and reads `rd_kafka_topic_partition_list_t`.
enum PartitionList {
    /// A new list (caller destroys it with `rd_kafka_topic_partition_list_destroy`).
    static func make(_ items: [TopicPartitionOffset]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        let list = rd_kafka_topic_partition_list_new(Int32(max(items.count, 1)))!
        for item in items {
            let element = rd_kafka_topic_partition_list_add(list, item.topic, item.partition)!
            element.pointee.offset = item.offset
        }
        return list
    }

    static func make(_ items: [TopicPartition], offset: Int64 = KafkaOffset.invalid) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        make(items.map { TopicPartitionOffset(topic: $0.topic, partition: $0.partition, offset: offset) })
    }

    /// The elements of `list`, with per-partition errors.
    static func read(_ list: UnsafePointer<rd_kafka_topic_partition_list_t>?) -> [TopicPartitionOffset] {
        guard let list, let elems = list.pointee.elems else { return [] }
        var out: [TopicPartitionOffset] = []
        out.reserveCapacity(Int(list.pointee.cnt))
        for i in 0..<Int(list.pointee.cnt) {
            let e = elems[i]
            let topic = String(cString: e.topic)
            let error = e.err.isSuccess ? nil : KafkaError(code: e.err, topic: topic, partition: e.partition)
            out.append(TopicPartitionOffset(topic: topic, partition: e.partition, offset: e.offset, error: error))
        }
        return out
    }

    /// Runs `body` with a temporary list.
    static func with<T>(_ items: [TopicPartitionOffset], _ body: (UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) throws(KafkaError) -> T) throws(KafkaError) -> T {
        let list = make(items)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        return try body(list)
    }
}
