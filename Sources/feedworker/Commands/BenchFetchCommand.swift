import ArgumentParser
import Fetch
import Foundation
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `feedworker bench fetch`: HTTP fetch throughput against a loopback server serving feed files.
struct BenchFetchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "HTTP fetch throughput (requests/s, MB/s, RSS) against a loopback server serving feeds.",
        discussion: """
        Starts an in-process HTTP/1.1 keep-alive server listening on 127.0.0.1 ... 127.0.0.<hosts> \
        (one listener per address, so each is a distinct host to the per-host gate) and serving the \
        feed files of ../shared/corpora/feeds/files (or --corpus; generated RSS if absent). Then, with \
        one shared HTTPFetcher (guard on, 127.0.0.0/8 allowlisted, no politeness delay):
          concurrent  --requests fetches, --concurrency at once, round-robin over the
                      hosts, --per-host permits per host;
          polite      the same with the default 2 permits per host (at most 2 x hosts
                      in flight);
          baseline    --requests/8 fetches one after another through the same client.
        Prints requests/s, MB/s (decoded body bytes) and the process RSS (client and server share \
        the process). Only loopback addresses are used.
        """
    )

    @Option(name: .long, help: "Fetches in the concurrent runs.")
    var requests: Int = 16_000

    @Option(name: .long, help: "Fetches in flight at once.")
    var concurrency: Int = 64

    @Option(name: .long, help: "Distinct loopback hosts (127.0.0.1 ... 127.0.0.N).")
    var hosts: Int = 8

    @Option(name: .long, help: "Per-host permits in the concurrent run.")
    var perHost: Int = 8

    @Option(name: .long, help: "Folder of feed files to serve (default ../shared/corpora/feeds/files).")
    var corpus: String?

    func validate() throws {
        guard requests >= 8 else { throw ValidationError("--requests must be >= 8") }
        guard (1...250).contains(hosts) else { throw ValidationError("--hosts must be within 1...250") }
        guard concurrency >= 1, perHost >= 1 else { throw ValidationError("--concurrency and --per-host must be >= 1") }
    }

    func run() async throws {
        let (documents, source) = loadDocuments()
        let server = try BenchFeedServer(hostCount: hosts, documents: documents)
        defer { server.stop() }
        let totalBytes = documents.reduce(0) { $0 + $1.count }
        print("feedworker bench fetch: \(documents.count) documents from \(source), mean \(totalBytes / max(1, documents.count)) B; "
              + "\(hosts) hosts 127.0.0.1-127.0.0.\(hosts); \(ProcessInfo.processInfo.activeProcessorCount) cores")
        print("RSS before: \(Self.rssMiB()) MiB")

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

        print(concurrent.line("concurrent (\(concurrency) in flight, \(perHost)/host)"))
        print(politeRun.line("polite (\(concurrency) jobs, \(FetchConfiguration().perHostConcurrency)/host)"))
        print(sequential.line("baseline sequential (1 in flight)"))
        print(String(format: "speed-up concurrent / sequential: %.1fx", concurrent.requestsPerSecond / sequential.requestsPerSecond))
        print("RSS after concurrent run: \(rssConcurrent) MiB; peak (VmHWM): \(Self.rssMiB(field: "VmHWM:")) MiB; "
              + "server connections accepted: \(server.connectionsAccepted)")
        if concurrent.failures + sequential.failures + politeRun.failures > 0 {
            print("FAILURES: \(concurrent.failures + sequential.failures + politeRun.failures) (first: \(concurrent.firstError ?? politeRun.firstError ?? sequential.firstError ?? "-"))")
            throw ExitCode(1)
        }
    }

    struct Result {
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

    static func measure(fetcher: HTTPFetcher, urls: [String], expected: [Int], concurrency: Int) async -> Result {
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
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Result(requests: urls.count, bytes: bytes, seconds: seconds, failures: failures, firstError: firstError)
    }

    /// `VmRSS` (or another /proc/self/status field) in MiB.
    static func rssMiB(field: String = "VmRSS:") -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
        for line in status.split(separator: "\n") where line.hasPrefix(field) {
            let kib = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return kib / 1024
        }
        return -1
    }

    private func loadDocuments() -> ([[UInt8]], String) {
        var candidates: [String] = []
        if let corpus { candidates.append(corpus) }
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

/// Hands out 0, 1, 2... to concurrent workers.
final class IndexCounter: Sendable {
    private let value = Atomic<Int>(0)
    func take() -> Int { value.add(1, ordering: .relaxed).oldValue }
}

/// A keep-alive HTTP/1.1 server on 127.0.0.1...127.0.0.N for the benchmark: thread per connection,
/// `GET /feed/<i>` answers document i.
final class BenchFeedServer: Sendable {
    let ports: [Int]
    private let listeners: [Int32]
    private let documents: [[UInt8]]
    private let accepted = Atomic<Int>(0)
    private let open = Mutex(Set<Int32>())

    var connectionsAccepted: Int { accepted.load(ordering: .relaxed) }

    init(hostCount: Int, documents: [[UInt8]]) throws {
        self.documents = documents
        var listeners: [Int32] = []
        var ports: [Int] = []
        for host in 1...hostCount {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var yes: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            inet_pton(AF_INET, "127.0.0.\(host)", &address.sin_addr)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard fd >= 0, bound == 0, listen(fd, 512) == 0 else {
                throw ValidationError("cannot listen on 127.0.0.\(host): errno \(errno)")
            }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
            listeners.append(fd)
            ports.append(Int(UInt16(bigEndian: address.sin_port)))
        }
        self.listeners = listeners
        self.ports = ports
        for fd in listeners { Thread { [self] in acceptLoop(fd) }.start() }
    }

    func stop() {
        for fd in listeners { shutdown(fd, Int32(SHUT_RDWR)) }
        for fd in open.withLock({ $0 }) { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    private func acceptLoop(_ listener: Int32) {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { if errno == EINTR { continue }; close(listener); return }
            accepted.add(1, ordering: .relaxed)
            open.withLock { _ = $0.insert(client) }
            Thread { [self] in serve(client) }.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer { open.withLock { _ = $0.remove(fd) }; close(fd) }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 8192)
        while true {
            var headEnd: Int?
            while headEnd == nil {
                if buffer.count >= 4 {
                    for index in 3..<buffer.count where buffer[index - 3] == 13 && buffer[index - 2] == 10 && buffer[index - 1] == 13 && buffer[index] == 10 {
                        headEnd = index + 1
                        break
                    }
                }
                if headEnd != nil { break }
                let count = recv(fd, &chunk, chunk.count, 0)
                if count <= 0 { return }
                buffer.append(contentsOf: chunk[0..<count])
            }
            let head = String(decoding: buffer[0..<headEnd!], as: UTF8.self)
            buffer.removeFirst(headEnd!)
            let target = head.split(separator: " ", maxSplits: 2).dropFirst().first ?? ""
            let index = target.hasPrefix("/feed/") ? Int(target.dropFirst(6)) : nil
            let response: [UInt8]
            if let index, documents.indices.contains(index) {
                let body = documents[index]
                response = Array("HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml; charset=utf-8\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
            } else {
                response = Array("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".utf8)
            }
            var offset = 0
            while offset < response.count {
                let sent = response[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if sent <= 0 { return }
                offset += sent
            }
        }
    }
}
