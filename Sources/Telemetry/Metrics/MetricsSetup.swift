import CoreMetrics

/// One-call setup of swift-metrics for the worker.
public enum MetricsSetup {
    /// Creates a ``MetricsAggregator``, bootstraps swift-metrics with it (call once, at process start,
    /// before any metric is created), and returns the ``MetricsReporter`` to run as a service.
    ///
    /// - Parameters:
    ///   - destination: `.logger(logger)` (recommended: the metrics line shares the log format and
    ///     writer) or `.lines(.standardOutput, format)`.
    ///   - configuration: interval (config `[metrics] interval`), process stats, series cap.
    public static func bootstrap(
        destination: MetricsReporter.Destination,
        configuration: MetricsReporter.Configuration = .init()
    ) -> MetricsReporter {
        let aggregator = MetricsAggregator()
        MetricsSystem.bootstrap(aggregator)
        return MetricsReporter(aggregator: aggregator, destination: destination, configuration: configuration)
    }

    /// Parses a duration from config: `"10s"`, `"500ms"`, `"2m"`, `"1h"`, or a bare number of seconds.
    public static func duration(configValue: String) -> Duration? {
        let text = configValue.trimmingSpaces()
        let units: [(String, Int64)] = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000)]
        for (suffix, millis) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            if suffix == "s" && number.hasSuffix("m") { continue } // "ms" handled above
            if let value = Double(number), value >= 0, value.isFinite {
                return .milliseconds(Int64((value * Double(millis)).rounded()))
            }
            return nil
        }
        if let seconds = Double(text), seconds >= 0, seconds.isFinite {
            return .milliseconds(Int64((seconds * 1000).rounded()))
        }
        return nil
    }
}

extension String {
    fileprivate func trimmingSpaces() -> Substring {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}
