import CoreMetrics
import Glibc
import Logging
import Testing
@testable import Telemetry

@Suite struct PrometheusTextTests {
    @Test func rendersCountersGaugesAndTimerSummaries() {
        var snapshot = MetricsSnapshot(elapsed: .seconds(1), uptime: .seconds(1))
        snapshot.counters = [
            .init(key: SeriesKey(label: "dlq", dimensions: [("reason", "bad \"json\"")]), total: 2, delta: 0),
            .init(key: SeriesKey(label: "jobs_total", dimensions: []), total: 40, delta: 0),
        ]
        snapshot.gauges = [.init(key: SeriesKey(label: "consumer-lag", dimensions: [("partition", "0")]), value: 12)]
        snapshot.histograms = [.init(
            key: SeriesKey(label: "stage_latency", dimensions: [("stage", "parse")]), unit: .nanoseconds,
            interval: HistogramSummary(count: 0, p50: 0, p90: 0, p99: 0, max: 0),
            total: HistogramSummary(count: 4, p50: 2_000_000, p90: 5_000_000, p99: 9_000_000, max: 1_500_000_000))]
        let text = PrometheusText.render(snapshot)
        let expected = """
        # TYPE dlq_total counter
        dlq_total{reason="bad \\"json\\""} 2
        # TYPE jobs_total counter
        jobs_total 40
        # TYPE consumer_lag gauge
        consumer_lag{partition="0"} 12
        # TYPE stage_latency_seconds summary
        stage_latency_seconds{stage="parse",quantile="0.5"} 0.002
        stage_latency_seconds{stage="parse",quantile="0.9"} 0.005
        stage_latency_seconds{stage="parse",quantile="0.99"} 0.009
        stage_latency_seconds{stage="parse",quantile="1"} 1.5
        stage_latency_seconds_count{stage="parse"} 4

        """
        #expect(text == expected)
    }
}

@Suite struct PrometheusEndpointTests {
    let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test func refusesNonLoopbackAddressesUnlessAllowed() {
        let metrics = MetricsAggregator()
        #expect(throws: PrometheusEndpointError.notLoopback("0.0.0.0")) {
            try PrometheusEndpoint(aggregator: metrics, host: "0.0.0.0", port: 0, logger: quiet)
        }
        #expect(throws: PrometheusEndpointError.invalidHost("localhost:1")) {
            try PrometheusEndpoint(aggregator: metrics, host: "localhost:1", port: 0, logger: quiet)
        }
    }

    /// A loopback HTTP/1.1 request with non-blocking I/O (never blocks a pool thread).
    func get(_ path: String, port: UInt16) async throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var sin = sockaddr_in()
        sin.sin_family = sa_family_t(AF_INET)
        sin.sin_port = port.bigEndian
        sin.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let rc = withUnsafePointer(to: &sin) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(rc == 0, "connect to 127.0.0.1:\(port)")
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        for _ in 0..<2500 { // up to ~5 s
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { response += buffer[0..<n]; continue }
            if n == 0 { break }
            try await Task.sleep(for: .milliseconds(2))
        }
        return String(decoding: response, as: UTF8.self)
    }

    @Test func servesMetricsOnLoopbackWithoutDisturbingIntervals() async throws {
        let metrics = MetricsAggregator()
        Counter(label: "articles", factory: metrics).increment(by: 5)
        let endpoint = try PrometheusEndpoint(aggregator: metrics, host: "127.0.0.1", port: 0, logger: quiet)
        #expect(endpoint.port != 0)
        let task = Task { try await endpoint.run() }
        let response = try await get("/metrics", port: endpoint.port)
        #expect(response.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(response.contains("Content-Type: text/plain; version=0.0.4"))
        #expect(response.contains("\r\n\r\n# TYPE articles_total counter\narticles_total 5\n"))
        let missing = try await get("/", port: endpoint.port)
        #expect(missing.hasPrefix("HTTP/1.1 404 Not Found\r\n"))
        task.cancel()
        try await task.value
        // The scrapes did not consume the reporter's interval.
        #expect(metrics.snapshot().counters.first?.delta == 5)
    }
}
