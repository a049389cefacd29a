import CoreMetrics
import Histogram
import Synchronization

/// Hot-path cost of the metrics backend beside the floor it sits on (for `feedworker bench telemetry`).
public enum TelemetryBenchmark {
    /// Runs the measurements and returns one printable line per figure.
    /// - counter: swift-metrics `Counter.increment()` into ``MetricsAggregator``; baselines: a bare relaxed
    ///   `Atomic<Int64>` add, and the same `Counter` on swift-metrics' NOOP handler.
    /// - counter, 2 tasks: the same counter from 2 tasks at once (one shared cache line).
    /// - timer: `Timer.recordNanoseconds` into the aggregator; baseline: `Histogram.record` without lock or API.
    /// - report: one snapshot + JSON metrics line with ~200 series.
    public static func run(increments: Int, records: Int) async -> [String] {
        var lines: [String] = []
        let metrics = MetricsAggregator()

        let atomic = Atomic<Int64>(0)
        let tAtomic = measure { for _ in 0..<increments { atomic.wrappingAdd(1, ordering: .relaxed) } }
        let noop = Counter(label: "bench", dimensions: [], factory: NOOPMetricsHandler.instance)
        let tNoop = measure { for _ in 0..<increments { noop.increment() } }
        let counter = Counter(label: "bench_counter", factory: metrics)
        let tCounter = measure { for _ in 0..<increments { counter.increment() } }
        lines.append(figure("counter increment", tCounter, increments,
                            baselines: [("bare atomic add", tAtomic), ("swift-metrics NOOP handler", tNoop)]))

        let shared = Counter(label: "bench_shared", factory: metrics)
        let start = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<2 { group.addTask { for _ in 0..<(increments / 2) { shared.increment() } } }
        }
        let tShared = ContinuousClock.now - start
        lines.append(figure("counter increment, 2 tasks on one counter", tShared, increments, baselines: [("1 task", tCounter)]))

        var bare = Histogram<UInt64>(lowestDiscernibleValue: 1_000, highestTrackableValue: 3_600_000_000_000,
                                     numberOfSignificantValueDigits: .two)
        let tBare = measure { for i in 0..<records { _ = bare.record(UInt64(1_000 + (i & 0xFFFF) * 100)) } }
        let timer = Timer(label: "bench_timer", factory: metrics)
        let tTimer = measure { for i in 0..<records { timer.recordNanoseconds(Int64(1_000 + (i & 0xFFFF) * 100)) } }
        lines.append(figure("timer record", tTimer, records, baselines: [("bare HdrHistogram record", tBare)]))

        for s in 0..<200 {
            Counter(label: "series", dimensions: [("n", "\(s)")], factory: metrics).increment()
        }
        let reporter = MetricsReporter(aggregator: metrics, destination: .lines(.custom { _ in }, .json))
        let reports = 200
        let tReport = measure { for _ in 0..<reports { reporter.report(final: false) } }
        lines.append("report (snapshot + JSON line, ~205 series, with /proc reads): \(rounded(nanos(tReport, reports) / 1000)) µs per line")
        // Keep the baselines' work observable.
        lines.append("(checks: atomic \(atomic.load(ordering: .relaxed)), histogram \(bare.totalCount))")
        return lines
    }

    static func measure(_ body: () -> Void) -> Duration {
        let start = ContinuousClock.now
        body()
        return ContinuousClock.now - start
    }

    static func nanos(_ d: Duration, _ count: Int) -> Double {
        let (s, atto) = d.components
        return (Double(s) * 1e9 + Double(atto) / 1e9) / Double(max(1, count))
    }

    static func figure(_ name: String, _ d: Duration, _ count: Int, baselines: [(String, Duration)]) -> String {
        var line = "\(name): \(rounded(nanos(d, count))) ns/op"
        for (label, b) in baselines { line += "   [baseline \(label): \(rounded(nanos(b, count))) ns/op]" }
        return line
    }

    static func rounded(_ x: Double) -> Double { (x * 100).rounded() / 100 }
}
