import CoreMetrics
import Foundation
import Testing
@testable import Telemetry

@Suite struct MetricsAggregatorTests {
    /// Within HdrHistogram's 2-significant-digit precision (1%), plus one unit.
    func near(_ actual: UInt64, _ expected: Double) -> Bool {
        abs(Double(actual) - expected) <= expected * 0.01 + 1
    }

    @Test func countersKeepTotalsAndReportChangeSinceLastSnapshot() throws {
        let metrics = MetricsAggregator()
        let jobs = Counter(label: "jobs", factory: metrics)
        jobs.increment(by: 5)
        jobs.increment(by: 3)
        // The same label and dimensions share storage, whatever order the dimensions come in.
        Counter(label: "dlq", dimensions: [("reason", "parse"), ("stage", "b")], factory: metrics).increment()
        Counter(label: "dlq", dimensions: [("stage", "b"), ("reason", "parse")], factory: metrics).increment()
        let first = metrics.snapshot()
        let jobsSample = try #require(first.counters.first { $0.key.label == "jobs" })
        #expect(jobsSample.total == 8 && jobsSample.delta == 8)
        let dlq = first.counters.filter { $0.key.label == "dlq" }
        #expect(dlq.count == 1 && dlq[0].total == 2)
        #expect(dlq[0].key.description == "dlq{reason:parse,stage:b}")

        jobs.increment(by: 2)
        let second = metrics.snapshot()
        let again = try #require(second.counters.first { $0.key.label == "jobs" })
        #expect(again.total == 10 && again.delta == 2)
    }

    @Test func concurrentIncrementsAreNotLost() async {
        let metrics = MetricsAggregator()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let counter = Counter(label: "articles", factory: metrics)
                    for _ in 0..<10_000 { counter.increment() }
                }
            }
        }
        #expect(metrics.snapshot().counters.first?.total == 80_000)
    }

    @Test func gaugesKeepTheLastValueAndMetersAdd() {
        let metrics = MetricsAggregator()
        let inflight = Gauge(label: "inflight", factory: metrics)
        inflight.record(3)
        inflight.record(7)
        let owned = Meter(label: "owned_partitions", factory: metrics)
        owned.increment(by: 4)
        owned.decrement(by: 1)
        let values = Dictionary(uniqueKeysWithValues: metrics.snapshot().gauges.map { ($0.key.label, $0.value) })
        #expect(values["inflight"] == 7)
        #expect(values["owned_partitions"] == 3)
    }

    @Test func recorderPercentilesMatchKnownData() throws {
        let metrics = MetricsAggregator()
        let sizes = Recorder(label: "doc_bytes", factory: metrics)
        // 1...1000 shuffled: p50 = 500, p90 = 900, p99 = 990, max = 1000.
        for v in (1...1000).shuffled() { sizes.record(v) }
        let h = try #require(metrics.snapshot().histograms.first)
        #expect(h.unit == .raw)
        #expect(h.interval.count == 1000)
        #expect(near(h.interval.p50, 500), "p50 \(h.interval.p50)")
        #expect(near(h.interval.p90, 900), "p90 \(h.interval.p90)")
        #expect(near(h.interval.p99, 990), "p99 \(h.interval.p99)")
        #expect(near(h.interval.max, 1000), "max \(h.interval.max)")
    }

    @Test func timerPercentilesAreWrittenInMillisecondsPerStage() throws {
        let metrics = MetricsAggregator()
        let parse = Timer(label: "stage_latency", dimensions: [("stage", "parse")], factory: metrics)
        let fetch = Timer(label: "stage_latency", dimensions: [("stage", "fetch")], factory: metrics)
        // parse: 1 ms … 100 ms → p50 50 ms, p90 90 ms, p99 99 ms, max 100 ms.
        for ms in 1...100 { parse.recordMilliseconds(ms) }
        // fetch: 99 fast calls at 2 ms and one slow one at 1.5 s.
        for _ in 0..<99 { fetch.recordMilliseconds(2) }
        fetch.recordMilliseconds(1500)
        let snapshot = metrics.snapshot()
        let fields = MetricsLine.fields(for: snapshot, final: false)
        func value(_ key: String) throws -> Double {
            let field = try #require(fields.first { $0.key == key }, "missing \(key)")
            switch field.value {
            case .double(let d): return d
            case .int(let i): return Double(i)
            default: Issue.record("\(key) is not a number"); return .nan
            }
        }
        #expect(abs(try value("stage_latency{stage:parse}.p50_ms") - 50) <= 0.5)
        #expect(abs(try value("stage_latency{stage:parse}.p90_ms") - 90) <= 0.9)
        #expect(abs(try value("stage_latency{stage:parse}.p99_ms") - 99) <= 1)
        #expect(abs(try value("stage_latency{stage:parse}.max_ms") - 100) <= 1)
        #expect(try value("stage_latency{stage:parse}.count") == 100)
        #expect(abs(try value("stage_latency{stage:fetch}.p99_ms") - 2) <= 0.05, "99 of 100 are 2 ms")
        #expect(abs(try value("stage_latency{stage:fetch}.max_ms") - 1500) <= 15)
    }

    @Test func intervalHistogramsRestartWhileTheWholeRunAccumulates() throws {
        let metrics = MetricsAggregator()
        let recorder = Recorder(label: "batch", factory: metrics)
        for _ in 0..<10 { recorder.record(100) }
        _ = metrics.snapshot()
        for _ in 0..<30 { recorder.record(10) }
        let h = try #require(metrics.snapshot().histograms.first)
        #expect(h.interval.count == 30)
        #expect(near(h.interval.max, 10))
        #expect(h.total.count == 40)
        #expect(near(h.total.max, 100))
        #expect(near(h.total.p50, 10), "30 of 40 values are 10")
    }

    @Test func lineHasRatesAndCrossSeriesSumAndMax() throws {
        var snapshot = MetricsSnapshot(elapsed: .seconds(2), uptime: .seconds(8))
        func key(_ label: String, _ dims: [(String, String)] = []) -> SeriesKey { SeriesKey(label: label, dimensions: dims) }
        snapshot.counters = [
            .init(key: key("dlq", [("reason", "fetch")]), total: 10, delta: 4),
            .init(key: key("dlq", [("reason", "parse")]), total: 6, delta: 2),
            .init(key: key("jobs"), total: 40, delta: 10),
        ]
        snapshot.gauges = [
            .init(key: key("lag", [("partition", "0")]), value: 120),
            .init(key: key("lag", [("partition", "1")]), value: 30),
            .init(key: key("lag", [("partition", "2")]), value: 0),
        ]
        let periodic = Dictionary(uniqueKeysWithValues: MetricsLine.fields(for: snapshot, final: false).map { ($0.key, $0.value) })
        #expect(periodic["interval_s"] == .double(2))
        #expect(periodic["final"] == .bool(false))
        #expect(periodic["jobs.total"] == .int(40))
        #expect(periodic["jobs.rate"] == .double(5), "10 in 2 s")
        #expect(periodic["dlq{reason:fetch}.rate"] == .double(2))
        #expect(periodic["dlq{all}.total"] == .int(16))
        #expect(periodic["dlq{all}.rate"] == .double(3), "(4 + 2) in 2 s")
        #expect(periodic["lag{partition:0}"] == .int(120))
        #expect(periodic["lag{all}.sum"] == .int(150))
        #expect(periodic["lag{all}.max"] == .int(120))
        #expect(periodic["jobs{all}.total"] == nil, "a single series gets no aggregate")

        let final = Dictionary(uniqueKeysWithValues: MetricsLine.fields(for: snapshot, final: true).map { ($0.key, $0.value) })
        #expect(final["final"] == .bool(true))
        #expect(final["uptime_s"] == .double(8))
        #expect(final["jobs.rate"] == .double(5), "40 over the 8 s run")

        let capped = Dictionary(uniqueKeysWithValues: MetricsLine.fields(for: snapshot, final: false, maxSeriesPerLabel: 2).map { ($0.key, $0.value) })
        #expect(capped["lag{partition:0}"] == nil)
        #expect(capped["lag{all}.series"] == .int(3))
        #expect(capped["lag{all}.max"] == .int(120))
    }

    @Test func destroyedMetricsLeaveTheSnapshot() {
        let metrics = MetricsAggregator()
        let counter = Counter(label: "temp", factory: metrics)
        counter.increment()
        counter.destroy()
        #expect(metrics.snapshot().counters.isEmpty)
    }

    @Test func seriesNamesAreSafeLogfmtKeys() {
        let key = SeriesKey(label: "fetches", dimensions: [("status", "4xx client"), ("host", "a=b")])
        #expect(key.description == "fetches{host:a_b,status:4xx_client}")
    }

    @Test func processStatsReadProc() throws {
        let rss = try #require(ProcessStats.residentBytes())
        #expect(rss > 1_000_000, "a Swift test process holds more than 1 MB")
        let fds = try #require(ProcessStats.openFileDescriptors())
        #expect(fds >= 3, "stdin, stdout, stderr at least")
    }
}
