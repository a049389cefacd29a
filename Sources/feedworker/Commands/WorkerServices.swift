import ArgumentParser
import Config
import Foundation
import Logging
import Pipeline
import ServiceLifecycle
import Telemetry

/// The telemetry and systemd services of `feedworker run` around the ``Worker``, in the order the
/// Telemetry docs give (services are started in list order and told to shut down in reverse):
///
/// 1. ``Watchdog`` — first, so it is the last one stopped and keeps pinging while the worker drains;
///    health check = ``WorkerHealth/check()`` (poll loops progressed, stores answer); heartbeat file
///    from `[health] file` / `FEEDWORKER_HEALTH_FILE`.
/// 2. ``MetricsReporter`` — before the worker, so its final line comes after the drain (none when
///    `[metrics] interval` is 0): with `[log] format = "logfmt"` the summary for people
///    (``MetricsSummary/worker``), with `"json"` every series for machines.
/// 3. ``PrometheusEndpoint`` — only with `[metrics] prometheus_listen` (and metrics on).
/// 4. the ``Worker``.
/// 5. ``SystemdStatusService`` — `READY=1` once groups are joined and stores restored, `STATUS=`.
/// 6. ``SystemdShutdownNotifier`` — last, so it is told first and sends `STOPPING=1` at once.
struct WorkerServices {
    let services: [ServiceGroupConfiguration.ServiceConfiguration]
    let logger: Logger

    /// Bootstraps logging and metrics (once per process) and builds the services.
    static func bootstrap(settings: FeedworkerConfig, healthFile: String?, prometheusListen: String?,
                          makeWorker: (WorkerHealth, Logger) -> Worker) throws -> WorkerServices {
        let format = LineFormat(configValue: settings.log.format) ?? .logfmt
        let level = LoggingSetup.level(configValue: settings.log.level) ?? .info
        LoggingSetup.bootstrap(format: format, level: level)
        let logger = Logger(label: "feedworker")
        // `[metrics] interval = "0s"` turns the metrics lines off (no backend: swift-metrics no-ops).
        let reporter: MetricsReporter? = settings.metrics.interval > .zero
            ? MetricsSetup.bootstrap(destination: .logger(Logger(label: "feedworker.metrics")),
                                     configuration: .init(interval: settings.metrics.interval,
                                                          view: format == .json ? .complete : .summary(.worker)))
            : nil
        let notifier = SystemdNotifier()
        let health = WorkerHealth(stallTimeout: max(.seconds(120), settings.worker.shutdownTimeout * 2))
        let worker = makeWorker(health, logger)
        let watchdog = Watchdog(notifier: notifier, logger: Logger(label: "feedworker.watchdog"), heartbeatFile: healthFile,
                                heartbeatInterval: .seconds(10)) { await health.check() }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: watchdog)]
        if let reporter { services.append(.init(service: reporter)) }
        if let reporter, let prometheusListen, !prometheusListen.isEmpty {
            let (host, port) = try parseListen(prometheusListen)
            services.append(.init(service: try PrometheusEndpoint(aggregator: reporter.aggregator, host: host, port: port,
                                                                   logger: Logger(label: "feedworker.prometheus"))))
        }
        services.append(.init(service: worker))
        services.append(.init(service: SystemdStatusService(notifier: notifier, health: health, stats: worker.stats,
                                                            interval: settings.metrics.interval > .zero ? settings.metrics.interval : .seconds(10),
                                                            logger: logger)))
        services.append(.init(service: SystemdShutdownNotifier(notifier: notifier)))
        if notifier.isEnabled {
            logger.info("systemd notify socket found", metadata: ["watchdog": "\(notifier.watchdogTimeout.map { "\($0)" } ?? "off")"])
        }
        return WorkerServices(services: services, logger: logger)
    }

    /// `host:port` (IPv4) for the Prometheus endpoint.
    static func parseListen(_ text: String) throws -> (String, UInt16) {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else {
            throw ValidationError("metrics.prometheus_listen: expected host:port, got '\(text)'")
        }
        let host = String(text[..<colon])
        return (host.isEmpty ? "127.0.0.1" : host, port)
    }
}
