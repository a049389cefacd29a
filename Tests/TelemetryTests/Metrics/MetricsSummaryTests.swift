import CoreMetrics
import Foundation
import Logging
import Testing
@testable import Telemetry

/// The metrics line for people: moved counters only, selected gauges and latencies, in order.
@Suite struct MetricsSummaryTests {
    let summary = MetricsSummary(labelPrefix: "fw_", leadingCounters: ["fw_jobs_total", "fw_dlq_total"],
                                 rates: ["fw_jobs_total"], gauges: ["fw_in_flight", "fw_lag"], histograms: ["fw_latency"])

    /// A worker-like registry: labelled counters created up front (all zero), a few that move.
    func registry() -> (MetricsAggregator, jobs: Counter, dlqNotJSON: Counter, clean: Counter, latency: CoreMetrics.Timer) {
        let metrics = MetricsAggregator()
        let jobs = Counter(label: "fw_jobs_total", dimensions: [("outcome", "articles")], factory: metrics)
        _ = Counter(label: "fw_jobs_total", dimensions: [("outcome", "empty")], factory: metrics)
        let dlqNotJSON = Counter(label: "fw_dlq_total", dimensions: [("reason", "not_json")], factory: metrics)
        for reason in ["bad_base64", "missing_field", "wrong_type"] {
            _ = Counter(label: "fw_dlq_total", dimensions: [("reason", reason)], factory: metrics)
        }
        let clean = Counter(label: "fw_clean_total", factory: metrics)
        _ = Counter(label: "fw_restored_total", factory: metrics)
        Gauge(label: "fw_in_flight", factory: metrics).record(0)
        Gauge(label: "fw_lag", dimensions: [("stage", "extract")], factory: metrics).record(12)
        Gauge(label: "fw_owned_partitions", factory: metrics).record(8)
        let latency = CoreMetrics.Timer(label: "fw_latency", dimensions: [("until", "clean")], factory: metrics)
        _ = CoreMetrics.Timer(label: "fw_stage_duration", factory: metrics)
        return (metrics, jobs, dlqNotJSON, clean, latency)
    }

    @Test func writesOnlyWhatMovedAndWhatMatters() throws {
        let (metrics, jobs, dlq, clean, latency) = registry()
        jobs.increment(by: 30)
        dlq.increment(by: 2)
        clean.increment(by: 25)
        for ms in 1...100 { latency.recordMilliseconds(ms) }
        var snapshot = metrics.snapshot()
        snapshot.elapsed = .seconds(10)
        let fields = summary.fields(for: snapshot, final: false, residentBytes: 150 << 20)
        let keys = fields.map(\.key)
        #expect(keys == ["msg", "interval_s", "jobs", "jobs_per_s", "jobs.articles", "dlq", "dlq.not_json", "clean",
                         "in_flight", "lag.extract", "latency.clean.p50_ms", "latency.clean.p99_ms", "rss_mb"])
        let values = Dictionary(uniqueKeysWithValues: fields.map { ($0.key, $0.value) })
        #expect(values["jobs"] == .int(30))
        #expect(values["jobs_per_s"] == .double(3))
        #expect(values["dlq.not_json"] == .int(2))
        #expect(values["clean"] == .int(25))
        #expect(values["lag.extract"] == .int(12))
        #expect(values["in_flight"] == .int(0), "selected gauges are written at zero too")
        #expect(values["rss_mb"] == .int(150))
        if case .double(let p50)? = values["latency.clean.p50_ms"] { #expect(abs(p50 - 50) <= 1) } else { Issue.record("no p50") }
        if case .double(let p99)? = values["latency.clean.p99_ms"] { #expect(abs(p99 - 99) <= 1.5) } else { Issue.record("no p99") }
        // Nothing of the zero series: no reason that did not occur, no unmoved counter, no empty histogram.
        #expect(!keys.contains { $0.contains("bad_base64") || $0.contains("empty") || $0.contains("restored") || $0.contains("stage_duration") })
        #expect(!keys.contains { $0.contains("owned_partitions") })
    }

    @Test func periodicLinesCountTheIntervalAndTheFinalLineTheRun() throws {
        let (metrics, jobs, dlq, _, latency) = registry()
        jobs.increment(by: 30)
        dlq.increment()
        latency.recordMilliseconds(5)
        _ = metrics.snapshot()
        jobs.increment(by: 4)
        let second = summary.fields(for: metrics.snapshot(), final: false)
        let periodic = Dictionary(uniqueKeysWithValues: second.map { ($0.key, $0.value) })
        #expect(periodic["jobs"] == .int(4), "the interval's change, not the total")
        #expect(periodic["dlq"] == nil, "did not move in this interval")
        #expect(periodic["latency.clean.p50_ms"] == nil, "no samples in this interval")
        #expect(periodic["final"] == nil)

        let last = summary.fields(for: metrics.snapshot(), final: true)
        let final = Dictionary(uniqueKeysWithValues: last.map { ($0.key, $0.value) })
        #expect(final["final"] == .bool(true))
        #expect(final["uptime_s"] != nil)
        #expect(final["jobs"] == .int(34))
        #expect(final["dlq.not_json"] == .int(1))
        #expect(final["latency.clean.p50_ms"] != nil)
    }

    @Test func aQuietIntervalIsAShortLine() {
        let (metrics, _, _, _, _) = registry()
        let keys = summary.fields(for: metrics.snapshot(), final: false).map(\.key)
        #expect(keys == ["msg", "interval_s", "in_flight", "lag.extract"])
    }

    @Test func throughTheLogHandlerTheOrderIsKept() throws {
        let (metrics, jobs, dlq, clean, _) = registry()
        jobs.increment(by: 3)
        dlq.increment()
        clean.increment(by: 2)
        let collector = LineCollector()
        let logger = Logger(label: "feedworker.metrics",
                            factory: LoggingSetup.makeHandlerFactory(format: .logfmt, level: .warning, destination: collector.destination))
        MetricsReporter(aggregator: metrics, destination: .logger(logger),
                        configuration: .init(includeProcessStats: false, view: .summary(summary)))
            .report(final: false)
        let line = try #require(collector.lines.first)
        let pairs = parseLogfmt(line)
        let keys = pairs.map(\.0)
        #expect(pairs.first { $0.0 == "msg" }?.1 == "metrics")
        let start = try #require(keys.firstIndex(of: "interval_s"))
        #expect(Array(keys[start...].prefix(8)) == ["interval_s", "jobs", "jobs_per_s", "jobs.articles", "dlq", "dlq.not_json", "clean", "in_flight"])
        #expect(!line.contains("fields="))
        #expect(line.count < 300, "a summary line stays short: \(line)")
    }

    @Test func theCompleteViewStillWritesEverySeries() throws {
        let (metrics, jobs, _, _, _) = registry()
        jobs.increment()
        let collector = LineCollector()
        MetricsReporter(aggregator: metrics, destination: .lines(collector.destination, .json),
                        configuration: .init(includeProcessStats: false))
            .report(final: false)
        let object = try parseJSONObject(try #require(collector.lines.first))
        #expect((object["fw_dlq_total{reason:bad_base64}.total"] as? NSNumber)?.intValue == 0)
        #expect((object["fw_jobs_total{outcome:articles}.total"] as? NSNumber)?.intValue == 1)
    }
}
