import Config
import Foundation
import Kafka
import Pipeline
import Testing
import TestSupport

/// `feedworker run` as a process under a stand-in for systemd: READY=1 after the groups are joined,
/// watchdog pings while healthy, STATUS= summaries, STOPPING=1 on SIGTERM, metrics lines with the
/// pipeline's labels in the log, and the heartbeat file.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: SharedCorpora.feedworkerBinary.path),
                             "needs the feedworker binary (swift build)"))
struct RunTelemetryTests {
    @Test func runNotifiesSystemdAndWritesMetricsLines() async throws {
        let f = try PipelineFixture(partitions: 2, name: "tele")
        var config = f.config
        config.metrics.interval = .seconds(1)
        config.log.format = "logfmt"
        config.log.level = "info"
        let dir = config.store.path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let configPath = dir + "/feedworker.toml"
        try config.rendered().write(toFile: configPath, atomically: true, encoding: .utf8)
        let logPath = dir + "/worker.log"
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let heartbeat = dir + "/healthy"
        let listener = try NotifySocketListener()

        let process = Process()
        process.executableURL = SharedCorpora.feedworkerBinary
        process.arguments = ["run", "--config", configPath]
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FEEDWORKER_") && $0.key != "NOTIFY_SOCKET" && !$0.key.hasPrefix("WATCHDOG_") }
        env["NOTIFY_SOCKET"] = listener.address
        env["WATCHDOG_USEC"] = "2000000" // pings every second
        env["FEEDWORKER_HEALTH_FILE"] = heartbeat
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: logPath)
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        // Some work, so the counters move.
        try await f.produce((0..<6).map { n in FetchJob(jobID: "t-\(n)", url: "https://n.example/t/\(n)", kind: .page, body: StoryFactory.html(n)).encodeJSON() }
                            + [Array("not json".utf8)])
        var messages: [String] = []
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        while clock.now < deadline {
            if let m = listener.receive(timeoutMilliseconds: 500) { messages.append(m) }
            let joined = messages.joined(separator: "\n")
            if joined.contains("READY=1") && joined.contains("WATCHDOG=1") && joined.contains("clean=6") { break }
        }
        let all = messages.joined(separator: "\n")
        #expect(all.contains("READY=1"), "\(messages)")
        #expect(all.contains("WATCHDOG=1"), "\(messages)")
        #expect(all.contains("STATUS=running: jobs="), "\(messages)")
        #expect(FileManager.default.fileExists(atPath: heartbeat), "heartbeat file not touched")
        kill(process.processIdentifier, SIGTERM)
        var stopping = false
        let stopDeadline = clock.now + .seconds(40)
        while clock.now < stopDeadline && !stopping {
            if let m = listener.receive(timeoutMilliseconds: 500) { stopping = m.contains("STOPPING=1") }
        }
        #expect(stopping, "no STOPPING=1 after SIGTERM")
        while process.isRunning && clock.now < stopDeadline { try? await Task.sleep(for: .milliseconds(100)) }
        #expect(!process.isRunning)
        #expect(process.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: heartbeat), "heartbeat file removed at shutdown")

        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        let metricsLines = log.split(separator: "\n").filter { $0.contains("msg=metrics") }
        #expect(metricsLines.count >= 2, "periodic and final metrics lines expected:\n\(log.suffix(3000))")
        let final = try #require(metricsLines.last { $0.contains("final=true") }, "\(log.suffix(3000))")
        // logfmt: the summary for people (what moved, lag, in-flight, latencies), zero series left out.
        for field in [" jobs=7 ", " jobs.articles=6 ", " jobs.dlq=1 ", " dlq=1 ", " dlq.not_json=1 ", " clean=6 ",
                      " consumer_lag.extract=", " in_flight_jobs=0 ", " job_latency.candidates.p99_ms=", " job_latency.clean.p50_ms="] {
            #expect(final.contains(field), "\(field) missing from \(final)")
        }
        #expect(!final.contains("bad_base64") && !final.contains("restored"), "zero series in the summary: \(final)")
        // Structured log lines (logfmt, no ANSI).
        #expect(!log.contains("\u{1B}["))
        #expect(log.contains("level=notice") || log.contains("level=info"))
        f.broker.stop()
    }
}
