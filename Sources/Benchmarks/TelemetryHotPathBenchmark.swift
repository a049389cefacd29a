import Telemetry

/// Hot-path cost of the metrics backend (ns per counter increment / timer record) beside raw
/// baselines, with the per-interval report cost (for `feedworker bench telemetry`). The measurements
/// themselves are ``Telemetry/TelemetryBenchmark``'s; this adds the heading.
public struct TelemetryHotPathBenchmark: Sendable {
    /// What to measure.
    public struct Options: Sendable, Equatable {
        /// Counter increments per run: at least 2 (the 2-task run splits them).
        public var increments: Int
        /// Timer records per run: at least 1.
        public var records: Int

        /// Creates the options.
        public init(increments: Int, records: Int) {
            self.increments = increments
            self.records = records
        }
    }

    /// The options this benchmark runs with.
    public let options: Options

    /// Creates the benchmark.
    public init(_ options: Options) { self.options = options }

    /// Measures and hands each printable line to `report`, in order.
    public func run(report: (String) -> Void) async {
        report("feedworker bench telemetry: \(options.increments) increments, \(options.records) timer records")
        for line in await TelemetryBenchmark.run(increments: options.increments, records: options.records) { report(line) }
    }
}
