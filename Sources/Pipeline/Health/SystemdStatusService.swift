import Logging
import ServiceLifecycle
import Telemetry

/// Sends `READY=1` (with a `STATUS=` line) once the worker is ready — groups joined, stores
/// restored — then a `STATUS=` summary of the totals every `interval` (a swift-service-lifecycle
/// `Service`). Does nothing but wait for shutdown when `$NOTIFY_SOCKET` is unset.
public struct SystemdStatusService: Service {
    private let notifier: SystemdNotifier
    private let health: WorkerHealth
    private let stats: PipelineStats
    private let interval: Duration
    private let logger: Logger

    public init(notifier: SystemdNotifier, health: WorkerHealth, stats: PipelineStats, interval: Duration, logger: Logger) {
        self.notifier = notifier
        self.health = health
        self.stats = stats
        self.interval = max(interval, .seconds(1))
        self.logger = logger
    }

    /// The `STATUS=` text: a short summary of the totals.
    public static func status(_ stats: PipelineStats) -> String {
        "running: jobs=\(stats.jobs.load(ordering: .relaxed)) clean=\(stats.clean.load(ordering: .relaxed)) "
            + "duplicates=\(stats.duplicates.load(ordering: .relaxed)) dlq=\(stats.dlq.load(ordering: .relaxed)) "
            + "in_flight=\(stats.inFlight.load(ordering: .relaxed))"
    }

    public func run() async throws {
        let notifier = self.notifier, health = self.health, stats = self.stats, interval = self.interval, logger = self.logger
        await cancelWhenGracefulShutdown {
            await health.waitUntilReady()
            guard health.isReady, !Task.isCancelled else { return }
            logger.notice("worker ready: consumer groups joined, stores restored")
            do {
                try notifier.notify(.ready, .status(Self.status(stats)))
            } catch {
                logger.error("READY notification failed", metadata: ["error": "\(error)"])
            }
            guard notifier.isEnabled else {
                while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
                return
            }
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                _ = try? notifier.notify(.status(Self.status(stats)))
            }
        }
    }
}
