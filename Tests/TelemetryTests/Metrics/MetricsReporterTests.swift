import CoreMetrics
import Foundation
import Logging
import Testing
@testable import Telemetry

@Suite struct MetricsReporterTests {
    @Test func writesALinePerIntervalAndAFinalLineWhenStopped() async throws {
        let metrics = MetricsAggregator()
        Counter(label: "jobs", factory: metrics).increment(by: 3)
        let (lines, continuation) = AsyncStream.makeStream(of: String.self)
        let reporter = MetricsReporter(
            aggregator: metrics,
            destination: .lines(.custom { continuation.yield($0) }, .json),
            configuration: .init(interval: .milliseconds(10)))
        let task = Task { try await reporter.run() }
        var received: [[String: Any]] = []
        var iterator = lines.makeAsyncIterator()
        while received.count < 2, let line = await iterator.next() {
            received.append(try parseJSONObject(line))
        }
        task.cancel()
        try await task.value
        // The final line is written after cancellation; periodic lines may have been written meanwhile.
        continuation.finish()
        while let line = await iterator.next() { received.append(try parseJSONObject(line)) }

        let periodic = received.dropLast()
        #expect(periodic.count >= 2)
        #expect(periodic.allSatisfy { $0["final"] as? Bool == false && $0["interval_s"] != nil })
        #expect(periodic.allSatisfy { ($0["jobs.total"] as? NSNumber)?.intValue == 3 })
        #expect((periodic.first?["jobs.rate"] as? NSNumber).map { $0.doubleValue > 0 } == true)
        let last = try #require(received.last)
        #expect(last["final"] as? Bool == true)
        #expect(last["uptime_s"] != nil)
        #expect(last["msg"] as? String == "metrics")
        #expect((last["process.rss_bytes"] as? NSNumber).map { $0.int64Value > 0 } == true)
        #expect((last["ts"] as? String)?.hasSuffix("Z") == true)
    }

    @Test func throughALoggerNumbersStayNumbers() throws {
        let metrics = MetricsAggregator()
        Counter(label: "articles", factory: metrics).increment(by: 12)
        let collector = LineCollector()
        let logger = Logger(label: "feedworker.metrics",
                            factory: LoggingSetup.makeHandlerFactory(format: .json, level: .info, destination: collector.destination))
        let reporter = MetricsReporter(aggregator: metrics, destination: .logger(logger),
                                       configuration: .init(includeProcessStats: false))
        reporter.report(final: true)
        let object = try parseJSONObject(try #require(collector.lines.first))
        #expect(object["msg"] as? String == "metrics")
        #expect(object["level"] as? String == "info")
        #expect((object["articles.total"] as? NSNumber)?.intValue == 12)
        #expect(object["articles.total"] is NSNumber, "not a quoted string")
        #expect(object["final"] as? Bool == true)
    }

    @Test func metricsLinesSurviveALogLevelAboveInfo() {
        let metrics = MetricsAggregator()
        let collector = LineCollector()
        let logger = Logger(label: "feedworker.metrics",
                            factory: LoggingSetup.makeHandlerFactory(format: .logfmt, level: .error, destination: collector.destination))
        logger.info("dropped by the level")
        MetricsReporter(aggregator: metrics, destination: .logger(logger), configuration: .init(includeProcessStats: false))
            .report(final: false)
        #expect(collector.lines.count == 1)
        #expect(collector.lines.first?.contains("msg=metrics") == true)
    }

    @Test func logfmtMetricsLineReadsBack() {
        let metrics = MetricsAggregator()
        Gauge(label: "lag", dimensions: [("partition", "3")], factory: metrics).record(17)
        let collector = LineCollector()
        let reporter = MetricsReporter(aggregator: metrics, destination: .lines(collector.destination, .logfmt),
                                       configuration: .init(includeProcessStats: false))
        reporter.report(final: false)
        let pairs = Dictionary(uniqueKeysWithValues: parseLogfmt(collector.lines[0]))
        #expect(pairs["msg"] == "metrics")
        #expect(pairs["lag{partition:3}"] == "17")
    }
}

@Suite struct MetricsSetupTests {
    @Test func configDurationsParse() {
        #expect(MetricsSetup.duration(configValue: "10s") == .seconds(10))
        #expect(MetricsSetup.duration(configValue: "500ms") == .milliseconds(500))
        #expect(MetricsSetup.duration(configValue: "2m") == .seconds(120))
        #expect(MetricsSetup.duration(configValue: "1h") == .seconds(3600))
        #expect(MetricsSetup.duration(configValue: " 2.5 ") == .milliseconds(2500))
        #expect(MetricsSetup.duration(configValue: "soon") == nil)
        #expect(MetricsSetup.duration(configValue: "-1s") == nil)
    }
}
