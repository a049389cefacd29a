import Config
import Dedupe
import Foundation
import Kafka
import Pipeline
import Testing
import TestSupport

/// Issue 11, item 5: the dedupe store's SQLite file deleted, overwritten or on a full disk while
/// the worker runs. Whatever happens to the file, `articles.clean` gets each hash once.
///
/// What the worker did before (main at 404da7e, checked by hand with `feedworker run`): a store
/// deleted while running went unnoticed (SQLite in WAL mode keeps writing the unlinked inodes), a
/// header overwritten while running went unnoticed and was even healed by the checkpoint at close,
/// a store overwritten while the worker was stopped made every start fail (`restore failed;
/// stopping`, exit 1: a crash loop), and a full disk stopped the worker after the revocation
/// timeout with the message `clean produce failed`.
@Suite(.serialized) struct StoreFaultTests {
    private func storePaths(_ config: FeedworkerConfig, partitions: Int32) -> [String] {
        (0..<partitions).map { DedupeStore.path(directory: config.store.path, name: config.topics.candidates, partition: $0) }
    }

    /// Waits until the worker has decided every candidate of `jobs` jobs (all jobs done, every
    /// candidate read, each one published or counted as a duplicate).
    private func settled(_ f: PipelineFixture, _ w: ObservedWorker, jobs: Int, timeout: Duration = .seconds(120)) async -> Bool {
        await f.eventually(timeout: timeout) {
            let s = w.stats
            let seen = s.candidatesSeen.load(ordering: .relaxed)
            return s.jobs.load(ordering: .relaxed) >= jobs && seen >= s.candidates.load(ordering: .relaxed) && seen > 0
                && s.clean.load(ordering: .relaxed) + s.duplicates.load(ordering: .relaxed) == seen
        }
    }

    /// Every clean event's key, and whether any repeats.
    private func cleanKeys(_ f: PipelineFixture) async throws -> (keys: Set<String>, duplicates: Int) {
        let clean = try await f.readAll(f.config.topics.clean)
        let keys = clean.map(\.keyText)
        return (Set(keys), keys.count - Set(keys).count)
    }

    /// Runs `first` jobs, applies `fault` to the store files while the worker runs, then runs the
    /// same stories again (other job ids) plus new ones: the worker notices, says so, rebuilds
    /// from the changelog and publishes each hash once.
    private func faultWhileRunning(name: String, expectLog: String, _ fault: ([String]) throws -> Void) async throws {
        let f = try PipelineFixture(partitions: 2, name: name)
        defer { f.broker.stop() }
        let first = try KnownJobs(count: 120, seed: 3)
        let again = try KnownJobs(count: 120, seed: 3, idPrefix: "again-")
        let fresh = try KnownJobs(count: 60, seed: 4, firstStory: 50_000, idPrefix: "new-")
        #expect(again.hashes == first.hashes)
        try await f.produce(first.values)
        let worker = ObservedWorker(config: f.config)
        #expect(await settled(f, worker, jobs: 120), "first batch: \(worker.stats.summary)")
        let paths = storePaths(f.config, partitions: f.partitions)
        #expect(paths.allSatisfy { FileManager.default.fileExists(atPath: $0) })

        try fault(paths)
        let noticed = await f.eventually(timeout: .seconds(30)) {
            worker.stats.storeRebuilds.load(ordering: .relaxed) >= Int(f.partitions)
                && worker.log.matching("DEDUPE STORE BROKEN").count >= Int(f.partitions)
        }
        #expect(noticed, "the broken stores were not rebuilt: \(worker.stats.summary)")
        let broken = worker.log.matching("DEDUPE STORE BROKEN")
        #expect(broken.count >= Int(f.partitions), "log: \(worker.log.all.suffix(10))")
        #expect(broken.contains { $0.contains(expectLog) }, "\(broken)")
        #expect(!worker.log.matching("dedupe store rebuilt").isEmpty)

        try await f.produce(again.values + fresh.values)
        #expect(await settled(f, worker, jobs: 300), "second batch: \(worker.stats.summary)")
        #expect(worker.isRunning, "the worker stopped: \(worker.log.all.suffix(5))")
        let (keys, duplicates) = try await cleanKeys(f)
        #expect(duplicates == 0, "a content hash was published twice")
        #expect(keys == first.hashes.union(fresh.hashes))
        #expect(worker.stats.duplicates.load(ordering: .relaxed) >= first.hashes.count, "the repeated stories were recognised")
        #expect(paths.allSatisfy { FileManager.default.fileExists(atPath: $0) }, "the stores were recreated")
        try await worker.stop()
    }

    @Test func storeDeletedWhileRunningIsRebuilt() async throws {
        try await faultWhileRunning(name: "store-del", expectLog: "was deleted") { paths in
            for path in paths {
                for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
            }
        }
    }

    @Test func storeOverwrittenWhileRunningIsRebuilt() async throws {
        try await faultWhileRunning(name: "store-corrupt", expectLog: "header was overwritten") { paths in
            for path in paths { try overwrite(path) }
        }
    }

    /// A store overwritten while the worker was stopped: the worker starts anyway (moving the
    /// broken file aside) instead of failing every start, and publishes no duplicate.
    @Test func storeCorruptAtStartIsMovedAsideAndRebuilt() async throws {
        let f = try PipelineFixture(partitions: 2, name: "store-start")
        defer { f.broker.stop() }
        let first = try KnownJobs(count: 80, seed: 8)
        try await f.produce(first.values)
        let w1 = ObservedWorker(config: f.config)
        #expect(await settled(f, w1, jobs: 80), "\(w1.stats.summary)")
        try await w1.stop()
        let paths = storePaths(f.config, partitions: f.partitions)
        for path in paths { try overwrite(path) }

        try await f.produce(try KnownJobs(count: 80, seed: 8, idPrefix: "again-").values)
        let w2 = ObservedWorker(config: f.config)
        #expect(await settled(f, w2, jobs: 80), "\(w2.stats.summary); log: \(w2.log.all.suffix(5))")
        #expect(w2.isRunning)
        #expect(w2.stats.storeRebuilds.load(ordering: .relaxed) == Int(f.partitions))
        #expect(w2.log.matching("DEDUPE STORE BROKEN").count == Int(f.partitions), "\(w2.log.all.suffix(8))")
        #expect(w2.stats.clean.load(ordering: .relaxed) == 0)
        #expect(w2.stats.restored.load(ordering: .relaxed) == first.hashes.count, "full restore from offset 0")
        #expect(paths.allSatisfy { FileManager.default.fileExists(atPath: $0 + ".broken") }, "the broken files are kept aside")
        let (keys, duplicates) = try await cleanKeys(f)
        #expect(duplicates == 0)
        #expect(keys == first.hashes)
        try await w2.stop()
    }
}

/// Overwrites the first 8 KiB (the header and the first page) and 4 KiB in the middle of `path`
/// with a byte pattern, as a failing disk or a stray writer would.
private func overwrite(_ path: String) throws {
    let fd = open(path, O_WRONLY)
    guard fd >= 0 else { throw CocoaError(.fileWriteUnknown) }
    defer { close(fd) }
    let junk = [UInt8](repeating: 0xA5, count: 8192)
    var info = stat()
    fstat(fd, &info)
    _ = junk.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    if info.st_size > 16384 { _ = junk.withUnsafeBytes { pwrite(fd, $0.baseAddress, 4096, off_t(info.st_size / 2)) } }
}

/// `feedworker run` as a child process under a file-size limit (`ulimit -f`, RLIMIT_FSIZE, with
/// SIGXFSZ ignored so a write past it fails with EFBIG as on a full disk instead of killing the
/// process). Its log goes to a pipe (pipes are not subject to the limit) and is kept in memory.
///
/// Why a file-size limit: a real full disk needs a small filesystem (a tmpfs or loop mount needs
/// root); RLIMIT_FSIZE is unprivileged, per process, and fails the store's writes the way ENOSPC
/// does (SQLite reports both as an I/O error at the write; the worker classifies EFBIG, ENOSPC and
/// EDQUOT, and SQLITE_FULL, as a full disk). SQLite's `max_page_count` would work in-process too,
/// but needs a hook into the worker's store; the limit exercises the binary as deployed.
private final class SizeLimitedWorkerProcess: @unchecked Sendable {
    let process = Process()
    private let output = Pipe()
    private let collected = LogCapture()

    init(config: FeedworkerConfig, fileSizeKiB: Int) throws {
        let dir = config.store.path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let configPath = dir + "/feedworker-limited.toml"
        try config.rendered().write(toFile: configPath, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "ulimit -f \(fileSizeKiB) && trap '' XFSZ && exec \"$0\" run --config \"$1\"",
                             SharedCorpora.feedworkerBinary.path, configPath]
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FEEDWORKER_") }
        env["FEEDWORKER_LOG_LEVEL"] = "info"
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = output
        let capture = collected
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if !data.isEmpty { capture.append(String(decoding: data, as: UTF8.self)) }
        }
        try process.run()
    }

    var log: String { collected.all.joined() }

    func waitForExit(timeout: Duration) async -> Int32? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while process.isRunning && clock.now < deadline { try? await Task.sleep(for: .milliseconds(100)) }
        if process.isRunning { return nil }
        try? await Task.sleep(for: .milliseconds(200)) // the last log bytes
        output.fileHandleForReading.readabilityHandler = nil
        return process.terminationStatus
    }

    func kill() {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
    }
}

@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: SharedCorpora.feedworkerBinary.path),
                             "needs the feedworker binary (swift build)"))
struct StoreFullDiskTests {
    /// The store's disk fills up mid-run: the worker says so (`DEDUPE STORE UNUSABLE ... the disk is
    /// full`), publishes nothing undecided and stops (exit status 1: the design for a full disk,
    /// since rebuilding would only write more); the next owner, with room, redoes the rest from the
    /// committed offsets, and every hash is published exactly once.
    @Test func fullDiskStopsTheWorkerAndTheNextOwnerFinishesWithoutDuplicates() async throws {
        let f = try PipelineFixture(partitions: 2, name: "disk-full")
        defer { f.broker.stop() }
        let jobs = try KnownJobs(count: 400, seed: 31)
        try await f.produce(jobs.values)
        var config = f.config
        config.store.batchSize = 8 // many small commits: the WAL reaches the limit early in the run
        config.worker.shutdownTimeout = .seconds(10)
        let limited = try SizeLimitedWorkerProcess(config: config, fileSizeKiB: 160)
        defer { limited.kill() }
        let status = await limited.waitForExit(timeout: .seconds(150))
        #expect(status != nil && status != 0, "the worker did not stop on the full disk (status \(String(describing: status)))")
        let log = limited.log
        #expect(log.contains("DEDUPE STORE UNUSABLE"), "log tail: \(log.suffix(2000))")
        #expect(log.contains("the disk is full"))
        #expect(log.contains("file size limit (RLIMIT_FSIZE"), "the cause is named: \(log.suffix(1500))")
        #expect(!log.contains("DEDUPE STORE BROKEN"), "a full disk is not rebuilt (that writes more)")
        let partial = try await f.readAll(f.config.topics.clean).map(\.keyText)
        #expect(partial.count == Set(partial).count, "duplicate clean events before the stop")
        #expect(partial.count < jobs.hashes.count, "the limit was reached before the work was done")

        let next = try WorkerProcess(config: config, name: "next")
        defer { if next.process.isRunning { next.signal(SIGKILL) } } // no worker left behind if a check throws
        let complete = try await f.eventually(timeout: .seconds(150)) {
            Set(try await f.readAll(f.config.topics.clean).map(\.keyText)).count >= jobs.hashes.count
        }
        try await Task.sleep(for: .seconds(2))
        next.signal(SIGTERM)
        #expect(await next.waitForExit(timeout: .seconds(30)) == 0, "log tail: \(next.log.suffix(1500))")
        #expect(complete)
        let keys = try await f.readAll(f.config.topics.clean).map(\.keyText)
        #expect(keys.count == Set(keys).count, "duplicate clean events: \(keys.count - Set(keys).count)")
        #expect(Set(keys) == jobs.hashes)
    }
}
