import ArgumentParser
import Benchmarks

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
        let options = FetchBenchmark.Options(requests: requests, concurrency: concurrency, hosts: hosts, perHost: perHost, corpus: corpus)
        let outcome: FetchBenchmark.Outcome
        do {
            outcome = try await FetchBenchmark(options).run(report: { print($0) })
        } catch let error as BenchmarkError {
            throw ValidationError(error.description)
        }
        if outcome.failures > 0 { throw ExitCode(1) }
    }
}
