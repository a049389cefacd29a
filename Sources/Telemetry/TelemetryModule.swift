/// The `Telemetry` module: structured logs, metrics in the logs, systemd notify and watchdog.
public enum TelemetryModule {
    /// The module's name, for logs.
    public static let name = "Telemetry"
}
