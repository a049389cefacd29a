import Foundation
import Pipeline
import Synchronization
import Telemetry
import Testing
import TestSupport

struct WorkerHealthTests {
    @Test func stageWithPendingWorkAndNoProgressIsUnhealthyIdleStageIsNot() async throws {
        let health = WorkerHealth(stallTimeout: .milliseconds(50))
        let pending = Atomic<Int>(0)
        health.register(.extract) { pending.load(ordering: .relaxed) }
        health.register(.dedupe) { 0 }
        #expect(await health.check() == .healthy)
        try await Task.sleep(for: .milliseconds(120))
        // Past the stall timeout but nothing pending: idle, healthy.
        #expect(await health.check() == .healthy)
        pending.store(3, ordering: .relaxed)
        guard case .unhealthy(let reason) = await health.check() else { Issue.record("expected unhealthy"); return }
        #expect(reason.contains("extract") && reason.contains("3 pending"), "\(reason)")
        // Progress clears it.
        health.progressed(.extract)
        #expect(await health.check() == .healthy)
    }

    @Test func failingStoreProbeIsUnhealthy() async {
        let health = WorkerHealth()
        health.register(.dedupe) { 0 }
        let broken = Atomic<Bool>(false)
        health.registerStoreProbe { broken.load(ordering: .relaxed) ? "partition 2: disk I/O error" : nil }
        #expect(await health.check() == .healthy)
        broken.store(true, ordering: .relaxed)
        #expect(await health.check() == .unhealthy(reason: "store: partition 2: disk I/O error"))
    }

    @Test func readyOnceEveryStageIsReady() async {
        let health = WorkerHealth()
        #expect(!health.isReady, "no stage registered yet")
        health.register(.extract) { 0 }
        health.register(.dedupe) { 0 }
        health.markReady(.extract)
        #expect(!health.isReady)
        health.markReady(.dedupe)
        #expect(health.isReady)
        await health.waitUntilReady() // returns at once
    }
}

/// `feedworker demo` as a process: exit 0, the sections, and a final metrics line carrying the
/// pipeline's metric labels.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: SharedCorpora.feedworkerBinary.path), "needs the feedworker binary (swift build)"))
struct DemoCommandTests {
    @Test func demoBinaryPrintsEventsDuplicatesDeadLettersAndMetrics() async throws {
        let process = Process()
        process.executableURL = SharedCorpora.feedworkerBinary
        process.arguments = ["demo"]
        process.currentDirectoryURL = SharedCorpora.packageRoot
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("clean events ("))
        #expect(text.contains("duplicates suppressed ("))
        #expect(text.contains("dead letters (2):"))
        #expect(text.contains("not_json:") && text.contains("missing_field:"))
        let metrics = try #require(text.split(separator: "\n").last { $0.contains("msg=metrics") && $0.contains("final=true") })
        // The summary for people (MetricsSummary.worker): what moved, DLQ by reason, lag, in-flight,
        // job latency p50/p99; no zero series.
        // One job per sample document, plus the malformed job and the job without url.
        let samples = try FileManager.default.contentsOfDirectory(atPath: SharedCorpora.packageRoot.appendingPathComponent("Config/samples").path)
            .filter { !$0.hasPrefix(".") && !$0.hasSuffix(".md") }
        for field in [" jobs=\(samples.count + 2) ", " jobs.articles=", " jobs.dlq=2 ", " dlq=2 ", " dlq.not_json=1 ", " dlq.missing_field=1 ",
                      " clean=", " duplicates=", " candidates=", " in_flight_jobs=0 ", " consumer_lag.extract=",
                      " job_latency.candidates.p50_ms=", " job_latency.candidates.p99_ms=", " job_latency.clean.p99_ms=", " rss_mb="] {
            #expect(metrics.contains(field), "\(field) missing from \(metrics)")
        }
        #expect(!metrics.contains("bad_base64") && !metrics.contains(".rate=") && !metrics.contains("{"), "\(metrics)")
        #expect(metrics.count < 600, "a line for people: \(metrics)")
        // The metrics line comes after the printed outcome.
        #expect(text.range(of: "msg=metrics")!.lowerBound > text.range(of: "dead letters")!.lowerBound)
    }
}

struct WorkerHealthRestoreTests {
    @Test func restoringStageIsNotStalled() async throws {
        let health = WorkerHealth(stallTimeout: .milliseconds(30))
        health.register(.dedupe) { 10 } // events wait while the stores restore
        health.setRestoring(.dedupe, true)
        try await Task.sleep(for: .milliseconds(80))
        #expect(await health.check() == .healthy)
        health.setRestoring(.dedupe, false) // counts as progress
        #expect(await health.check() == .healthy)
        try await Task.sleep(for: .milliseconds(80))
        #expect(await health.check() != .healthy)
    }
}
