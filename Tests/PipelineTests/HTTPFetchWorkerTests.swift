import Config
import Foundation
import Kafka
import Normalization
import Pipeline
import Synchronization
import Testing
import TestSupport

/// A worker fetching its jobs over HTTP from a loopback server (guard on, only the server's port
/// allowlisted), in process, on the test broker.
private final class FetchingWorker: Sendable {
    let stats: PipelineStats
    let source: HTTPDocumentSource
    private let signal = StopSignal()
    private let task: Task<Void, any Error>

    init(config: FeedworkerConfig) throws {
        source = try HTTPDocumentSource(config: config)
        let worker = Worker(config: config, source: source)
        stats = worker.stats
        let signal = self.signal
        task = Task { try await worker.run(stop: signal) }
    }

    func stop() async throws {
        signal.stop()
        try await task.value
    }
}

private func fetchConfig(_ f: PipelineFixture, server: TinyHTTPServer) -> FeedworkerConfig {
    var config = f.config
    config.fetch.guardEnabled = true
    config.fetch.allowlist = ["127.0.0.0/8:\(server.port)"]
    config.fetch.perHostMinDelay = .zero
    config.fetch.connectTimeout = .seconds(2)
    config.fetch.totalTimeout = .seconds(5)
    config.fetch.maxAttempts = 3
    config.fetch.backoffBase = .seconds(1)
    config.fetch.backoffCap = .seconds(2)
    config.groups.retry = config.groups.extract + "-retry"
    return config
}

private func job(_ id: String, _ url: String, etag: String? = nil) -> [UInt8] {
    FetchJob(jobID: id, url: url, kind: .feed, fetchedAt: Timestamp(secondsSinceEpoch: 1_741_132_800), etag: etag).encodeJSON()
}

private func header(_ m: KafkaMessage, _ name: String) -> String? {
    m.header(name).map { String(decoding: $0, as: UTF8.self) }
}

@Suite(.serialized) struct HTTPFetchWorkerTests {
    /// URL-only feed job → clean events; the same job with the ETag → 304 counted, no new event;
    /// the job again without validators → the validator cache (written after the articles were
    /// acknowledged) sends the ETag → 304 too.
    @Test func fetchesThenNotModified() async throws {
        let feed = StoryFactory.rss([101, 102, 103], feed: 1)
        let server = try TinyHTTPServer { request in
            if request.headers["if-none-match"] == "\"v1\"" { return .init(status: 304, headers: [("ETag", "\"v1\"")]) }
            return .init(status: 200, headers: [("Content-Type", "application/rss+xml; charset=utf-8"), ("ETag", "\"v1\"")], body: feed)
        }
        defer { server.stop() }
        let f = try PipelineFixture(partitions: 2, name: "fetch304")
        defer { f.broker.stop() }
        let url = server.baseURL + "/feed.xml"
        try await f.produce([job("j-1", url)])
        let worker = try FetchingWorker(config: fetchConfig(f, server: server))
        let fetched = await f.eventually(timeout: .seconds(120)) { worker.stats.clean.load(ordering: .relaxed) >= 3 }
        #expect(fetched, "no clean events: \(worker.stats.summary)")

        try await f.produce([job("j-2", url, etag: "\"v1\"")])
        let notModified = await f.eventually(timeout: .seconds(120)) { worker.source.stats.notModified.load(ordering: .relaxed) >= 1 }
        #expect(notModified)
        try await f.produce([job("j-3", url)])
        let cached = await f.eventually(timeout: .seconds(120)) { worker.source.stats.notModified.load(ordering: .relaxed) >= 2 }
        #expect(cached, "the validator cache did not supply the ETag")
        let jobsDone = await f.eventually(timeout: .seconds(120)) { worker.stats.jobs.load(ordering: .relaxed) >= 3 }
        #expect(jobsDone)
        try await worker.stop()

        #expect(worker.stats.clean.load(ordering: .relaxed) == 3)
        #expect(worker.stats.jobsEmpty.load(ordering: .relaxed) == 2, "the 304 jobs count as done with no articles")
        #expect(worker.stats.dlq.load(ordering: .relaxed) == 0)
        #expect(worker.source.stats.fetched.load(ordering: .relaxed) == 1)
        let clean = try await f.readAll(f.config.topics.clean)
        #expect(clean.count == 3)
        #expect(try await f.readAll(f.config.topics.dlq).isEmpty)
        let requests = server.requests
        #expect(requests.count == 3)
        #expect(requests.first?.headers["if-none-match"] == nil)
        #expect(requests.dropFirst().allSatisfy { $0.headers["if-none-match"] == "\"v1\"" })
        #expect(requests.first?.headers["user-agent"]?.contains("feedworker") == true)
    }

    /// 500, then 200: the job goes to the retry topic with attempt 2 and a not_before, the retry
    /// stage waits for it, fetches again and produces the events; the original is committed.
    @Test func transientFailureIsRetriedThroughTheRetryTopic() async throws {
        let feed = StoryFactory.rss([201, 202], feed: 2)
        let hits = Atomic<Int>(0)
        let server = try TinyHTTPServer { _ in
            if hits.add(1, ordering: .relaxed).newValue == 1 { return .init(status: 500) }
            return .init(status: 200, headers: [("Content-Type", "application/rss+xml")], body: feed)
        }
        defer { server.stop() }
        let f = try PipelineFixture(partitions: 2, name: "fetchretry")
        defer { f.broker.stop() }
        try await f.produce([job("j-retry", server.baseURL + "/flaky.xml")])
        let worker = try FetchingWorker(config: fetchConfig(f, server: server))
        let produced = await f.eventually(timeout: .seconds(120)) { worker.stats.clean.load(ordering: .relaxed) >= 2 }
        try await worker.stop()
        #expect(produced, "no clean events after the retry: \(worker.stats.summary)")
        #expect(worker.stats.retried.load(ordering: .relaxed) == 1)
        #expect(worker.stats.dlq.load(ordering: .relaxed) == 0)
        // At least the failure and the retry (a redelivery after a rebalance would add one more;
        // dedupe keeps the clean topic exact either way).
        #expect(server.requests.count >= 2)

        let retries = try await f.readAll(f.config.topics.retry)
        try #require(retries.count == 1)
        let retried = try FetchJob.decode(retries[0].value ?? [], maxBodyBytes: 1 << 20)
        #expect(retried.attempt == 2)
        #expect(retried.jobID == "j-retry")
        #expect(retried.body == nil)
        #expect(retried.notBefore != nil)
        let clean = try await f.readAll(f.config.topics.clean)
        #expect(clean.count == 2)
        #expect(clean.allSatisfy { header($0, "job_id") == "j-retry" })
    }

    /// A host that keeps failing: attempts 1, 2 and 3 (max_attempts = 3) go through the retry topic,
    /// the third failure goes to the DLQ with the HTTP status, carrying attempt 3.
    @Test func lastAttemptGoesToTheDLQWithTheStatus() async throws {
        let server = try TinyHTTPServer { _ in .init(status: 503) }
        defer { server.stop() }
        let f = try PipelineFixture(partitions: 2, name: "fetchgiveup")
        defer { f.broker.stop() }
        try await f.produce([job("j-down", server.baseURL + "/down.xml")])
        let worker = try FetchingWorker(config: fetchConfig(f, server: server))
        let done = await f.eventually(timeout: .seconds(120)) { worker.stats.dlq.load(ordering: .relaxed) >= 1 }
        try await worker.stop()
        #expect(done, "\(worker.stats.summary)")
        #expect(worker.stats.retried.load(ordering: .relaxed) == 2)
        #expect(server.requests.count == 3)
        let retries = try await f.readAll(f.config.topics.retry)
        #expect(try retries.map { try FetchJob.decode($0.value ?? [], maxBodyBytes: 1 << 20).attempt } == [2, 3])
        let dlq = try await f.readAll(f.config.topics.dlq)
        try #require(dlq.count == 1)
        #expect(header(dlq[0], "error.code") == "fetch.http.503")
        #expect(header(dlq[0], "source.topic") == f.config.topics.retry)
        #expect(try FetchJob.decode(dlq[0].value ?? [], maxBodyBytes: 1 << 20).attempt == 3)
        #expect(try await f.readAll(f.config.topics.clean).isEmpty)
    }

    /// A loopback URL on a port that is not allowlisted → DLQ `fetch.refused.loopback`, with no
    /// connection made; a 404 → DLQ `fetch.http.404` (final, no retry).
    @Test func refusalsAndFinalStatusesGoToTheDLQ() async throws {
        let server = try TinyHTTPServer { _ in .init(status: 404) }
        defer { server.stop() }
        let f = try PipelineFixture(partitions: 2, name: "fetchdlq")
        defer { f.broker.stop() }
        let forbiddenPort = server.port == 65535 ? server.port - 1 : server.port + 1
        try await f.produce([job("j-forbidden", "http://127.0.0.1:\(forbiddenPort)/feed.xml"),
                             job("j-missing", server.baseURL + "/gone.xml")])
        let worker = try FetchingWorker(config: fetchConfig(f, server: server))
        let done = await f.eventually(timeout: .seconds(120)) { worker.stats.dlq.load(ordering: .relaxed) >= 2 }
        try await worker.stop()
        #expect(done, "\(worker.stats.summary)")
        #expect(worker.stats.retried.load(ordering: .relaxed) == 0)
        #expect(server.requests.count == 1, "only the allowlisted port is contacted")

        let dlq = try await f.readAll(f.config.topics.dlq)
        try #require(dlq.count == 2)
        let byJob = Dictionary(uniqueKeysWithValues: try dlq.map { (try FetchJob.decode($0.value ?? [], maxBodyBytes: 1 << 20).jobID, $0) })
        let refused = try #require(byJob["j-forbidden"])
        #expect(header(refused, "error.code") == "fetch.refused.loopback")
        #expect(header(refused, "error.stage") == "fetch")
        #expect(header(refused, "error.message")?.contains("127.0.0.1") == true)
        let missing = try #require(byJob["j-missing"])
        #expect(header(missing, "error.code") == "fetch.http.404")
        #expect(header(missing, "source.topic") == f.config.topics.fetchJobs)
    }
}
