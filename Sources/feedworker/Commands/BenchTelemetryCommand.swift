import ArgumentParser
import Benchmarks

/// `feedworker bench telemetry`: hot-path cost of the metrics backend beside raw baselines.
struct BenchTelemetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "telemetry",
        abstract: "Metrics hot-path cost (ns per counter increment / timer record) beside raw baselines.",
        discussion: """
        Measures, one run each:
          counter   swift-metrics Counter.increment() into MetricsAggregator, one
                    task; baselines: a bare relaxed Atomic<Int64> add, and the
                    same Counter on swift-metrics' NOOP handler;
          counter2  the same counter incremented from 2 tasks at once (one shared
                    cache line);
          timer     Timer.recordNanoseconds into MetricsAggregator (HdrHistogram
                    under a lock); baseline: HdrHistogram.record with no lock and
                    no API layer;
          report    one snapshot + metrics line for ~200 series (the per-interval
                    cost, off the hot path).
        Use a release build: swift build -c release --product feedworker.
        """
    )

    @Option(name: .long, help: "Counter increments per run.")
    var increments: Int = 20_000_000

    @Option(name: .long, help: "Timer records per run.")
    var records: Int = 5_000_000

    func validate() throws {
        guard increments >= 2, records >= 1 else { throw ValidationError("--increments >= 2 and --records >= 1") }
    }

    func run() async throws {
        await TelemetryHotPathBenchmark(.init(increments: increments, records: records)).run(report: { print($0) })
    }
}
