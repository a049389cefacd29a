import Fetch
import Foundation
import Logging

/// HTTP fetch throughput against an in-process loopback server serving feed files (for
/// `feedworker bench fetch`).
///
/// The server listens on 127.0.0.1 ... 127.0.0.N (one listener per address, so each is a distinct
/// host to the per-host gate). With one shared `HTTPFetcher` (guard on, 127.0.0.0/8 allowlisted, no
/// politeness delay): a concurrent run, a polite run (the default permits per host) and a sequential
/// baseline. Only loopback addresses are used.
public struct FetchBenchmark: Sendable {
    /// What to measure.
    public struct Options: Sendable, Equatable {
        /// Fetches in the concurrent runs: at least 8.
        public var requests: Int
        /// Fetches in flight at once: at least 1.
        public var concurrency: Int
        /// Distinct loopback hosts (127.0.0.1 ... 127.0.0.N): within 1...250.
        public var hosts: Int
        /// Per-host permits in the concurrent run: at least 1.
        public var perHost: Int
        /// Folder of feed files to serve; `nil` for `$FEEDWORKER_SHARED/corpora/feeds/files`, then
        /// `../shared/corpora/feeds/files`, then generated RSS.
        public var corpus: String?

        /// Creates the options.
        public init(requests: Int, concurrency: Int, hosts: Int, perHost: Int, corpus: String?) {
            self.requests = requests
            self.concurrency = concurrency
            self.hosts = hosts
            self.perHost = perHost
            self.corpus = corpus
        }
    }

    /// What a run found wrong (its figures are printed either way).
    public struct Outcome: Sendable, Equatable {
        /// Fetches that failed or returned a body of the wrong size, over all runs.
        public var failures: Int
    }

    /// The options this benchmark runs with.
    public let options: Options

    /// Creates the benchmark.
    public init(_ options: Options) { self.options = options }

    /// Starts the server, measures, and hands each printable line to `report`, in order; a last
    /// `FAILURES:` line is reported when some fetch failed.
    /// - Throws: ``BenchmarkError/listenFailed(address:errno:)`` when the server cannot start.
    public func run(report: (String) -> Void) async throws -> Outcome {
        let requests = options.requests, concurrency = options.concurrency, hosts = options.hosts, perHost = options.perHost
        let (documents, source) = loadDocuments()
        let server = try LoopbackFeedServer(hostCount: hosts, documents: documents)
        defer { server.stop() }
        let totalBytes = documents.reduce(0) { $0 + $1.count }
        report("feedworker bench fetch: \(documents.count) documents from \(source), mean \(totalBytes / max(1, documents.count)) B; "
               + "\(hosts) hosts 127.0.0.1-127.0.0.\(hosts); \(ProcessInfo.processInfo.activeProcessorCount) cores")
        report("RSS before: \(Self.rssMiB()) MiB")

        var logger = Logger(label: "feedworker.bench.fetch")
        logger.logLevel = .error
        func makeFetcher(perHost: Int) -> HTTPFetcher {
            var configuration = FetchConfiguration()
            configuration.addressGuard = AddressGuard(allowlist: [AllowRule("127.0.0.0/8")!])
            configuration.perHostConcurrency = perHost
            configuration.perHostMinimumDelay = .zero
            configuration.maxConnections = max(64, concurrency * 2)
            return HTTPFetcher(configuration: configuration, logger: logger)
        }
        let urls = (0..<requests).map { index -> String in
            let host = index % hosts
            return "http://127.0.0.\(host + 1):\(server.ports[host])/feed/\(index % documents.count)"
        }
        let expected = urls.indices.map { documents[$0 % documents.count].count }

        let fast = makeFetcher(perHost: perHost)
        let concurrent = await Self.measure(fetcher: fast, urls: urls, expected: expected, concurrency: concurrency)
        let rssConcurrent = Self.rssMiB()
        let sequentialCount = max(8, requests / 8)
        let sequential = await Self.measure(fetcher: fast, urls: Array(urls.prefix(sequentialCount)),
                                            expected: Array(expected.prefix(sequentialCount)), concurrency: 1)
        fast.shutdown()
        let polite = makeFetcher(perHost: FetchConfiguration().perHostConcurrency)
        let politeRun = await Self.measure(fetcher: polite, urls: urls, expected: expected, concurrency: concurrency)
        polite.shutdown()

        report(concurrent.line("concurrent (\(concurrency) in flight, \(perHost)/host)"))
        report(politeRun.line("polite (\(concurrency) jobs, \(FetchConfiguration().perHostConcurrency)/host)"))
        report(sequential.line("baseline sequential (1 in flight)"))
        report(String(format: "speed-up concurrent / sequential: %.1fx", concurrent.requestsPerSecond / sequential.requestsPerSecond))
        report("RSS after concurrent run: \(rssConcurrent) MiB; peak (VmHWM): \(Self.rssMiB(peak: true)) MiB; "
               + "server connections accepted: \(server.connectionsAccepted)")
        let failures = concurrent.failures + sequential.failures + politeRun.failures
        if failures > 0 {
            report("FAILURES: \(failures) (first: \(concurrent.firstError ?? politeRun.firstError ?? sequential.firstError ?? "-"))")
        }
        return Outcome(failures: failures)
    }

    /// The figures of one run.
    struct RunFigures {
        var requests: Int
        var bytes: Int
        var seconds: Double
        var failures: Int
        var firstError: String?
        var requestsPerSecond: Double { Double(requests) / seconds }
        func line(_ label: String) -> String {
            String(format: "%@: %d requests in %.2f s = %.0f requests/s, %.1f MB/s", label, requests, seconds,
                   requestsPerSecond, Double(bytes) / seconds / 1e6)
        }
    }

    /// Fetches `urls` with `concurrency` workers taking the next URL as they finish one.
    static func measure(fetcher: HTTPFetcher, urls: [String], expected: [Int], concurrency: Int) async -> RunFigures {
        let next = IndexCounter()
        let clock = ContinuousClock()
        let start = clock.now
        let (bytes, failures, firstError) = await withTaskGroup(of: (Int, Int, String?).self) { group in
            for _ in 0..<min(concurrency, urls.count) {
                group.addTask {
                    var bytes = 0, failures = 0
                    var firstError: String?
                    while true {
                        let index = next.take()
                        guard index < urls.count else { break }
                        do {
                            let response = try await fetcher.fetch(FetchRequest(url: urls[index], usesValidatorCache: false))
                            bytes += response.body.count
                            if response.body.count != expected[index] { failures += 1; firstError = firstError ?? "short body" }
                        } catch {
                            failures += 1
                            firstError = firstError ?? "\(error)"
                        }
                    }
                    return (bytes, failures, firstError)
                }
            }
            var total = (0, 0, String?.none)
            for await part in group { total = (total.0 + part.0, total.1 + part.1, total.2 ?? part.2) }
            return total
        }
        let elapsed = clock.now - start
        return RunFigures(requests: urls.count, bytes: bytes, seconds: elapsed.inSeconds, failures: failures, firstError: firstError)
    }

    /// `VmRSS` (or with `peak`, `VmHWM`) in MiB; -1 where /proc/self/status cannot be read.
    static func rssMiB(peak: Bool = false) -> Int {
        guard let status = MemoryStatus.readIfAvailable() else { return -1 }
        return (peak ? status.hwmKB : status.rssKB) / 1024
    }

    /// The documents to serve and where they came from.
    private func loadDocuments() -> ([[UInt8]], String) {
        var candidates: [String] = []
        if let corpus = options.corpus { candidates.append(corpus) }
        if let shared = ProcessInfo.processInfo.environment["FEEDWORKER_SHARED"] { candidates.append(shared + "/corpora/feeds/files") }
        candidates.append(FileManager.default.currentDirectoryPath + "/../shared/corpora/feeds/files")
        for folder in candidates {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            let documents = names.sorted().compactMap { FileManager.default.contents(atPath: folder + "/" + $0).map { [UInt8]($0) } }
                .filter { !$0.isEmpty }
            if !documents.isEmpty { return (documents, folder) }
        }
        // Generated RSS documents of 5-60 kB.
        let generated = (0..<64).map { index -> [UInt8] in
            var xml = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed \(index)</title>"
            for item in 0..<(5 + index % 50) {
                xml += "<item><title>Item \(item) of feed \(index)</title><link>https://example.org/\(index)/\(item)</link>"
                xml += "<description>" + String(repeating: "Lorem ipsum dolor sit amet, consectetur adipiscing. ", count: 20) + "</description></item>"
            }
            return Array((xml + "</channel></rss>").utf8)
        }
        return (generated, "generated RSS (corpus not found)")
    }
}
