import ServiceLifecycle

/// Sends `STOPPING=1` as soon as the service group begins a graceful shutdown (a swift-service-lifecycle
/// `Service`). Put it LAST in the `ServiceGroup` list: services are told to shut down in reverse order,
/// so it is told first, notifies systemd, and returns; then the pipeline drains.
/// A no-op (that still waits for shutdown) when `$NOTIFY_SOCKET` is unset.
public struct SystemdShutdownNotifier: Service {
    private let notifier: SystemdNotifier
    private let status: String?

    /// - Parameter status: optional `STATUS=` text sent with `STOPPING=1` (e.g. "draining").
    public init(notifier: SystemdNotifier, status: String? = "shutting down: draining in-flight work") {
        self.notifier = notifier
        self.status = status
    }

    public func run() async throws {
        // Ends on graceful shutdown (normal) or cancellation (forced); notify in both cases.
        await Watchdog.waitForShutdown()
        var states: [NotifyState] = [.stopping]
        if let status { states.append(.status(status)) }
        _ = try? notifier.notify(states)
    }
}
