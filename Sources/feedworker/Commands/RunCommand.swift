import ArgumentParser
import Config
import Dispatch
import Foundation
import Logging
import Pipeline
import ServiceLifecycle
import Synchronization

/// `feedworker run`: the daemon.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a worker: fetch jobs in, deduplicated clean article events out.",
        discussion: """
        Runs the stages of worker.roles (extract and dedupe by default) until SIGTERM or SIGINT, \
        then stops intake, drains in-flight work within worker.shutdown_timeout, commits, leaves \
        the consumer groups and exits 0. A second signal exits at once (status 128+signal); \
        uncommitted work is redone by the next owner.
        """
    )

    @Option(name: .long, help: "The TOML configuration file ($FEEDWORKER_CONFIG, else Config/feedworker.toml).")
    var config: String?

    func run() async throws {
        let path = config ?? ProcessInfo.processInfo.environment["FEEDWORKER_CONFIG"] ?? "Config/feedworker.toml"
        let settings = try loadConfigOrExit(path)
        // Logging (config [log] format/level), metrics ([metrics] interval), watchdog + heartbeat
        // file ([health] file), READY=1/STATUS=/STOPPING=1: see WorkerServices for the order.
        // Jobs without a body are fetched over HTTP with the [fetch] settings.
        let source: HTTPDocumentSource
        do { source = try HTTPDocumentSource(config: settings) } catch {
            FileHandle.standardError.write(Data("feedworker: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let healthFile = settings.health.file.isEmpty ? nil : settings.health.file
        let services = try WorkerServices.bootstrap(settings: settings, healthFile: healthFile,
                                                    prometheusListen: settings.metrics.prometheusListen) { health, logger in
            Worker(config: settings, source: source, logger: logger, health: health)
        }
        let watcher = SecondSignalExit(signals: [SIGTERM, SIGINT])
        defer { watcher.cancel() }
        let group = ServiceGroup(configuration: .init(
            services: services.services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: services.logger
        ))
        try await group.run()
    }
}

/// Exits the process at once on the second of the watched signals (the first one is the
/// ServiceGroup's graceful shutdown).
final class SecondSignalExit {
    private let sources: [any DispatchSourceSignal]

    init(signals: [Int32]) {
        let count = Atomic<Int>(0)
        var sources: [any DispatchSourceSignal] = []
        for sig in signals {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [source] in
                // Signals that arrive together are coalesced into one event: `data` counts them.
                if count.add(max(1, Int(source.data)), ordering: .relaxed).newValue >= 2 {
                    FileHandle.standardError.write(Data("feedworker: second signal, exiting now\n".utf8))
                    _exit(128 + sig)
                }
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    func cancel() { for s in sources { s.cancel() } }
}
