import Logging
import ServiceLifecycle

/// What the worker's health check reports to the ``Watchdog``.
public enum HealthStatus: Sendable, Equatable {
    /// Poll loops progress and the store answers: keep pinging.
    case healthy
    /// Something is stuck or failing: stop pinging (systemd restarts the unit when `WatchdogSec` runs out).
    case unhealthy(reason: String)
}

/// Sends `WATCHDOG=1` at half of `$WATCHDOG_USEC`, but only after the health check answered
/// ``HealthStatus/healthy`` (a swift-service-lifecycle `Service`).
///
/// When the watchdog is off (no `$NOTIFY_SOCKET`, no `$WATCHDOG_USEC`, or `$WATCHDOG_PID` names another
/// process) it sends nothing and never calls the health check; `run()` still waits until shutdown so the
/// service group does not see it finish early. A health check that hangs means no pings, which is the point.
/// Put it first in the `ServiceGroup` list: it is then the last service told to shut down, so it keeps
/// pinging while the pipeline drains.
public struct Watchdog: Service {
    private let notifier: SystemdNotifier
    private let logger: Logger
    private let healthCheck: @Sendable () async -> HealthStatus

    /// Creates the watchdog.
    /// - Parameters:
    ///   - notifier: the process's notifier (its `watchdogTimeout` decides whether and how often to ping).
    ///   - logger: where state changes (healthy ↔ unhealthy, send failures) are logged.
    ///   - healthCheck: called once per ping period; supplied by the worker.
    public init(
        notifier: SystemdNotifier,
        logger: Logger,
        healthCheck: @escaping @Sendable () async -> HealthStatus
    ) {
        self.notifier = notifier
        self.logger = logger
        self.healthCheck = healthCheck
    }

    /// The ping period: half the watchdog timeout, or `nil` when the watchdog is off.
    public var pingInterval: Duration? {
        notifier.watchdogTimeout.map { $0 / 2 }
    }

    public func run() async throws {
        guard let period = pingInterval else {
            await Self.waitForShutdown()
            return
        }
        let notifier = self.notifier
        let logger = self.logger
        let healthCheck = self.healthCheck
        logger.info("systemd watchdog on", metadata: ["ping_interval_ms": "\(period.components.seconds * 1000 + period.components.attoseconds / 1_000_000_000_000_000)"])
        await cancelWhenGracefulShutdown {
            var wasHealthy = true
            var sendFailureLogged = false
            while !Task.isCancelled {
                let status = await healthCheck()
                if Task.isCancelled { return }
                switch status {
                case .healthy:
                    if !wasHealthy {
                        logger.notice("health check recovered: watchdog pings resume")
                        wasHealthy = true
                    }
                    do {
                        try notifier.notify(.watchdog)
                        sendFailureLogged = false
                    } catch {
                        if !sendFailureLogged {
                            logger.error("watchdog ping failed", metadata: ["error": "\(error)"])
                            sendFailureLogged = true
                        }
                    }
                case .unhealthy(let reason):
                    if wasHealthy {
                        logger.warning("health check failed: watchdog pings withheld", metadata: ["reason": "\(reason)"])
                        _ = try? notifier.notify(.status("unhealthy: \(reason)"))
                        wasHealthy = false
                    }
                }
                do {
                    try await Task.sleep(for: period)
                } catch {
                    return
                }
            }
        }
    }

    /// Returns when the service group shuts down gracefully or the task is cancelled.
    static func waitForShutdown() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(3600))
            }
        }
    }
}
