import Logging
import Foundation
import ServiceLifecycle
import Telemetry

/// Sends `READY=1` (with a `STATUS=` line) once the worker is ready — groups joined, stores
/// restored — then a `STATUS=` summary of the totals every `interval` (a swift-service-lifecycle
/// `Service`). Does nothing but wait for shutdown when `$NOTIFY_SOCKET` is unset.
///
/// A worker that joins a group but gets no partition (more workers than partitions) is never told
/// so by the consumer (an empty assignment is not an event): after `readyTimeout` the service
/// sends `READY=1` anyway, with a status saying which stages have no partitions yet.
public struct SystemdStatusService: Service {
    private let notifier: SystemdNotifier
    private let health: WorkerHealth
    private let stats: PipelineStats
    private let interval: Duration
    private let logger: Logger
    private let readyTimeout: Duration

    public init(notifier: SystemdNotifier, health: WorkerHealth, stats: PipelineStats, interval: Duration,
                readyTimeout: Duration = .seconds(60), logger: Logger) {
        self.readyTimeout = readyTimeout
        self.notifier = notifier
        self.health = health
        self.stats = stats
        self.interval = max(interval, .seconds(1))
        self.logger = logger
    }

    /// The `STATUS=` text: a short summary of the totals.
    public static func status(_ stats: PipelineStats) -> String {
        "running: jobs=\(stats.jobs.load(ordering: .relaxed)) clean=\(stats.clean.load(ordering: .relaxed)) "
            + "duplicates=\(stats.duplicates.load(ordering: .relaxed)) known_duplicates=\(stats.knownDuplicates.load(ordering: .relaxed)) dlq=\(stats.dlq.load(ordering: .relaxed)) "
            + "in_flight=\(stats.inFlight.load(ordering: .relaxed))"
    }

    public func run() async throws {
        let notifier = self.notifier, health = self.health, stats = self.stats, interval = self.interval, logger = self.logger
        let readyTimeout = self.readyTimeout
        await cancelWhenGracefulShutdown {
            let clock = ContinuousClock()
            let deadline = clock.now + readyTimeout
            while !health.isReady && clock.now < deadline && !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
            }
            if Task.isCancelled { return }
            var status = Self.status(stats)
            if health.isReady {
                logger.notice("worker ready: consumer groups joined, stores restored")
            } else {
                let waiting = health.stagesNotReady.map(\.rawValue).joined(separator: ",")
                logger.notice("worker ready without partitions yet", metadata: ["stages": "\(waiting)", "after": "\(readyTimeout)"])
                status += " (no partitions yet: \(waiting))"
            }
            do {
                try notifier.notify(.ready, .status(status))
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
