import Config
import Foundation
import Kafka
import Pipeline
import Testing
import TestSupport

/// `feedworker run` as a child process, with its own config file, store directory and log file.
final class WorkerProcess: @unchecked Sendable {
    let process = Process()
    let logPath: String

    init(config: FeedworkerConfig, name: String) throws {
        let dir = config.store.path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let configPath = dir + "/feedworker.toml"
        try config.rendered().write(toFile: configPath, atomically: true, encoding: .utf8)
        logPath = dir + "/worker.log"
        FileManager.default.createFile(atPath: logPath, contents: nil)
        process.executableURL = SharedCorpora.feedworkerBinary
        process.arguments = ["run", "--config", configPath]
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FEEDWORKER_") }
        env["FEEDWORKER_LOG_LEVEL"] = "info"
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: logPath)
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    /// Waits up to `timeout` for the exit; returns the status, or nil if still running.
    func waitForExit(timeout: Duration) async -> Int32? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while process.isRunning && clock.now < deadline { try? await Task.sleep(for: .milliseconds(100)) }
        return process.isRunning ? nil : process.terminationStatus
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
}

/// Jobs whose stories are known: `count` jobs alternating RSS feeds (3 stories) and HTML pages,
/// with about 30% of the mentions repeating an earlier story.
private func storyJobs(count: Int, seed: UInt64) -> (values: [[UInt8]], jobIDs: Set<String>, distinct: Int) {
    var rng = SplitMix64(seed: seed)
    var next = 0
    var distinct = Set<Int>()
    var values: [[UInt8]] = []
    var ids = Set<String>()
    func pick() -> Int {
        if next > 10 && rng.next() % 10 < 3 { return Int(rng.next() % UInt64(next)) }
        next += 1
        return next - 1
    }
    for j in 0..<count {
        if j % 2 == 0 {
            let stories = Array(Set((0..<3).map { _ in pick() })).sorted()
            distinct.formUnion(stories)
            values.append(FetchJob(jobID: "feed-\(j)", url: "https://feeds.example.org/\(j).xml", kind: .feed,
                                   body: StoryFactory.rss(stories, feed: j)).encodeJSON())
            ids.insert("feed-\(j)")
        } else {
            let n = pick()
            distinct.insert(n)
            values.append(FetchJob(jobID: "page-\(j)", url: "https://news.example.org/p/\(n)", kind: .page,
                                   body: StoryFactory.html(n)).encodeJSON())
            ids.insert("page-\(j)")
        }
    }
    return (values, ids, distinct.count)
}

@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: SharedCorpora.feedworkerBinary.path),
                             "needs the feedworker binary (swift build)"))
struct WorkerProcessTests {
    /// Three worker processes in one group; one is killed with SIGKILL mid-run. Still exactly one
    /// clean event per story, and every job's candidates reached the candidates topic, or (the
    /// known-candidates cache is on, as by default) its stories were already there.
    ///
    /// Mock only: on noida-db 0.2.3 the killed member's partitions were not reassigned within
    /// 240 s (the survivors kept their own partitions; no duplicate, but the run never completes),
    /// so its group coordinator does not seem to expire a member that dies without leaving
    /// (README "Test brokers"). The graceful paths (SIGTERM, rebalance on join) run on both.
    @Test(arguments: BrokerKind.selected.filter { $0 == .mock }) func threeWorkersOneKilledStillOneEventPerStory(on kind: BrokerKind) async throws {
        let f = try await PipelineFixture.start(on: kind, partitions: 6, name: "kill")
        let (values, jobIDs, distinct) = storyJobs(count: 3_000, seed: 11)
        try await f.produce(values)
        var workers: [WorkerProcess] = []
        for i in 0..<3 {
            var c = f.config
            c.store.path = f.config.store.path + "/w\(i)"
            c.worker.shutdownTimeout = .seconds(20)
            c.worker.knownCandidates = 65_536 // the default; the fixture turns it off
            workers.append(try WorkerProcess(config: c, name: "w\(i)"))
        }
        // Kill one once work is visibly under way.
        let started = try await f.eventually(timeout: .seconds(90)) {
            try await f.readAll(f.config.topics.clean).count >= 200
        }
        #expect(started, "no progress before the kill")
        workers[1].signal(SIGKILL)
        _ = await workers[1].waitForExit(timeout: .seconds(10))

        let complete = try await f.eventually(timeout: .seconds(240)) {
            Set(try await f.readAll(f.config.topics.clean).map { $0.key ?? [] }).count >= distinct
        }
        // Let in-flight work settle, then stop the survivors gracefully.
        try await Task.sleep(for: .seconds(3))
        for i in [0, 2] { workers[i].signal(SIGTERM) }
        for i in [0, 2] {
            let status = await workers[i].waitForExit(timeout: .seconds(40))
            #expect(status == 0, "worker \(i) exit status \(String(describing: status)); log tail: \(workers[i].log.suffix(1500))")
        }
        #expect(complete, "not every story was published")
        let clean = try await f.readAll(f.config.topics.clean)
        let keys = clean.map { $0.key ?? [] }
        #expect(Set(keys).count == keys.count, "duplicate clean events: \(keys.count - Set(keys).count)")
        #expect(Set(keys).count == distinct)
        let candidates = try await f.readAll(f.config.topics.candidates)
        let seenJobs = Set(candidates.compactMap { $0.header("job_id").map { String(decoding: $0, as: UTF8.self) } })
        let candidateKeys = Set(candidates.map { String(decoding: $0.key ?? [], as: UTF8.self) })
        // A job without candidates on the topic had only stories acknowledged before (known duplicates).
        var unaccounted: [String] = []
        for value in values {
            let id = try FetchJob.decode(value, maxBodyBytes: 1 << 24).jobID
            if !seenJobs.contains(id), try !contentHashes(ofJobs: [value]).isSubset(of: candidateKeys) { unaccounted.append(id) }
        }
        #expect(unaccounted.isEmpty, "jobs neither on the candidates topic nor known duplicates: \(unaccounted.prefix(5))")
        #expect(seenJobs.count < jobIDs.count, "some repeats were decided as known duplicates")
        #expect(Set(candidates.map { $0.key ?? [] }) == Set(keys), "every candidate hash is published")
        f.broker.stop()
    }

    /// SIGTERM while jobs are in flight: exit 0 within the timeout; a new worker resumes from the
    /// committed offsets and nothing is lost or published twice.
    @Test(arguments: BrokerKind.selected) func sigtermUnderLoadExitsCleanlyAndLosesNothing(on kind: BrokerKind) async throws {
        let f = try await PipelineFixture.start(on: kind, partitions: 4, name: "term")
        let (values, jobIDs, distinct) = storyJobs(count: 2_000, seed: 5)
        try await f.produce(values)
        var c = f.config
        c.worker.shutdownTimeout = .seconds(10)
        let first = try WorkerProcess(config: c, name: "first")
        let busy = try await f.eventually(timeout: .seconds(90)) { try await f.readAll(f.config.topics.clean).count >= 100 }
        #expect(busy)
        let clock = ContinuousClock()
        let signalled = clock.now
        first.signal(SIGTERM)
        let status = await first.waitForExit(timeout: .seconds(30))
        let took = clock.now - signalled
        #expect(status == 0, "exit status \(String(describing: status)); log tail: \(first.log.suffix(1500))")
        #expect(took < .seconds(25), "shutdown took \(took)")
        #expect(first.log.contains("worker stopped"))

        let second = try WorkerProcess(config: c, name: "second")
        let complete = try await f.eventually(timeout: .seconds(180)) {
            Set(try await f.readAll(f.config.topics.clean).map { $0.key ?? [] }).count >= distinct
        }
        try await Task.sleep(for: .seconds(2))
        second.signal(SIGTERM)
        #expect(await second.waitForExit(timeout: .seconds(30)) == 0)
        #expect(complete)
        let clean = try await f.readAll(f.config.topics.clean)
        let keys = clean.map { $0.key ?? [] }
        #expect(Set(keys).count == keys.count, "duplicate clean events")
        #expect(Set(keys).count == distinct)
        let candidates = try await f.readAll(f.config.topics.candidates)
        let seenJobs = Set(candidates.compactMap { $0.header("job_id").map { String(decoding: $0, as: UTF8.self) } })
        #expect(seenJobs == jobIDs)
        f.broker.stop()
    }

    /// `check-config` rejects an unknown key with its line, and `run` refuses to start on it.
    @Test func badConfigIsAStartupError() throws {
        let dir = NSTemporaryDirectory() + "feedworker-badconfig-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/bad.toml"
        try "[worker]\nroles = [\"extract\"]\nmax_inflight = 3\n".write(toFile: path, atomically: true, encoding: .utf8)
        for command in ["check-config", "run"] {
            let p = Process()
            p.executableURL = SharedCorpora.feedworkerBinary
            p.arguments = [command, "--config", path]
            let err = Pipe()
            p.standardError = err
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(p.terminationStatus == 2)
            #expect(text.contains("bad.toml:3"), "\(text)")
            #expect(text.contains("worker.max_inflight"), "\(text)")
        }
    }
}

@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: SharedCorpora.feedworkerBinary.path),
                "needs the feedworker binary (swift build)"))
struct EnqueueCommandTests {
    private func enqueue(_ f: PipelineFixture, _ args: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = SharedCorpora.feedworkerBinary
        p.arguments = ["enqueue", "--brokers", f.broker.bootstrapServers, "--topic", f.config.topics.fetchJobs] + args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// A directory of documents (text and binary), a URL list and JSON lines become the expected jobs.
    @Test(arguments: BrokerKind.selected) func enqueuesDocumentsURLsAndJSONLines(on kind: BrokerKind) async throws {
        let f = try await PipelineFixture.start(on: kind, partitions: 1, name: "enq")
        let dir = NSTemporaryDirectory() + "feedworker-enqueue-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/docs", withIntermediateDirectories: true)
        try Data("<html><title>A</title></html>".utf8).write(to: URL(fileURLWithPath: dir + "/docs/a.html"))
        try Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0xFF]).write(to: URL(fileURLWithPath: dir + "/docs/b.png"))
        try "https://one.example/feed\n# comment\n\nhttps://two.example/rss\n".write(toFile: dir + "/urls.txt", atomically: true, encoding: .utf8)
        try "{\"job_id\":\"j1\",\"url\":\"https://x.example\"}\nnot json\n".write(toFile: dir + "/jobs.jsonl", atomically: true, encoding: .utf8)

        #expect(try enqueue(f, ["--documents", dir + "/docs", "--base-url", "https://docs.example/", "--kind", "page",
                                "--fetched-at", "2025-03-05T00:00:00Z"]) == 0)
        #expect(try enqueue(f, ["--urls", dir + "/urls.txt"]) == 0)
        #expect(try enqueue(f, ["--json-lines", dir + "/jobs.jsonl"]) == 0)
        #expect(try enqueue(f, ["--urls", dir + "/urls.txt", "--documents", dir]) != 0, "two sources at once is refused")

        let messages = try await f.readAll(f.config.topics.fetchJobs)
        #expect(messages.count == 6)
        var decoded: [FetchJob] = []
        var raw: [[UInt8]] = []
        for m in messages {
            if let job = try? FetchJob.decode(m.value ?? [], maxBodyBytes: 1 << 20) {
                decoded.append(job)
                #expect(m.key == Array(job.jobID.utf8), "keyed by job id")
            } else {
                raw.append(m.value ?? [])
            }
        }
        #expect(raw == [Array("not json".utf8)], "JSON lines are produced as they are")
        let html = decoded.first { $0.url == "https://docs.example/a.html" }
        #expect(html?.body == Array("<html><title>A</title></html>".utf8))
        #expect(html?.kind == .page)
        #expect(html?.fetchedAt?.secondsSinceEpoch == 1_741_132_800)
        let png = decoded.first { $0.url == "https://docs.example/b.png" }
        #expect(png?.body == [0x89, 0x50, 0x4E, 0x47, 0x00, 0xFF], "binary documents travel as base64 and decode back")
        #expect(Set(decoded.filter { $0.body == nil }.map(\.url)) == ["https://one.example/feed", "https://two.example/rss", "https://x.example"])
        #expect(decoded.contains { $0.jobID == "j1" })
        f.broker.stop()
    }
}
