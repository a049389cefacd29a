import Config
import Extraction
import Foundation
import Kafka
import Pipeline
import Testing
import TestSupport

/// Serves generated documents for `https://generated.example/<bytes>` URLs (a stand-in for the
/// HTTP fetcher: a job that names a URL and gets a large page back), inline bodies otherwise.
private struct GeneratedPageSource: DocumentSource {
    func document(for job: FetchJob) async throws(JobError) -> FetchedDocument {
        let prefix = "https://generated.example/"
        guard job.url.hasPrefix(prefix), let bytes = Int(job.url.dropFirst(prefix.count)) else {
            return try await InlineDocumentSource().document(for: job)
        }
        var html = "<!DOCTYPE html><html><head><title>A very long report on the harbor works</title></head><body><article><h1>A very long report on the harbor works</h1>"
        var k = 0
        while html.utf8.count < bytes {
            html += "<p>Paragraph \(k): " + StoryFactory.paragraph(k, 1) + "</p>"
            k += 1
        }
        return FetchedDocument(bytes: Array((html + "</article></body></html>").utf8), contentType: "text/html; charset=utf-8",
                               url: job.url, fetchedAt: nil)
    }
}

/// Jobs that must end in the DLQ with a precise reason, through a whole worker, without stopping it.
@Suite(.serialized) struct DeadLetterPathTests {
    private func normalPages(_ stories: Range<Int>) -> [[UInt8]] {
        stories.map { FetchJob(jobID: "ok-\($0)", url: "https://news.example.org/ok/\($0)", kind: .page, body: StoryFactory.html($0)).encodeJSON() }
    }

    /// A page whose markup is beyond the work caps with no article before the cut (extraction's
    /// `too_complex`) → one DLQ record `too_complex`, stage `extract`; the jobs around it go on.
    @Test func tooComplexPageGoesToTheDLQAndTheWorkerGoesOn() async throws {
        let f = try PipelineFixture(partitions: 1, name: "too-complex")
        defer { f.broker.stop() }
        // 150 KB of nested divs, the article only after them: the tree work budget runs out about
        // half-way (nested tables trip it too, but cost ~40 s of a debug build before the cut).
        let hostile = PathologicalDocuments.repeated("<div>", bytes: 150_000, prefix: PathologicalDocuments.head,
                                                     suffix: PathologicalDocuments.prose + "</body></html>")
        let bad = FetchJob(jobID: "hostile-1", url: "https://hostile.example/tables", kind: .page, body: hostile).encodeJSON()
        let before = normalPages(0..<3), after = normalPages(3..<6)
        try await f.produce(before + [bad] + after)
        let worker = ObservedWorker(config: f.config)
        let done = await f.eventually(timeout: .seconds(120)) {
            worker.stats.jobs.load(ordering: .relaxed) == 7 && worker.stats.clean.load(ordering: .relaxed) == 6
        }
        #expect(done, "\(worker.stats.summary)")
        #expect(worker.isRunning)
        try await expectOneDeadLetter(f, code: "too_complex", stage: "extract", messageContains: "too complex", job: bad)
        let clean = try await f.readAll(f.config.topics.clean)
        #expect(Set(clean.map(\.keyText)) == (try contentHashes(ofJobs: before + after)))
        try await worker.stop()
    }

    /// A job whose article event is larger than the producer's `message.max.bytes` → DLQ
    /// `event_too_large` (stage `produce`), none of its events produced, no stall; the worker
    /// goes on with the next jobs.
    @Test func eventLargerThanTheProducerAcceptsGoesToTheDLQ() async throws {
        let f = try PipelineFixture(partitions: 1, name: "too-large")
        defer { f.broker.stop() }
        var config = f.config
        config.kafka.properties["message.max.bytes"] = "40000"
        let big = FetchJob(jobID: "big-1", url: "https://generated.example/120000", kind: .page).encodeJSON()
        let small = FetchJob(jobID: "small-1", url: "https://generated.example/20000", kind: .page).encodeJSON()
        let before = normalPages(0..<3), after = normalPages(3..<6)
        try await f.produce(before + [big, small] + after)
        let worker = ObservedWorker(config: config, source: GeneratedPageSource())
        let done = await f.eventually(timeout: .seconds(120)) {
            worker.stats.jobs.load(ordering: .relaxed) == 8 && worker.stats.clean.load(ordering: .relaxed) == 7
        }
        #expect(done, "\(worker.stats.summary); log: \(worker.log.all.suffix(5))")
        #expect(worker.isRunning)
        try await expectOneDeadLetter(f, code: "event_too_large", stage: "produce", messageContains: "message.max.bytes of 40000", job: big)
        let candidates = try await f.readAll(f.config.topics.candidates)
        #expect(!candidates.contains { $0.headerText("job_id") == "big-1" }, "no event of the oversized job was produced")
        #expect(candidates.contains { $0.headerText("job_id") == "small-1" }, "a 20 KB page under the limit is produced")
        #expect(worker.log.matching("job sent to the DLQ").contains { $0.contains("event_too_large") })
        try await worker.stop()
    }

    /// A job larger than the producer's `message.max.bytes` (the consumer fetches it, the producer
    /// cannot send it back whole) goes to the DLQ cut to fit, with `error.value_truncated` = its
    /// length; the worker goes on (it used to stop, and so did every worker after it).
    @Test func jobLargerThanTheProducerAcceptsIsDeadLetteredCut() async throws {
        let f = try PipelineFixture(partitions: 1, name: "job-too-large")
        defer { f.broker.stop() }
        var config = f.config
        config.kafka.properties["message.max.bytes"] = "40000"
        let huge = Array(repeating: UInt8(ascii: "x"), count: 60_000)   // not JSON, and over the limit
        let before = normalPages(0..<2), after = normalPages(2..<4)
        try await f.produce(before + [huge] + after)
        let worker = ObservedWorker(config: config, source: GeneratedPageSource())
        let done = await f.eventually(timeout: .seconds(120)) {
            worker.stats.jobs.load(ordering: .relaxed) == 5 && worker.stats.clean.load(ordering: .relaxed) == 4
        }
        #expect(done, "\(worker.stats.summary); log: \(worker.log.all.suffix(5))")
        #expect(worker.isRunning)
        let dlq = try await f.readAll(f.config.topics.dlq)
        try #require(dlq.count == 1)
        #expect(dlq[0].headerText("error.value_truncated") == "60000")
        let kept = try #require(dlq[0].value)
        #expect(kept.count < 40_000 && kept.count > 30_000, "\(kept.count) bytes kept")
        #expect(kept.allSatisfy { $0 == UInt8(ascii: "x") })
        #expect(dlq[0].headerText("source.offset") == "2")
        try await worker.stop()
    }

    /// The broker refusing a produce as `MSG_SIZE_TOO_LARGE` (its limit below the producer's
    /// `message.max.bytes`): the jobs whose events were in the refused request go to the DLQ as
    /// `event_too_large`; the worker does not stop and the other jobs are published.
    @Test func brokerRefusingAnEventAsTooLargeDeadLettersItsJob() async throws {
        let f = try PipelineFixture(partitions: 1, name: "broker-too-large")
        defer { f.broker.stop() }
        let jobs = normalPages(0..<6)
        try await f.produce(jobs)
        // The worker's first produce request is refused (the test's producer is done by now).
        try f.broker.cluster.pushRequestErrors(apiKey: 0, code: 10 /* MSG_SIZE_TOO_LARGE */, count: 1)
        let worker = ObservedWorker(config: f.config)
        let done = await f.eventually(timeout: .seconds(90)) {
            worker.stats.jobs.load(ordering: .relaxed) == 6
                && worker.stats.candidatesSeen.load(ordering: .relaxed) == worker.stats.candidates.load(ordering: .relaxed)
                && worker.stats.clean.load(ordering: .relaxed) + worker.stats.duplicates.load(ordering: .relaxed)
                    == worker.stats.candidatesSeen.load(ordering: .relaxed)
        }
        #expect(done, "\(worker.stats.summary); log: \(worker.log.all.suffix(6))")
        #expect(worker.isRunning, "log: \(worker.log.all.suffix(6))")
        let dlq = try await f.readAll(f.config.topics.dlq)
        #expect(!dlq.isEmpty, "the refused job was not dead-lettered: \(worker.stats.summary)")
        #expect(dlq.allSatisfy { $0.headerText("error.code") == "event_too_large" })
        #expect(dlq.allSatisfy { $0.headerText("error.message")?.contains("the broker refused") == true })
        // Every job is either dead-lettered or published.
        let clean = try await f.readAll(f.config.topics.clean)
        let candidates = try await f.readAll(f.config.topics.candidates)
        let produced = Set(candidates.compactMap { $0.headerText("job_id") })
        let dead = Set(dlq.compactMap { try? FetchJob.decode($0.value ?? [], maxBodyBytes: 1 << 24).jobID })
        #expect(produced.union(dead) == Set((0..<6).map { "ok-\($0)" }))
        #expect(Set(clean.map(\.keyText)).count == clean.count)
        print("broker MSG_SIZE_TOO_LARGE: \(dlq.count) job(s) dead-lettered, \(produced.count) produced; \(worker.stats.summary)")
        try await worker.stop()
    }

    /// The DLQ holds exactly one record: `job` as it was, with `code`, `stage` and a message
    /// containing `messageContains`.
    func expectOneDeadLetter(_ f: PipelineFixture, code: String, stage: String, messageContains: String, job: [UInt8]) async throws {
        let dlq = try await f.readAll(f.config.topics.dlq)
        try #require(dlq.count == 1, "\(dlq.map { $0.headerText("error.code") ?? "" })")
        #expect(dlq[0].headerText("error.code") == code)
        #expect(dlq[0].headerText("error.stage") == stage)
        #expect(dlq[0].headerText("error.message")?.contains(messageContains) == true, "\(dlq[0].headerText("error.message") ?? "")")
        #expect(dlq[0].value == job, "the DLQ record carries the job as it was")
    }
}
