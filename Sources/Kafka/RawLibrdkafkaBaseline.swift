import CRdKafka
import Foundation

/// librdkafka driven directly from C-level calls, without this module's per-message Swift machinery:
/// the baseline that `feedworker bench kafka` prints beside the ``KafkaProducer``/``KafkaConsumer``
/// figures. Benchmark support only.
public enum RawLibrdkafkaBaseline {
    /// Produces one warm-up message, then (timed) `count` messages of `size` bytes (keys "k<i>",
    /// partition i % partitions) and waits for all delivery reports. Returns the elapsed time, or nil if the client could not be created or not all
    /// messages were delivered.
    public static func produce(configuration: KafkaConfiguration, topic: String, partitions: Int32,
                               count: Int, size: Int) -> Duration? {
        guard let conf = try? configuration.withDefaults(KafkaProducer.defaults).makeConf() else { return nil }
        var errstr = [CChar](repeating: 0, count: 512)
        guard let rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &errstr, errstr.count) else {
            rd_kafka_conf_destroy(conf)
            return nil
        }
        defer { rd_kafka_destroy(rk) }
        let value = [UInt8](repeating: 0x61, count: size)
        // Warm-up message (connections, metadata, producer id) outside the timing.
        let warm = value.withUnsafeBytes { v in
            fw_produce(rk, topic, 0, nil, 0, 0, v.baseAddress, v.count, 1, nil, 0, nil)
        }
        if let warm { rd_kafka_error_destroy(warm); return nil }
        guard rd_kafka_flush(rk, 30_000).isSuccess else { return nil }
        let clock = ContinuousClock()
        let start = clock.now
        for i in 0..<count {
            let key = Array("k\(i)".utf8)
            while true {
                let error = key.withUnsafeBytes { k in
                    value.withUnsafeBytes { v in
                        fw_produce(rk, topic, Int32(i) % partitions, k.baseAddress, k.count, 1, v.baseAddress, v.count, 1,
                                   nil, 0, nil)
                    }
                }
                guard let error else { break }
                let code = rd_kafka_error_code(error)
                rd_kafka_error_destroy(error)
                guard code == RD_KAFKA_RESP_ERR__QUEUE_FULL else { return nil }
                rd_kafka_poll(rk, 1)
            }
            if i % 1024 == 0 { rd_kafka_poll(rk, 0) }
        }
        let err = rd_kafka_flush(rk, 60_000)
        return err.isSuccess ? clock.now - start : nil
    }

    /// Reads `count` messages from all `partitions` of `topic` from the beginning (assign mode,
    /// copying key and value as ``KafkaConsumer`` does). Returns the elapsed time, or nil on failure.
    public static func consume(configuration: KafkaConfiguration, topic: String, partitions: Int32,
                               count: Int) -> Duration? {
        var config = configuration.withDefaults(KafkaConsumer.defaults)
        config["group.id"] = "raw-baseline-\(UInt64.random(in: 0...UInt64.max))"
        config["enable.auto.commit"] = "false"
        guard let conf = try? config.makeConf() else { return nil }
        var errstr = [CChar](repeating: 0, count: 512)
        guard let rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, &errstr, errstr.count) else {
            rd_kafka_conf_destroy(conf)
            return nil
        }
        defer {
            rd_kafka_consumer_close(rk)
            rd_kafka_destroy(rk)
        }
        rd_kafka_poll_set_consumer(rk)
        let list = PartitionList.make((0..<partitions).map { TopicPartitionOffset(topic: topic, partition: $0, offset: KafkaOffset.beginning) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let clock = ContinuousClock()
        let start = clock.now
        guard rd_kafka_assign(rk, list).isSuccess else { return nil }
        var received = 0
        var bytes = 0
        let deadline = start + .seconds(120)
        while received < count && clock.now < deadline {
            guard let message = rd_kafka_consumer_poll(rk, 100) else { continue }
            if message.pointee.err.isSuccess {
                let m = message.pointee
                let key = m.key.map { Array(UnsafeRawBufferPointer(start: $0, count: m.key_len)) }
                let value = m.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: m.len)) }
                bytes &+= (key?.count ?? 0) &+ (value?.count ?? 0)
                received += 1
            }
            rd_kafka_message_destroy(message)
        }
        return received >= count ? clock.now - start : nil
    }
}
