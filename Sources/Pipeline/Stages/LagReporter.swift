import Kafka
import Metrics

/// Periodically records a consumer's lag (high watermark − position, summed over its assigned
/// partitions) as the gauge `feedworker_consumer_lag{stage}`.
struct LagReporter: Sendable {
    let consumer: KafkaConsumer
    let gauge: Gauge

    init(consumer: KafkaConsumer, stage: String) {
        self.consumer = consumer
        gauge = Gauge(label: "feedworker_consumer_lag", dimensions: [("stage", stage)])
    }

    /// Samples every `interval` until `stop`; does nothing when `interval` is zero.
    func run(interval: Duration, stop: StopSignal) async {
        guard interval > .zero else { return }
        let clock = ContinuousClock()
        var next = clock.now + interval
        while !stop.isStopped {
            try? await Task.sleep(for: .milliseconds(250))
            guard clock.now >= next, !stop.isStopped else { continue }
            next = clock.now + interval
            await sample()
        }
    }

    /// One sample; partitions whose position is not known yet are skipped.
    func sample() async {
        guard let assigned = try? consumer.assignment(), !assigned.isEmpty,
              let positions = try? consumer.position(assigned) else { return }
        var lag: Int64 = 0
        for p in positions where p.offset >= 0 {
            guard let marks = try? await consumer.watermarks(topic: p.topic, partition: p.partition, timeout: .seconds(2)) else { continue }
            lag += max(0, marks.high - p.offset)
        }
        gauge.record(lag)
    }
}
