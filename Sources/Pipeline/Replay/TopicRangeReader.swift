import Kafka
import Logging

/// Reads a bounded window of a topic without a consumer group (assign mode): for each partition,
/// the messages at offsets `start ..< end`. Used by `replay` and by the embedded demo to read what
/// the pipeline produced.
public struct TopicRangeReader: Sendable {
    /// One partition's window: `start` (inclusive) to `end` (exclusive), both absolute offsets.
    public struct Range: Sendable, Hashable {
        public var partition: Int32
        public var start: Int64
        public var end: Int64
        public init(partition: Int32, start: Int64, end: Int64) {
            self.partition = partition
            self.start = start
            self.end = end
        }
        /// Messages in the window (offsets, so compacted or aborted gaps are counted too).
        public var count: Int64 { max(0, end - start) }
    }

    private let configuration: KafkaConfiguration

    /// - Parameter configuration: client properties (`bootstrap.servers` and the like); `group.id`
    ///   is not needed.
    public init(configuration: KafkaConfiguration) {
        self.configuration = configuration
    }

    /// Every message of `topic` from the low to the high watermark of each of its `partitions`.
    public func readAll(topic: String, partitions: Int32) async throws -> [KafkaMessage] {
        var out: [KafkaMessage] = []
        try await read(topic: topic, ranges: watermarkRanges(topic: topic, partitions: Array(0..<partitions))) { out.append($0) }
        return out
    }

    /// The `low ..< high` window of each partition.
    public func watermarkRanges(topic: String, partitions: [Int32]) async throws -> [Range] {
        let consumer = try KafkaConsumer(configuration: configuration)
        var ranges: [Range] = []
        do {
            for p in partitions {
                let marks = try await consumer.watermarks(topic: topic, partition: p)
                ranges.append(Range(partition: p, start: marks.low, end: marks.high))
            }
        } catch {
            await consumer.close()
            throw error
        }
        await consumer.close()
        return ranges
    }

    /// Calls `body` for every message in the windows, in offset order within a partition. Ends once
    /// each partition reached its `end` (or its end of partition, when messages below `end` were
    /// removed meanwhile). With `commitGroupOffsets` (and a `group.id` in the configuration) the
    /// window ends are committed to that group once everything was read.
    public func read(topic: String, ranges: [Range], commitGroupOffsets: Bool = false,
                     _ body: (KafkaMessage) async throws -> Void) async throws {
        let pending = ranges.filter { $0.count > 0 }
        if pending.isEmpty { return }
        var props = configuration
        props["enable.partition.eof"] = "true"
        props["enable.auto.commit"] = "false"
        let consumer = try KafkaConsumer(configuration: props)
        do {
            try consumer.assign(pending.map { TopicPartitionOffset(topic: topic, partition: $0.partition, offset: $0.start) })
            var ends: [Int32: Int64] = [:]
            for r in pending { ends[r.partition] = r.end }
            var done: Set<Int32> = []
            for await event in consumer.events {
                switch event {
                case .message(let m):
                    guard let end = ends[m.partition], !done.contains(m.partition) else { break }
                    if m.offset < end { try await body(m) }
                    if m.offset + 1 >= end { done.insert(m.partition) }
                case .endOfPartition(let at):
                    if let end = ends[at.partition], at.offset >= end { done.insert(at.partition) }
                default:
                    break
                }
                if done.count == ends.count { break }
            }
            if commitGroupOffsets && configuration["group.id"] != nil {
                try await consumer.commit(pending.map { TopicPartitionOffset(topic: topic, partition: $0.partition, offset: $0.end) })
            }
        } catch {
            await consumer.close()
            throw error
        }
        await consumer.close()
    }
}
