import CoreMetrics
import Histogram
import Synchronization

/// A counter: one relaxed atomic add per increment (no allocation, no locking).
final class CounterBox: CounterHandler, Sendable {
    let key: SeriesKey
    let value = Atomic<Int64>(0)
    /// The total at the previous snapshot; touched only by ``MetricsAggregator/snapshot()``.
    let lastReported = Atomic<Int64>(0)

    init(key: SeriesKey) { self.key = key }

    func increment(by amount: Int64) { value.wrappingAdd(amount, ordering: .relaxed) }
    func reset() { value.store(0, ordering: .relaxed) }
}

/// A floating-point counter (rarely hot: a small lock).
final class FloatingCounterBox: FloatingPointCounterHandler, Sendable {
    let key: SeriesKey
    let state = Mutex<(total: Double, lastReported: Double)>((0, 0))

    init(key: SeriesKey) { self.key = key }

    func increment(by amount: Double) { state.withLock { $0.total += amount } }
    func reset() { state.withLock { $0.total = 0 } }
}

/// A gauge (swift-metrics `Meter`, `Gauge` and non-aggregating `Recorder`): the last value set,
/// stored as the bit pattern of a `Double` in one atomic word.
final class GaugeBox: MeterHandler, RecorderHandler, Sendable {
    let key: SeriesKey
    let bits = Atomic<UInt64>(0.0.bitPattern)

    init(key: SeriesKey) { self.key = key }

    var value: Double { Double(bitPattern: bits.load(ordering: .relaxed)) }

    func set(_ value: Int64) { bits.store(Double(value).bitPattern, ordering: .relaxed) }
    func set(_ value: Double) { bits.store(value.bitPattern, ordering: .relaxed) }
    func record(_ value: Int64) { set(value) }
    func record(_ value: Double) { set(value) }
    func increment(by amount: Double) { add(amount) }
    func decrement(by amount: Double) { add(-amount) }

    private func add(_ amount: Double) {
        var current = bits.load(ordering: .relaxed)
        while true {
            let next = (Double(bitPattern: current) + amount).bitPattern
            let (exchanged, original) = bits.compareExchange(
                expected: current, desired: next, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }
}

/// What a histogram's values mean.
public enum HistogramUnit: String, Sendable {
    /// Durations in nanoseconds (swift-metrics `Timer`); written as milliseconds.
    case nanoseconds
    /// Plain values (swift-metrics aggregating `Recorder`), written as recorded.
    case raw
}

/// A histogram (swift-metrics `Timer` and aggregating `Recorder`): an HdrHistogram for the current
/// interval under a lock; the interval is folded into a whole-run histogram at each snapshot.
final class HistogramBox: RecorderHandler, TimerHandler, Sendable {
    let key: SeriesKey
    let unit: HistogramUnit
    private let interval: Mutex<Histogram<UInt64>>
    private let total: Mutex<Histogram<UInt64>>
    private let highest: UInt64

    init(key: SeriesKey, unit: HistogramUnit, digits: SignificantDigits) {
        self.key = key
        self.unit = unit
        let fresh: Histogram<UInt64>
        switch unit {
        case .nanoseconds:
            // 1 µs resolution floor, up to one hour; values beyond are clamped to the top.
            highest = 3_600_000_000_000
            fresh = Histogram(lowestDiscernibleValue: 1_000, highestTrackableValue: highest,
                              numberOfSignificantValueDigits: digits)
        case .raw:
            highest = UInt64.max / 4
            fresh = Histogram(numberOfSignificantValueDigits: digits)
        }
        interval = Mutex(fresh)
        total = Mutex(fresh)
    }

    func record(_ value: Int64) {
        let v = value <= 0 ? 0 : Swift.min(UInt64(value), highest)
        interval.withLock { _ = $0.record(v) }
    }

    func record(_ value: Double) {
        guard value.isFinite else { return }
        record(value >= 9.2e18 ? Int64.max : Int64(value.rounded()))
    }

    func recordNanoseconds(_ duration: Int64) { record(duration) }

    /// Summaries of the current interval and of the whole run so far, without starting a new interval.
    func peek() -> (interval: HistogramSummary, total: HistogramSummary) {
        let current = interval.withLock { $0 }
        var whole = total.withLock { $0 }
        whole.add(current)
        return (HistogramSummary(current), HistogramSummary(whole))
    }

    /// Summaries of the interval since the previous call and of the whole run; starts a new interval.
    func takeSnapshot() -> (interval: HistogramSummary, total: HistogramSummary) {
        let current = interval.withLock { histogram -> Histogram<UInt64> in
            let copy = histogram
            histogram.reset()
            return copy
        }
        let whole = total.withLock { histogram -> Histogram<UInt64> in
            histogram.add(current)
            return histogram
        }
        return (HistogramSummary(current), HistogramSummary(whole))
    }
}

/// Count and percentiles of a histogram, in the histogram's unit.
public struct HistogramSummary: Sendable, Equatable {
    /// Number of values recorded.
    public var count: UInt64
    /// Median.
    public var p50: UInt64
    /// 90th percentile.
    public var p90: UInt64
    /// 99th percentile.
    public var p99: UInt64
    /// Largest value recorded (to the histogram's precision).
    public var max: UInt64

    init(_ h: Histogram<UInt64>) {
        count = h.totalCount
        if count == 0 {
            p50 = 0; p90 = 0; p99 = 0; max = 0
        } else {
            p50 = h.valueAtPercentile(50)
            p90 = h.valueAtPercentile(90)
            p99 = h.valueAtPercentile(99)
            max = h.max
        }
    }

    /// Creates a summary from its parts.
    public init(count: UInt64, p50: UInt64, p90: UInt64, p99: UInt64, max: UInt64) {
        self.count = count; self.p50 = p50; self.p90 = p90; self.p99 = p99; self.max = max
    }
}
