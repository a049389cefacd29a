import Articles
import Config
import Foundation
import Kafka
import Logging
import Pipeline
import Synchronization
import Telemetry

/// The whole worker on an in-process mock cluster, beside the raw Kafka consume→produce ceiling on
/// the same job messages (for `feedworker bench pipeline`).
///
/// For each workload: the jobs (every document inline as a fetch job, `passes` times) are produced
/// to a staging topic; a consume→produce loop over them gives the Kafka ceiling; then a ``Worker``
/// runs from the first job read until every job is committed-ready and every candidate decided.
/// Before the saturated run, `lowLoadJobs` jobs are sent one at a time for the low-load latency.
public struct PipelineBenchmark: Sendable {
    /// Which corpora to run.
    public enum Workload: String, Sendable, Equatable {
        /// The feed files of `corpora/feeds/files`.
        case feeds
        /// The HTML pages of `corpora/html-articles/pages`.
        case pages
        /// Feeds, then pages.
        case both
    }

    /// What to measure.
    public struct Options: Sendable, Equatable {
        /// The corpora folder (holding `feeds/files` and `html-articles/pages`).
        public var corporaFolder: String
        /// How many times each document is enqueued.
        public var passes: Int
        /// Which corpora to run; `nil` (a name other than feeds, pages or both) runs none.
        public var workload: Workload?
        /// `worker.max_in_flight_jobs`.
        public var maxInFlightJobs: Int
        /// Jobs sent one at a time before the saturated run, for the low-load latency (0: none).
        public var lowLoadJobs: Int
        /// Milliseconds between two low-load jobs.
        public var lowLoadIntervalMs: Int
        /// `fetch.wait.max.ms` of the worker's consumers (`nil`: librdkafka's, 500).
        public var fetchWaitMaxMs: Int?

        /// Creates the options.
        public init(corporaFolder: String, passes: Int, workload: Workload?, maxInFlightJobs: Int,
                    lowLoadJobs: Int, lowLoadIntervalMs: Int, fetchWaitMaxMs: Int?) {
            self.corporaFolder = corporaFolder
            self.passes = passes
            self.workload = workload
            self.maxInFlightJobs = maxInFlightJobs
            self.lowLoadJobs = lowLoadJobs
            self.lowLoadIntervalMs = lowLoadIntervalMs
            self.fetchWaitMaxMs = fetchWaitMaxMs
        }
    }

    /// The options this benchmark runs with.
    public let options: Options

    /// Creates the benchmark.
    public init(_ options: Options) { self.options = options }

    /// Starts the mock cluster, measures each workload, and hands each printable line to `report`,
    /// in order. Bootstraps the process's metrics system (to read the worker's latency histograms),
    /// so it runs once per process.
    /// - Throws: file-system errors while reading the corpora, and the Kafka layer's and worker's errors.
    public func run(report: (String) -> Void) async throws {
        var logger = Logger(label: "feedworker.bench.pipeline")
        logger.logLevel = .error
        let metrics = MetricsSetup.bootstrap(destination: .lines(.custom { _ in }, .logfmt)).aggregator
        let cluster = try MockKafkaCluster(brokers: 1, logger: logger)
        defer { cluster.shutdown() }
        report("feedworker bench pipeline: mock cluster (1 broker, in-process), \(ProcessInfo.processInfo.activeProcessorCount) cores, passes=\(options.passes)")
        if options.workload == .both || options.workload == .feeds {
            let docs = try loadDocuments(options.corporaFolder + "/feeds/files", report: report)
            try await measure(name: "feeds", documents: docs, kind: .feed, cluster: cluster, logger: logger, metrics: metrics, report: report)
        }
        if options.workload == .both || options.workload == .pages {
            let docs = try loadDocuments(options.corporaFolder + "/html-articles/pages", report: report)
            try await measure(name: "pages", documents: docs, kind: .page, cluster: cluster, logger: logger, metrics: metrics, report: report)
        }
        let memory = MemoryStatus.read()
        report(String(format: "  process RSS now %.0f MB, peak %.0f MB", Double(memory.rssKB) / 1024, Double(memory.hwmKB) / 1024))
    }

    private func loadDocuments(_ dir: String, report: (String) -> Void) throws -> [(name: String, bytes: [UInt8])] {
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { !$0.hasPrefix(".") }.sorted()
        let all = try names.map { ($0, [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/" + $0)))) }
        // The mock broker refuses messages over ~1 MB (message.max.bytes): leave those documents out.
        let kept = all.filter { $0.1.count <= 700_000 }
        if kept.count < all.count { report("  (\(dir): \(all.count - kept.count) of \(all.count) documents over 700 kB left out: mock broker message size limit)") }
        return kept
    }

    private func measure(name: String, documents: [(name: String, bytes: [UInt8])], kind: DocumentKind,
                         cluster: MockKafkaCluster, logger: Logger, metrics: MetricsAggregator,
                         report: (String) -> Void) async throws {
        let passes = options.passes, lowLoadJobs = options.lowLoadJobs, lowLoadIntervalMs = options.lowLoadIntervalMs
        let prefix = "bench-\(name)"
        var config = FeedworkerConfig().namespaced(prefix)
        config.kafka.brokers = cluster.bootstrapServers
        config.kafka.properties = ["log_level": "3", "session.timeout.ms": "6000", "heartbeat.interval.ms": "500"]
        if let fetchWaitMaxMs = options.fetchWaitMaxMs { config.kafka.properties["fetch.wait.max.ms"] = String(fetchWaitMaxMs) }
        config.store.path = NSTemporaryDirectory() + "feedworker-bench-pipeline-\(UUID().uuidString)"
        config.worker.maxInFlightJobs = options.maxInFlightJobs
        defer { try? FileManager.default.removeItem(atPath: config.store.path) }

        let totalBytes = documents.reduce(0) { $0 + $1.bytes.count } * passes
        let partitions = Int32(max(8, totalBytes / (2 << 20) + 1))
        for t in [config.topics.fetchJobs, config.topics.candidates, config.topics.clean, "\(prefix).passthrough"] {
            try cluster.createTopic(t, partitions: partitions)
        }
        try cluster.createTopic(config.topics.dlq, partitions: 1)

        // 1. Jobs, produced once to a staging topic for the passthrough baseline.
        var jobs: [[UInt8]] = []
        for pass in 0..<passes {
            for d in documents {
                jobs.append(FetchJob(jobID: "\(name)-\(pass)-\(d.name)", url: "https://bench.example/\(name)/\(d.name)", kind: kind,
                                     body: d.bytes, fetchedAt: Timestamp(secondsSinceEpoch: 1_741_132_800)).encodeJSON())
            }
        }
        let staging = "\(prefix).staging"
        try cluster.createTopic(staging, partitions: partitions)
        let base = KafkaConfiguration(["bootstrap.servers": cluster.bootstrapServers, "log_level": "3"])
        let producer = try KafkaProducer(configuration: base, logger: logger)
        for (i, job) in jobs.enumerated() {
            try await producer.enqueue(topic: staging, key: Array("j\(i)".utf8), value: job, partition: Int32(i) % partitions) { _ in }
        }
        try await producer.flush(timeout: .seconds(120))
        let jobMB = Double(jobs.reduce(0) { $0 + $1.count }) / 1e6
        report("\n  [\(name)] \(jobs.count) jobs (\(documents.count) documents x \(passes) passes), \(String(format: "%.1f", jobMB)) MB, \(partitions) partitions")

        // 2. Baseline: consume → produce passthrough of the same messages.
        let consumer = try KafkaConsumer(configuration: base, bufferCapacity: 1024, logger: logger)
        try consumer.assign((0..<partitions).map { TopicPartitionOffset(topic: staging, partition: $0, offset: KafkaOffset.beginning) })
        let acked = Atomic<Int>(0)
        let clock = ContinuousClock()
        var start = clock.now
        var read = 0
        for await event in consumer.events {
            guard case .message(let m) = event else { continue }
            if read == 0 { start = clock.now }
            read += 1
            try await producer.enqueue(topic: "\(prefix).passthrough", key: m.key, value: m.value, partition: m.partition) { _ in
                acked.add(1, ordering: .relaxed)
            }
            if read == jobs.count { break }
        }
        while acked.load(ordering: .relaxed) < jobs.count { try await Task.sleep(for: .milliseconds(1)) }
        let passthrough = clock.now - start
        await consumer.close()

        // 3. The worker: started and warmed up (both stages assigned, one job through), then the
        // jobs are produced while it runs; timed from the first job produced to the last decided.
        let worker = Worker(config: config, logger: logger)
        let stats = worker.stats
        let stop = StopSignal()
        let task = Task { try await worker.run(stop: stop) }
        let warmUp = FetchJob(jobID: "warm-up", url: "https://bench.example/warm-up", kind: .page,
                              body: Array("<html><head><title>Warm-up page for the benchmark</title></head><body><article><h1>Warm-up page for the benchmark</h1><p>This page only makes sure that both stages of the worker have joined their groups and restored their stores before the clock starts, so that the figure is about throughput and not about group membership.</p><p>It is not counted in the results that follow, which start with the first real job.</p></article></body></html>".utf8))
        _ = try await producer.send(topic: config.topics.fetchJobs, value: warmUp.encodeJSON(), partition: 0)
        // A job that is not JSON warms up the DLQ path too: the worker's first produce to a topic
        // waits for that topic's metadata (~0.6–1 s on the mock broker), a one-off cost per process.
        _ = try await producer.send(topic: config.topics.fetchJobs, value: Array("warm-up: not a job".utf8), partition: 0)
        while stats.clean.load(ordering: .relaxed) == 0 || stats.dlq.load(ordering: .relaxed) == 0 || stats.jobs.load(ordering: .relaxed) < 2 {
            try await Task.sleep(for: .milliseconds(5))
        }
        // Low load: one job at a time, spaced, each a first sight (the saturated run's first pass
        // then finds these documents already published).
        var lowLoad: (candidates: HistogramSummary?, clean: HistogramSummary?) = (nil, nil)
        if lowLoadJobs > 0 {
            _ = metrics.snapshot()
            let target = stats.jobs.load(ordering: .relaxed) + lowLoadJobs
            for i in 0..<lowLoadJobs {
                let d = documents[i % documents.count]
                let job = FetchJob(jobID: "\(name)-low-\(i)", url: "https://bench.example/\(name)/low/\(i)/\(d.name)", kind: kind,
                                   body: d.bytes, fetchedAt: Timestamp(secondsSinceEpoch: 1_741_132_800)).encodeJSON()
                try await producer.enqueue(topic: config.topics.fetchJobs, key: Array("low\(i)".utf8), value: job, partition: Int32(i) % partitions) { _ in }
                try await Task.sleep(for: .milliseconds(lowLoadIntervalMs))
            }
            while stats.jobs.load(ordering: .relaxed) < target
                    || stats.clean.load(ordering: .relaxed) + stats.duplicates.load(ordering: .relaxed) < stats.candidates.load(ordering: .relaxed) {
                try await Task.sleep(for: .milliseconds(5))
            }
            lowLoad = latencies(metrics.snapshot())
        }
        _ = metrics.snapshot()
        let before = (jobs: stats.jobs.load(ordering: .relaxed), seen: stats.candidatesSeen.load(ordering: .relaxed),
                      clean: stats.clean.load(ordering: .relaxed), dup: stats.duplicates.load(ordering: .relaxed), dlq: stats.dlq.load(ordering: .relaxed),
                      known: stats.knownDuplicates.load(ordering: .relaxed))
        start = clock.now
        for (i, job) in jobs.enumerated() {
            try await producer.enqueue(topic: config.topics.fetchJobs, key: Array("j\(i)".utf8), value: job, partition: Int32(i) % partitions) { _ in }
        }
        var peakRSS = 0
        var lastSample = clock.now
        while true {
            let done = stats.jobs.load(ordering: .relaxed) == jobs.count + before.jobs
                && stats.candidatesSeen.load(ordering: .relaxed) == stats.candidates.load(ordering: .relaxed)
                && stats.clean.load(ordering: .relaxed) + stats.duplicates.load(ordering: .relaxed) == stats.candidatesSeen.load(ordering: .relaxed)
            if done { break }
            if clock.now - lastSample > .milliseconds(200) { peakRSS = max(peakRSS, MemoryStatus.read().rssKB); lastSample = clock.now }
            try await Task.sleep(for: .milliseconds(2))
        }
        let elapsed = clock.now - start
        let saturated = latencies(metrics.snapshot())
        peakRSS = max(peakRSS, MemoryStatus.read().rssKB)
        stop.stop()
        try await task.value
        await producer.close()

        func perSecond(_ n: Int, _ d: Duration) -> Double {
            Double(n) / d.inSeconds
        }
        // Articles decided: by the dedupe stage, or as known duplicates by the extract stage.
        let known = stats.knownDuplicates.load(ordering: .relaxed) - before.known
        let articles = stats.candidatesSeen.load(ordering: .relaxed) - before.seen + known
        let clean = stats.clean.load(ordering: .relaxed) - before.clean
        report(String(format: "  baseline passthrough (consume→produce)  %9.0f jobs/s  %7.1f MB/s", perSecond(jobs.count, passthrough),
                      jobMB / passthrough.inSeconds))
        report(String(format: "  worker                                  %9.0f jobs/s  (%.1f%% of passthrough)", perSecond(jobs.count, elapsed),
                      100 * perSecond(jobs.count, elapsed) / perSecond(jobs.count, passthrough)))
        report(String(format: "  worker articles (candidates deduped)    %9.0f articles/s  [%d articles, %d clean, %d duplicates (%d of them known at extract), %d DLQ]",
                      perSecond(articles, elapsed), articles, clean, stats.duplicates.load(ordering: .relaxed) - before.dup + known, known,
                      stats.dlq.load(ordering: .relaxed) - before.dlq))
        report(String(format: "  worker clean articles                   %9.0f clean/s", perSecond(clean, elapsed)))
        func describe(_ h: HistogramSummary?) -> String {
            guard let h, h.count > 0 else { return "no samples" }
            return String(format: "p50 %.1f ms, p99 %.1f ms (%llu)", Double(h.p50) / 1e6, Double(h.p99) / 1e6, h.count)
        }
        if lowLoadJobs > 0 {
            report("  latency, low load (\(lowLoadJobs) jobs, one per \(lowLoadIntervalMs) ms): job read → candidates acked \(describe(lowLoad.candidates)); → clean event acked \(describe(lowLoad.clean))")
        }
        report("  latency, saturated: job read → candidates acked \(describe(saturated.candidates)); → clean event acked \(describe(saturated.clean))")
        report(String(format: "  elapsed %.2f s; RSS during run peak %.0f MB", elapsed.inSeconds, Double(peakRSS) / 1024))
    }

    /// The interval summaries of `feedworker_job_latency{until=candidates}` and `{until=clean}`.
    private func latencies(_ snapshot: MetricsSnapshot) -> (candidates: HistogramSummary?, clean: HistogramSummary?) {
        func find(_ until: String) -> HistogramSummary? {
            snapshot.histograms.first { $0.key.label == "feedworker_job_latency" && $0.key.dimensions.first?.value == until }?.interval
        }
        return (find("candidates"), find("clean"))
    }
}
