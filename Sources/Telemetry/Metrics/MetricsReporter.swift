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

    /// Reporter settings.
    public struct Configuration: Sendable {
        /// Time between lines (default 10 s; config `[metrics] interval`).
        public var interval: Duration
        /// Add `process.rss_bytes` and `process.open_fds` to each line.
        public var includeProcessStats: Bool
        /// Above this many series for one label only the `{all}` aggregates are written.
        public var maxSeriesPerLabel: Int

        /// Creates a configuration.
        /// - Parameter interval: clamped to at least 1 ms.
        public init(interval: Duration = .seconds(10), includeProcessStats: Bool = true, maxSeriesPerLabel: Int = 32) {
            self.interval = max(interval, .milliseconds(1))
            self.includeProcessStats = includeProcessStats
            self.maxSeriesPerLabel = maxSeriesPerLabel
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
        var fields = MetricsLine.fields(for: snapshot, final: final, maxSeriesPerLabel: configuration.maxSeriesPerLabel)
        if configuration.includeProcessStats {
            if let rss = ProcessStats.residentBytes() { fields.append(LineField("process.rss_bytes", .int(rss))) }
            if let fds = ProcessStats.openFileDescriptors() { fields.append(LineField("process.open_fds", .int(Int64(fds)))) }
        }
        switch destination {
        case .logger(var logger):
            // Metrics lines are written at `info` even when the log level is higher (e.g. `warning`).
            if logger.logLevel > .info { logger.logLevel = .info }
            var metadata: Logger.Metadata = [:]
            for field in fields.dropFirst() { // "msg" becomes the record's message
                metadata[field.key] = .stringConvertible(field.value)
            }
            logger.info("metrics", metadata: metadata)
        case .lines(_, let format):
            fields.insert(LineField("ts", .string(Timestamp.nowISO8601())), at: 0)
            writer?.write(LineEncoder.encode(fields, format: format))
        }
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
