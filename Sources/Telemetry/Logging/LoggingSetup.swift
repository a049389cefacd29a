import Logging

/// One-call setup of swift-log for the worker.
public enum LoggingSetup {
    /// Parses a level from config (`trace`, `debug`, `info`, `notice`, `warning`/`warn`, `error`, `critical`).
    public static func level(configValue: String) -> Logger.Level? {
        let value = configValue.lowercased()
        if value == "warn" { return .warning }
        return Logger.Level(rawValue: value)
    }

    /// Bootstraps swift-log with ``StructuredLogHandler`` (call once, at process start, before any `Logger`
    /// is created). All loggers share one ``LineWriter`` so lines never interleave.
    ///
    /// - Parameters:
    ///   - format: JSON lines or logfmt.
    ///   - level: the minimum level for every logger.
    ///   - destination: where lines go (default standard error; under systemd both streams go to journald).
    ///   - metadataProvider: optional task-local metadata (e.g. a job id) added to every record.
    public static func bootstrap(
        format: LineFormat,
        level: Logger.Level,
        destination: LineDestination = .standardError,
        metadataProvider: Logger.MetadataProvider? = nil
    ) {
        let writer = LineWriter(destination)
        LoggingSystem.bootstrap({ label, provider in
            StructuredLogHandler(label: label, format: format, level: level, writer: writer, metadataProvider: provider)
        }, metadataProvider: metadataProvider)
    }

    /// A handler factory for the same configuration, for callers that bootstrap themselves (e.g. with a
    /// metadata provider) or build `Logger(label:factory:)` instances in tests.
    public static func makeHandlerFactory(
        format: LineFormat,
        level: Logger.Level,
        destination: LineDestination = .standardError
    ) -> @Sendable (String) -> any LogHandler {
        let writer = LineWriter(destination)
        return { label in StructuredLogHandler(label: label, format: format, level: level, writer: writer) }
    }
}
