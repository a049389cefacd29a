import Metrics

/// The worker's swift-metrics instruments (the Telemetry backend prints them).
///
/// Names: `feedworker_jobs_total{outcome=articles|empty|dlq|retry}`, `feedworker_candidates_total`,
/// `feedworker_clean_total`, `feedworker_duplicates_total`, `feedworker_dlq_total{reason=<code>}`,
/// `feedworker_restored_total`, `feedworker_changelog_gaps_total`, gauges
/// `feedworker_in_flight_jobs`, `feedworker_owned_partitions{stage}`, `feedworker_consumer_lag{stage}`,
/// timers `feedworker_stage_duration{stage=extract|dedupe}`.
struct PipelineMetrics: Sendable {
    let jobsWithArticles = Counter(label: "feedworker_jobs_total", dimensions: [("outcome", "articles")])
    let jobsEmpty = Counter(label: "feedworker_jobs_total", dimensions: [("outcome", "empty")])
    let jobsDLQ = Counter(label: "feedworker_jobs_total", dimensions: [("outcome", "dlq")])
    let jobsRetried = Counter(label: "feedworker_jobs_total", dimensions: [("outcome", "retry")])
    let candidates = Counter(label: "feedworker_candidates_total")
    let clean = Counter(label: "feedworker_clean_total")
    let duplicates = Counter(label: "feedworker_duplicates_total")
    let restored = Counter(label: "feedworker_restored_total")
    let changelogGaps = Counter(label: "feedworker_changelog_gaps_total")
    let storeRebuilds = Counter(label: "feedworker_store_rebuilds_total")
    let inFlight = Gauge(label: "feedworker_in_flight_jobs")
    let extractPartitions = Gauge(label: "feedworker_owned_partitions", dimensions: [("stage", "extract")])
    let dedupePartitions = Gauge(label: "feedworker_owned_partitions", dimensions: [("stage", "dedupe")])
    let extractDuration = Timer(label: "feedworker_stage_duration", dimensions: [("stage", "extract")])
    let dedupeDuration = Timer(label: "feedworker_stage_duration", dimensions: [("stage", "dedupe")])
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
