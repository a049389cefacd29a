import Logging
import ServiceLifecycle

/// Writes one metrics line per interval and one at shutdown (a swift-service-lifecycle `Service`).
///
/// `run()` loops until its task is cancelled or the service group shuts down gracefully, then writes the
/// final line (`final=true`, whole-run rates and percentiles) and returns. In a `ServiceGroup` list it
/// before the pipeline: services shut down in reverse order, so the final line comes after the
/// pipeline has drained and flushed.
public struct MetricsReporter: Service {
    /// Where metrics lines go.
    public enum Destination: Sendable {
        /// As an `info` record `metrics` of this logger, fields as metadata: the line has the log
        /// handler's format and destination (with ``StructuredLogHandler`` numbers stay numbers).
        /// Written even when the logger's level is above `info`.
        case logger(Logger)
        /// Straight to a line destination in the given format.
        case lines(LineDestination, LineFormat)
    }

    /// What a line holds.
    public enum View: Sendable, Equatable {
        /// Every series: counters with totals and rates (zeros included), gauges, histogram
        /// count/p50/p90/p99/max (``MetricsLine``): for machines (`jq`, log shippers).
        case complete
        /// What moved and what matters, for people reading the log (``MetricsSummary``).
        case summary(MetricsSummary)
    }

    /// Reporter settings.
    public struct Configuration: Sendable {
        /// Time between lines (default 10 s; config `[metrics] interval`).
        public var interval: Duration
        /// Add `process.rss_bytes` and `process.open_fds` to each line.
        public var includeProcessStats: Bool
        /// Above this many series for one label only the `{all}` aggregates are written.
        public var maxSeriesPerLabel: Int
        /// The complete series (default) or a summary for people.
        public var view: View

        /// Creates a configuration.
        /// - Parameter interval: clamped to at least 1 ms.
        public init(interval: Duration = .seconds(10), includeProcessStats: Bool = true, maxSeriesPerLabel: Int = 32,
                    view: View = .complete) {
            self.interval = max(interval, .milliseconds(1))
            self.includeProcessStats = includeProcessStats
            self.maxSeriesPerLabel = maxSeriesPerLabel
            self.view = view
        }
    }

    /// The aggregator this reporter reads (share it with ``PrometheusEndpoint`` if you run one).
    public let aggregator: MetricsAggregator
    private let destination: Destination
    private let configuration: Configuration
    private let writer: LineWriter?

    /// Creates a reporter over `aggregator`.
    public init(aggregator: MetricsAggregator, destination: Destination, configuration: Configuration = .init()) {
        self.aggregator = aggregator
        self.destination = destination
        self.configuration = configuration
        if case .lines(let lineDestination, _) = destination {
            writer = LineWriter(lineDestination)
        } else {
            writer = nil
        }
    }

    public func run() async throws {
        let interval = configuration.interval
        await cancelWhenGracefulShutdown { [self] in
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
                self.report(final: false)
            }
        }
        report(final: true)
    }

    /// Takes a snapshot and writes one line now (`final` marks the shutdown line). The worker's `demo`
    /// can call `report(final: true)` itself when it does not run the reporter as a service.
    public func report(final: Bool) {
        let snapshot = aggregator.snapshot()
        var fields: [LineField]
        switch configuration.view {
        case .complete:
            fields = MetricsLine.fields(for: snapshot, final: final, maxSeriesPerLabel: configuration.maxSeriesPerLabel)
            if configuration.includeProcessStats {
                if let rss = ProcessStats.residentBytes() { fields.append(LineField("process.rss_bytes", .int(rss))) }
                if let fds = ProcessStats.openFileDescriptors() { fields.append(LineField("process.open_fds", .int(Int64(fds)))) }
            }
        case .summary(let summary):
            fields = summary.fields(for: snapshot, final: final,
                                    residentBytes: configuration.includeProcessStats ? ProcessStats.residentBytes() : nil)
        }
        switch destination {
        case .logger(var logger):
            // Metrics lines are written at `info` even when the log level is higher (e.g. `warning`).
            if logger.logLevel > .info { logger.logLevel = .info }
            var metadata: Logger.Metadata = [:]
            switch configuration.view {
            case .complete:
                for field in fields.dropFirst() { // "msg" becomes the record's message
                    metadata[field.key] = .stringConvertible(field.value)
                }
            case .summary:
                // In this order, not sorted by key like other metadata (see ``InlineFields``).
                metadata["fields"] = .stringConvertible(InlineFields(Array(fields.dropFirst())))
            }
            logger.info("metrics", metadata: metadata)
        case .lines(_, let format):
            fields.insert(LineField("ts", .string(Timestamp.nowISO8601())), at: 0)
            writer?.write(LineEncoder.encode(fields, format: format))
        }
    }
}

/// Fields a ``StructuredLogHandler`` writes in place of the metadata key that holds them, in their
/// own order (metadata is otherwise written sorted by key). Other log handlers print them as
/// `key=value` pairs under that key.
public struct InlineFields: CustomStringConvertible, Sendable {
    /// The fields, in the order they are written.
    public let fields: [LineField]

    /// Wraps `fields`.
    public init(_ fields: [LineField]) { self.fields = fields }

    public var description: String {
        fields.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }
}

extension LineValue: CustomStringConvertible {
    public var description: String {
        switch self {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return LineEncoder.formatDouble(d, nonFinite: nil)
        case .bool(let b): return b ? "true" : "false"
        }
    }
}
