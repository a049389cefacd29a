import ArgumentParser
import Config
import Foundation
import Logging
import Pipeline
import Synchronization
import Telemetry

/// `feedworker replay`: reprocess a window of the fetch-jobs or candidates topic.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Reprocess a window of the fetch-jobs topic (extract) or the candidates topic (dedupe).",
        discussion: """
        Reads the window in assign mode under a fresh consumer group (never the live groups) and \
        commits the window's end to that group when done.

        By default dedupe still applies: results whose content hash is already in topics.clean are \
        dropped, the others go to topics.candidates where the running dedupe stage publishes each \
        once, so replaying unchanged history publishes nothing new. With --republish TOPIC every \
        resulting event is written to TOPIC (for downstream re-indexing); the same window with the \
        same parser version gives byte-identical events.

        --from/--to take an RFC 3339 time, an offset, or earliest/latest; --to is exclusive. \
        Time positions use the broker's time index; brokers without one (librdkafka's mock \
        cluster) are handled by scanning message timestamps.
        """
    )

    @Option(help: "Topic to replay: the config's topics.fetch_jobs or topics.candidates.") var topic: String
    @Option(help: "Start: RFC 3339 time, offset, or earliest.") var from: String
    @Option(help: "End (exclusive): RFC 3339 time, offset, or latest.") var to: String = "latest"
    @Option(help: "Comma-separated partitions (default: all).") var partitions: String?
    @Option(help: "Consumer group for the replay (default feedworker-replay-<unix time>).") var group: String?
    @Option(help: "Write every resulting event to this topic instead of applying dedupe.") var republish: String?
    @Option(name: .long, help: "The TOML configuration file ($FEEDWORKER_CONFIG, else Config/feedworker.toml).")
    var config: String?

    func run() async throws {
        guard let start = ReplayPosition.parse(from) else { throw ValidationError("--from: '\(from)' is not an RFC 3339 time, an offset or earliest") }
        guard let end = ReplayPosition.parse(to) else { throw ValidationError("--to: '\(to)' is not an RFC 3339 time, an offset or latest") }
        var selected: [Int32]?
        if let partitions {
            selected = try partitions.split(separator: ",").map { part in
                guard let p = Int32(part.trimmingCharacters(in: .whitespaces)), p >= 0 else {
                    throw ValidationError("--partitions: '\(part)' is not a partition number")
                }
                return p
            }
        }
        let path = config ?? ProcessInfo.processInfo.environment["FEEDWORKER_CONFIG"] ?? "Config/feedworker.toml"
        let settings = try loadConfigOrExit(path)
        // Replay talks through its progress and summary; the log shows notices and worse.
        let level = LoggingSetup.level(configValue: settings.log.level) ?? .info
        LoggingSetup.bootstrap(format: LineFormat(configValue: settings.log.format) ?? .logfmt, level: max(level, .notice))
        let replay = Replay(config: settings)
        let request = Replay.Request(topic: topic, from: start, to: end, partitions: selected, group: group, republish: republish)
        let display = ProgressDisplay(isTerminal: isatty(2) == 1)
        do {
            let summary = try await replay.run(request, progressInterval: display.interval) { display.show($0) }
            display.finish()
            print("replay: \(summary)")
        } catch let error as ReplayError {
            display.finish()
            FileHandle.standardError.write(Data("feedworker replay: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}

/// Progress on stderr: a redrawn bar on a terminal, plain periodic lines otherwise.
final class ProgressDisplay: Sendable {
    let isTerminal: Bool
    let interval: Duration
    private let drawn = Atomic<Bool>(false)

    init(isTerminal: Bool) {
        self.isTerminal = isTerminal
        interval = isTerminal ? .milliseconds(200) : .seconds(5)
    }

    func show(_ p: Replay.Progress) {
        let fraction = p.total > 0 ? min(1, Double(p.done) / Double(p.total)) : 1
        let eta = p.eta.map { "\(Int($0.components.seconds))s" } ?? "?"
        let figures = "\(p.done)/\(p.total) msgs \(String(format: "%5.1f", fraction * 100))%  \(String(format: "%.0f", p.rate)) msg/s  ETA \(eta)"
        if isTerminal {
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            FileHandle.standardError.write(Data("\r[\(bar)] \(figures)\u{1B}[K".utf8))
            drawn.store(true, ordering: .relaxed)
        } else {
            FileHandle.standardError.write(Data("replay progress: \(figures)\n".utf8))
        }
    }

    func finish() {
        if isTerminal && drawn.load(ordering: .relaxed) { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
