import Glibc
import Kafka
import Metrics
import Telemetry

/// The worker's swift-metrics instruments (the Telemetry backend prints them).
///
/// Names: `feedworker_jobs_total{outcome=articles|empty|dlq|retry}`, `feedworker_candidates_total`,
/// `feedworker_clean_total`, `feedworker_duplicates_total` (decided by the dedupe stage),
/// `feedworker_known_duplicates_total` (decided by the extract stage: not produced again, ``KnownCandidates``),
/// `feedworker_dlq_total{reason=<code>}`,
/// `feedworker_restored_total`, `feedworker_changelog_gaps_total`, gauges
/// `feedworker_in_flight_jobs`, `feedworker_owned_partitions{stage}`, `feedworker_consumer_lag{stage}`,
/// timers `feedworker_stage_duration{stage=extract|dedupe}` and `feedworker_job_latency{until}`:
/// - `until=candidates` (extract stage): from the job read off the consumer to all its
///   candidates (or its DLQ/retry record) acknowledged by the broker, per job;
/// - `until=clean` (dedupe stage): from the job read off the consumer by the extract stage (its
///   wall-clock time travels in the candidate header `job_consumed_at`) to the clean event
///   acknowledged, per clean event. Across hosts it includes their clock difference.
struct PipelineMetrics: Sendable {
    let jobsWithArticles = Counter(label: "feedworker_jobs_total", dimensions: [("outcome", "articles")])
    let jobsEmpty = Counter(label: "feedworker_jobs_total", dimensions: [("outcome", "empty")])
    let jobsDLQ = Counter(label: "feedworker_jobs_total", dimensions: [("outcome", "dlq")])
    let jobsRetried = Counter(label: "feedworker_jobs_total", dimensions: [("outcome", "retry")])
    let candidates = Counter(label: "feedworker_candidates_total")
    let clean = Counter(label: "feedworker_clean_total")
    let duplicates = Counter(label: "feedworker_duplicates_total")
    let knownDuplicates = Counter(label: "feedworker_known_duplicates_total")
    let restored = Counter(label: "feedworker_restored_total")
    let changelogGaps = Counter(label: "feedworker_changelog_gaps_total")
    let storeRebuilds = Counter(label: "feedworker_store_rebuilds_total")
    let inFlight = Gauge(label: "feedworker_in_flight_jobs")
    let extractPartitions = Gauge(label: "feedworker_owned_partitions", dimensions: [("stage", "extract")])
    let dedupePartitions = Gauge(label: "feedworker_owned_partitions", dimensions: [("stage", "dedupe")])
    let extractDuration = Timer(label: "feedworker_stage_duration", dimensions: [("stage", "extract")])
    let dedupeDuration = Timer(label: "feedworker_stage_duration", dimensions: [("stage", "dedupe")])
    let jobLatency = Timer(label: "feedworker_job_latency", dimensions: [("until", "candidates")])
    let cleanLatency = Timer(label: "feedworker_job_latency", dimensions: [("until", "clean")])
    private let dlqByReason: [JobError.Code: Counter]

    init() {
        var d: [JobError.Code: Counter] = [:]
        for code in JobError.Code.allCases {
            d[code] = Counter(label: "feedworker_dlq_total", dimensions: [("reason", code.rawValue)])
        }
        dlqByReason = d
    }

    func dlq(_ code: JobError.Code) { dlqByReason[code]?.increment() }
}

/// When the extract stage read a job: a monotonic instant for its own latency, and wall-clock
/// microseconds that travel with the candidates (header `job_consumed_at`) to the dedupe stage.
struct JobClock: Sendable {
    /// The candidate header carrying the wall-clock time (decimal microseconds since the epoch).
    static let headerName = "job_consumed_at"

    struct Instant: Sendable {
        var monotonic: ContinuousClock.Instant
        var wallMicroseconds: Int64

        var header: KafkaHeader { KafkaHeader(key: JobClock.headerName, string: String(wallMicroseconds)) }
    }

    static func now() -> Instant {
        Instant(monotonic: .now, wallMicroseconds: wallMicroseconds())
    }

    static func wallMicroseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
    }

    /// The `job_consumed_at` value of `headers`, if present and numeric.
    static func consumedAt(_ headers: [KafkaHeader]) -> Int64? {
        guard let value = headers.last(where: { $0.key == headerName })?.value, !value.isEmpty, value.count <= 19 else { return nil }
        var n: Int64 = 0
        for b in value {
            guard b >= 0x30, b <= 0x39 else { return nil }
            // Nineteen digits can exceed Int64.max: a header from the topic is untrusted input.
            let (times10, o1) = n.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int64(b - 0x30))
            if o1 || o2 { return nil }
            n = sum
        }
        return n
    }
}

extension MetricsSummary {
    /// The worker's metrics line for people (`[log] format = "logfmt"`): jobs, candidates, clean
    /// events, duplicates, DLQ records by reason and fetches by status when they moved, in-flight
    /// jobs, consumer lag per stage, job latency p50/p99 to candidates and to clean events, RSS.
    public static let worker = MetricsSummary(
        labelPrefix: "feedworker_",
        leadingCounters: ["feedworker_jobs_total", "feedworker_candidates_total", "feedworker_clean_total",
                          "feedworker_duplicates_total", "feedworker_known_duplicates_total", "feedworker_dlq_total"],
        rates: ["feedworker_jobs_total", "feedworker_clean_total"],
        gauges: ["feedworker_in_flight_jobs", "feedworker_consumer_lag"],
        histograms: ["feedworker_job_latency"])
}
