#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
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
/// ``HealthStatus/healthy`` (a swift-service-lifecycle `Service`). Optionally also touches a heartbeat
/// file after each healthy check, for container health checks (`find FILE -mmin -1`) where there is no
/// systemd; the file is removed when the watchdog stops.
///
/// When the systemd watchdog is off (no `$NOTIFY_SOCKET`, no `$WATCHDOG_USEC`, or `$WATCHDOG_PID` names
/// another process) and no heartbeat file is set, it sends nothing and never calls the health check;
/// `run()` still waits until shutdown so the service group does not see it finish early. A health check that hangs means no pings, which is the point.
/// Put it first in the `ServiceGroup` list: it is then the last service told to shut down, so it keeps
/// pinging while the pipeline drains.
public struct Watchdog: Service {
    private let notifier: SystemdNotifier
    private let logger: Logger
    private let healthCheck: @Sendable () async -> HealthStatus
    private let heartbeatFile: String?
    private let heartbeatInterval: Duration

    /// Creates the watchdog.
    /// - Parameters:
    ///   - notifier: the process's notifier (its `watchdogTimeout` decides whether and how often to ping).
    ///   - logger: where state changes (healthy ↔ unhealthy, send failures) are logged.
    ///   - heartbeatFile: a file whose modification time is set after each healthy check (`nil`: none).
    ///   - heartbeatInterval: the check period when only the heartbeat file is on (default 10 s).
    ///   - healthCheck: called once per period; supplied by the worker. Keep it quick and
    ///     cancellation-aware (shutdown waits for a call in progress).
    public init(
        notifier: SystemdNotifier,
        logger: Logger,
        heartbeatFile: String? = nil,
        heartbeatInterval: Duration = .seconds(10),
        healthCheck: @escaping @Sendable () async -> HealthStatus
    ) {
        self.notifier = notifier
        self.logger = logger
        self.heartbeatFile = heartbeatFile
        self.heartbeatInterval = heartbeatInterval
        self.healthCheck = healthCheck
    }

    /// The systemd ping period: half the watchdog timeout, or `nil` when the systemd watchdog is off.
    public var pingInterval: Duration? {
        notifier.watchdogTimeout.map { $0 / 2 }
    }

    /// The health check period: the ping period, else the heartbeat interval when a heartbeat file is set.
    public var checkInterval: Duration? {
        if let pingInterval { return heartbeatFile == nil ? pingInterval : min(pingInterval, heartbeatInterval) }
        return heartbeatFile == nil ? nil : heartbeatInterval
    }

    public func run() async throws {
        guard let period = checkInterval else {
            await Self.waitForShutdown()
            return
        }
        let notifier = self.notifier
        let pings = pingInterval != nil
        let heartbeatFile = self.heartbeatFile
        let logger = self.logger
        let healthCheck = self.healthCheck
        logger.info("watchdog on", metadata: [
            "check_interval": "\(period)", "systemd": "\(pings)", "heartbeat_file": "\(heartbeatFile ?? "-")",
        ])
        defer {
            if let heartbeatFile { unlink(heartbeatFile) }
        }
        await cancelWhenGracefulShutdown {
            var wasHealthy = true
            var sendFailureLogged = false
            var heartbeatFailureLogged = false
            while !Task.isCancelled {
                let status = await healthCheck()
                if Task.isCancelled { return }
                switch status {
                case .healthy:
                    if !wasHealthy {
                        logger.notice("health check recovered: watchdog pings resume")
                        wasHealthy = true
                    }
                    if let heartbeatFile {
                        if Self.touch(heartbeatFile) {
                            heartbeatFailureLogged = false
                        } else if !heartbeatFailureLogged {
                            logger.error("heartbeat file not writable", metadata: ["path": "\(heartbeatFile)"])
                            heartbeatFailureLogged = true
                        }
                    }
                    guard pings else { break }
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

    /// Creates the file if needed and sets its modification time to now.
    static func touch(_ path: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return futimens(fd, nil) == 0
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
