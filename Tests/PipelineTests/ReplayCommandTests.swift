import Config
import Foundation
import Kafka
import Pipeline
import Testing
import TestSupport

/// `feedworker replay` as a process: argument parsing, plain progress lines when stderr is not a
/// terminal, the summary line, and the errors.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: SharedCorpora.feedworkerBinary.path), "needs the feedworker binary (swift build)"))
struct ReplayCommandTests {
    private func run(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = SharedCorpora.feedworkerBinary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FEEDWORKER_") }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    @Test func replayCommandRepublishesAndReports() async throws {
        let f = try PipelineFixture(partitions: 2, name: "rp-cli")
        try f.broker.cluster.createTopic("\(f.config.topics.clean).cli", partitions: 2)
        let jobs = (0..<5).map { n in FetchJob(jobID: "c-\(n)", url: "https://n.example/c/\(n)", kind: .page, body: StoryFactory.html(n)).encodeJSON() }
        try await f.produce(jobs)
        try FileManager.default.createDirectory(atPath: f.config.store.path, withIntermediateDirectories: true)
        let configPath = f.config.store.path + "/replay.toml"
        try f.config.rendered().write(toFile: configPath, atomically: true, encoding: .utf8)

        let ok = try run(["replay", "--config", configPath, "--topic", f.config.topics.fetchJobs, "--from", "earliest",
                          "--group", "cli-replay", "--republish", "\(f.config.topics.clean).cli"])
        #expect(ok.status == 0, "\(ok.err)")
        #expect(ok.out.contains("replay: mode=extract group=cli-replay messages=5 events=5 already_published=0 written=5 failed=0"), "\(ok.out)")
        #expect(ok.err.contains("replay progress: 5/5 msgs"), "plain progress line expected when not a TTY: \(ok.err)")
        #expect(!ok.err.contains("\u{1B}["), "no terminal escapes when not a TTY")
        #expect(try await f.readAll("\(f.config.topics.clean).cli", partitions: 2).count == 5)

        let badFrom = try run(["replay", "--config", configPath, "--topic", f.config.topics.fetchJobs, "--from", "last tuesday"])
        #expect(badFrom.status != 0 && badFrom.err.contains("--from"))
        let badTopic = try run(["replay", "--config", configPath, "--topic", "something.else", "--from", "earliest"])
        #expect(badTopic.status == 1 && badTopic.err.contains("neither the fetch-jobs topic"), "\(badTopic.err)")
        f.broker.stop()
    }
}
