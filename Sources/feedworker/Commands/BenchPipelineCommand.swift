import ArgumentParser
import Benchmarks
import Foundation

/// `feedworker bench pipeline`: the whole worker on an in-process mock cluster, beside the raw
/// Kafka consume→produce ceiling on the same job messages.
struct BenchPipelineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "End-to-end worker throughput (feed jobs → clean articles/s, HTML page jobs → pages/s) beside the Kafka passthrough ceiling.",
        discussion: """
        Starts librdkafka's mock cluster in this process and, for each workload:
          1. produces the jobs: every feed of corpora/feeds/files (or page of
             corpora/html-articles/pages) inline as a fetch job, --passes times (later
             passes re-list the same entries: duplicates);
          2. baseline: a consume→produce loop over the same job messages (assign-mode
             consumer, each message copied to another topic, counted when
             acknowledged): the Kafka ceiling;
          3. runs a Worker (extract + dedupe, one process, parse_concurrency = cores)
             from the first job read until every job is committed-ready and every
             candidate decided.
        Prints jobs/s, articles/s (candidates through dedupe), clean articles/s, and the worker's \
        RSS (current and peak, from /proc/self/status). \
        Latency (feedworker_job_latency): before the saturated run, --low-load-jobs jobs are sent \
        one every --low-load-interval-ms (each document's first sight); p50/p99 from a job read by \
        the extract stage to its candidates acknowledged, and to its clean event acknowledged, are \
        printed for that low load and for the saturated run (jobs queued as fast as they are \
        produced). librdkafka's mock broker holds a Fetch that finds no data for fetch.wait.max.ms \
        (500 ms) even when data arrives meanwhile, which the clean latency includes at low load; \
        --fetch-wait-max-ms lowers it (a real broker answers as soon as data arrives).
        """
    )

    @Option(name: .long, help: "The corpora folder (default: $FEEDWORKER_SHARED/corpora or ../shared/corpora).")
    var corpora: String?

    @Option(name: .long, help: "How many times each document is enqueued.")
    var passes: Int = 3

    @Option(name: .long, help: "Workloads to run: feeds, pages or both.")
    var workload: String = "both"

    @Option(name: .long, help: "worker.max_in_flight_jobs.")
    var maxInFlight: Int = 256

    @Option(name: .long, help: "Jobs sent one at a time before the saturated run, for the low-load latency (0: none).")
    var lowLoadJobs: Int = 40

    @Option(name: .long, help: "Milliseconds between two low-load jobs.")
    var lowLoadIntervalMs: Int = 50

    @Option(name: .long, help: "fetch.wait.max.ms of the worker's consumers (default: librdkafka's, 500).")
    var fetchWaitMaxMs: Int?

    func run() async throws {
        let root = corpora ?? (ProcessInfo.processInfo.environment["FEEDWORKER_SHARED"].map { $0 + "/corpora" } ?? "../shared/corpora")
        let options = PipelineBenchmark.Options(corporaFolder: root, passes: passes, workload: PipelineBenchmark.Workload(rawValue: workload),
                                                maxInFlightJobs: maxInFlight, lowLoadJobs: lowLoadJobs, lowLoadIntervalMs: lowLoadIntervalMs,
                                                fetchWaitMaxMs: fetchWaitMaxMs)
        try await PipelineBenchmark(options).run(report: { print($0) })
    }
}
