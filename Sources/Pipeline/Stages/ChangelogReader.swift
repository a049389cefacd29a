import Kafka
import Logging

/// Reads spans of a changelog topic (`articles.clean` for the dedupe stores, `articles.stories` for
/// the story store) with an assign-mode consumer that has `enable.partition.eof=true`: every
/// partition of a restore in **one** assignment, so restoring many partitions costs one fetch
/// session, not one assign, fetch and unassign after another.
///
/// The high watermarks are taken before reading; records appended later belong to the live stage,
/// not to the restore. One reader per consumer, one read at a time (the consumer's assignment is
/// replaced by each read).
struct ChangelogReader: Sendable {
    /// One partition's part of a restore: offsets `from..<high`.
    struct Span: Sendable, Hashable {
        var partition: Int32
        var from: Int64
        var high: Int64
    }

    let consumer: KafkaConsumer
    let topic: String
    let logger: Logger

    /// The low and high watermarks of `partitions`: two ListOffsets requests for all of them
    /// (earliest and latest), not two per partition. A partition's error is thrown.
    func watermarks(_ partitions: [Int32]) async throws -> [Int32: Watermarks] {
        guard !partitions.isEmpty else { return [:] }
        let list = partitions.map { TopicPartition(topic: topic, partition: $0) }
        let lows = try await consumer.offsetsForTimes(list, timestamp: KafkaOffset.beginning)
        let highs = try await consumer.offsetsForTimes(list, timestamp: KafkaOffset.end)
        var low: [Int32: Int64] = [:]
        for entry in lows {
            if let error = entry.error { throw error }
            low[entry.partition] = entry.offset
        }
        var marks: [Int32: Watermarks] = [:]
        for entry in highs {
            if let error = entry.error { throw error }
            guard let l = low[entry.partition], l >= 0, entry.offset >= 0 else {
                throw ChangelogReadError.noWatermarks(topic: topic, partition: entry.partition)
            }
            marks[entry.partition] = Watermarks(low: l, high: entry.offset)
        }
        for p in partitions where marks[p] == nil { throw ChangelogReadError.noWatermarks(topic: topic, partition: p) }
        return marks
    }

    /// Calls `apply` with every record of every span, in offset order within a partition, and
    /// returns once each partition reached its span's high watermark (its record at `high - 1`, or
    /// an end-of-partition event at or past `high`). The consumer's `assign` drops events an
    /// earlier read left unread; records of other partitions or below a span's start are skipped. Empty spans
    /// cost nothing; a fatal consumer error is thrown, and so is a consumer closed before the end
    /// (``ChangelogReadError/interrupted(topic:partitions:)``): a restore must not be taken as
    /// complete when it was not. `apply` runs on the caller's actor.
    func read(_ spans: [Span], isolation: isolated (any Actor)? = #isolation,
              apply: (KafkaMessage) async throws -> Void) async throws {
        var open: [Int32: Span] = [:]
        for span in spans where span.from < span.high { open[span.partition] = span }
        guard !open.isEmpty else { return }
        try consumer.assign(open.values.sorted { $0.partition < $1.partition }.map {
            TopicPartitionOffset(topic: topic, partition: $0.partition, offset: $0.from)
        })
        defer { try? consumer.unassign() }
        var events = consumer.events.makeAsyncIterator()
        while !open.isEmpty, let event = await events.next() {
            switch event {
            case .message(let m):
                guard m.topic == topic, let span = open[m.partition], m.offset >= span.from else { continue }
                try await apply(m)
                if m.offset >= span.high - 1 { open[m.partition] = nil }
            case .endOfPartition(let at):
                if at.topic == topic, let span = open[at.partition], at.offset >= span.high { open[at.partition] = nil }
            case .error(let e):
                logger.warning("changelog restore consumer error", metadata: ["topic": "\(topic)", "error": "\(e)"])
                if e.isFatal { throw e }
            default:
                break
            }
        }
        if !open.isEmpty { throw ChangelogReadError.interrupted(topic: topic, partitions: open.keys.sorted()) }
    }
}

/// Why a changelog read stopped short.
enum ChangelogReadError: Error, CustomStringConvertible {
    /// The consumer closed (shutdown) before these partitions reached their high watermark.
    case interrupted(topic: String, partitions: [Int32])
    /// The broker gave no low or high watermark for a partition.
    case noWatermarks(topic: String, partition: Int32)

    var description: String {
        switch self {
        case .interrupted(let topic, let partitions):
            "the restore of \(topic) partitions \(partitions) was interrupted (consumer closed) before their high watermark"
        case .noWatermarks(let topic, let partition):
            "the broker returned no watermarks for \(topic)[\(partition)]"
        }
    }
}
