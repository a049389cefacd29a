import CoreMetrics
import Histogram
import Synchronization

/// A swift-metrics backend that keeps every metric in memory and hands out snapshots for
/// ``MetricsReporter`` to write as lines.
///
/// - Counters: totals, and the change since the previous snapshot (for rates). An increment is one
///   relaxed atomic add.
/// - Meters, gauges and non-aggregating recorders: the last value (one atomic store).
/// - Timers and aggregating recorders: HdrHistograms (count, p50/p90/p99/max), per interval and for the
///   whole run. A record takes an uncontended lock and an array increment.
///
/// Handlers are created once per (label, dimensions) and shared: making the same metric twice returns
/// the same storage. Bootstrap once with `MetricsSystem.bootstrap(aggregator)`, or pass the aggregator as
/// `factory:` to metric initializers (tests).
public final class MetricsAggregator: MetricsFactory, Sendable {
    private struct Registry {
        var counters: [SeriesKey: CounterBox] = [:]
        var floatingCounters: [SeriesKey: FloatingCounterBox] = [:]
        var gauges: [SeriesKey: GaugeBox] = [:]
        var histograms: [SeriesKey: HistogramBox] = [:]
        var lastSnapshot: ContinuousClock.Instant
    }

    private let registry: Mutex<Registry>
    private let started: ContinuousClock.Instant
    private let digits: SignificantDigits

    /// Creates an empty aggregator.
    /// - Parameter histogramDigits: HdrHistogram precision (`.two` = values within 1%, small memory;
    ///   `.three` = within 0.1%, ~8x the memory per histogram).
    public init(histogramDigits: SignificantDigits = .two) {
        let now = ContinuousClock.now
        started = now
        digits = histogramDigits
        registry = Mutex(Registry(lastSnapshot: now))
    }

    // MARK: MetricsFactory

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        let key = SeriesKey(label: label, dimensions: dimensions)
        return registry.withLock { r in
            if let existing = r.counters[key] { return existing }
            let box = CounterBox(key: key)
            r.counters[key] = box
            return box
        }
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        let key = SeriesKey(label: label, dimensions: dimensions)
        return registry.withLock { r in
            if let existing = r.floatingCounters[key] { return existing }
            let box = FloatingCounterBox(key: key)
            r.floatingCounters[key] = box
            return box
        }
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        gauge(SeriesKey(label: label, dimensions: dimensions))
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        let key = SeriesKey(label: label, dimensions: dimensions)
        return aggregate ? histogram(key, unit: .raw) : gauge(key)
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        histogram(SeriesKey(label: label, dimensions: dimensions), unit: .nanoseconds)
    }

    public func destroyCounter(_ handler: any CounterHandler) {
        guard let box = handler as? CounterBox else { return }
        _ = registry.withLock { $0.counters.removeValue(forKey: box.key) }
    }

    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        guard let box = handler as? FloatingCounterBox else { return }
        _ = registry.withLock { $0.floatingCounters.removeValue(forKey: box.key) }
    }

    public func destroyMeter(_ handler: any MeterHandler) {
        guard let box = handler as? GaugeBox else { return }
        _ = registry.withLock { $0.gauges.removeValue(forKey: box.key) }
    }

    public func destroyRecorder(_ handler: any RecorderHandler) {
        if let box = handler as? GaugeBox {
            _ = registry.withLock { $0.gauges.removeValue(forKey: box.key) }
        } else if let box = handler as? HistogramBox {
            _ = registry.withLock { $0.histograms.removeValue(forKey: box.key) }
        }
    }

    public func destroyTimer(_ handler: any TimerHandler) {
        guard let box = handler as? HistogramBox else { return }
        _ = registry.withLock { $0.histograms.removeValue(forKey: box.key) }
    }

    private func gauge(_ key: SeriesKey) -> GaugeBox {
        registry.withLock { r in
            if let existing = r.gauges[key] { return existing }
            let box = GaugeBox(key: key)
            r.gauges[key] = box
            return box
        }
    }

    private func histogram(_ key: SeriesKey, unit: HistogramUnit) -> HistogramBox {
        registry.withLock { r in
            if let existing = r.histograms[key] { return existing }
            let box = HistogramBox(key: key, unit: unit, digits: digits)
            r.histograms[key] = box
            return box
        }
    }

    // MARK: Snapshots

    /// Reads every metric without starting a new interval (for scrapes such as the Prometheus endpoint):
    /// counter deltas are 0, histogram `total` includes the interval in progress.
    public func currentValues() -> MetricsSnapshot {
        let now = ContinuousClock.now
        let (counters, floating, gauges, histograms, previous) = registry.withLock { r in
            (Array(r.counters.values), Array(r.floatingCounters.values), Array(r.gauges.values),
             Array(r.histograms.values), r.lastSnapshot)
        }
        var snapshot = MetricsSnapshot(elapsed: now - previous, uptime: now - started)
        for box in counters {
            snapshot.counters.append(.init(key: box.key, total: Double(box.value.load(ordering: .relaxed)), delta: 0))
        }
        for box in floating {
            snapshot.counters.append(.init(key: box.key, total: box.state.withLock { $0.total }, delta: 0))
        }
        for box in gauges {
            snapshot.gauges.append(.init(key: box.key, value: box.value))
        }
        for box in histograms {
            let (interval, total) = box.peek()
            snapshot.histograms.append(.init(key: box.key, unit: box.unit, interval: interval, total: total))
        }
        snapshot.counters.sort { $0.key < $1.key }
        snapshot.gauges.sort { $0.key < $1.key }
        snapshot.histograms.sort { $0.key < $1.key }
        return snapshot
    }

    /// Reads every metric and starts a new interval (counter deltas and interval histograms restart).
    /// Meant to be called by one reporter; concurrent calls are safe but split the interval between them.
    public func snapshot() -> MetricsSnapshot {
        let now = ContinuousClock.now
        let (counters, floating, gauges, histograms, previous) = registry.withLock { r in
            let previous = r.lastSnapshot
            r.lastSnapshot = now
            return (Array(r.counters.values), Array(r.floatingCounters.values), Array(r.gauges.values),
                    Array(r.histograms.values), previous)
        }
        var snapshot = MetricsSnapshot(elapsed: now - previous, uptime: now - started)
        for box in counters {
            let total = box.value.load(ordering: .relaxed)
            let last = box.lastReported.exchange(total, ordering: .relaxed)
            // A reset (or wrap) makes the total smaller: count the new total as this interval's change.
            let delta = total >= last ? total &- last : total
            snapshot.counters.append(.init(key: box.key, total: Double(total), delta: Double(delta)))
        }
        for box in floating {
            let (total, delta) = box.state.withLock { s -> (Double, Double) in
                let delta = s.total >= s.lastReported ? s.total - s.lastReported : s.total
                s.lastReported = s.total
                return (s.total, delta)
            }
            snapshot.counters.append(.init(key: box.key, total: total, delta: delta))
        }
        for box in gauges {
            snapshot.gauges.append(.init(key: box.key, value: box.value))
        }
        for box in histograms {
            let (interval, total) = box.takeSnapshot()
            snapshot.histograms.append(.init(key: box.key, unit: box.unit, interval: interval, total: total))
        }
        snapshot.counters.sort { $0.key < $1.key }
        snapshot.gauges.sort { $0.key < $1.key }
        snapshot.histograms.sort { $0.key < $1.key }
        return snapshot
    }
}

/// Every metric's value at one instant.
public struct MetricsSnapshot: Sendable {
    /// A counter's total and its change since the previous snapshot.
    public struct CounterSample: Sendable, Equatable {
        public var key: SeriesKey
        public var total: Double
        public var delta: Double
    }

    /// A gauge's last value.
    public struct GaugeSample: Sendable, Equatable {
        public var key: SeriesKey
        public var value: Double
    }

    /// A histogram over the interval since the previous snapshot and over the whole run.
    public struct HistogramSample: Sendable, Equatable {
        public var key: SeriesKey
        public var unit: HistogramUnit
        public var interval: HistogramSummary
        public var total: HistogramSummary
    }

    /// Time since the previous snapshot (or since the aggregator was created).
    public var elapsed: Duration
    /// Time since the aggregator was created.
    public var uptime: Duration
    /// Counters (integer and floating-point), sorted by series.
    public var counters: [CounterSample] = []
    /// Gauges, sorted by series.
    public var gauges: [GaugeSample] = []
    /// Histograms, sorted by series.
    public var histograms: [HistogramSample] = []

    /// Creates an empty snapshot.
    public init(elapsed: Duration, uptime: Duration) {
        self.elapsed = elapsed
        self.uptime = uptime
    }
}

extension Duration {
    /// The duration in seconds as a `Double`.
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
