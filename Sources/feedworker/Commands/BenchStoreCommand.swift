import ArgumentParser
import Benchmarks

/// `feedworker bench store`: dedupe store lookups + inserts per second beside in-memory and autocommit baselines.
struct BenchStoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Dedupe store throughput: first-sight lookups + inserts, then repeat lookups, on disk.",
        discussion: """
        Measures, in one run, on N distinct pseudo-random SHA-256-sized hashes:
          new       per hash: DedupeStore.firstSight (a miss) then record (insert),
                    batched transactions;
          repeat    per hash: DedupeStore.firstSight again (a hit);
          mixed     70% repeats / 30% new, the shape of a feed re-listing old entries.
        Baselines beside them: the same sequence on a Swift Set<ContentHash> in memory (the ceiling), \
        and raw SQLite autocommit inserts (one transaction per insert, the floor batching avoids).
        """
    )

    @Option(name: .long, help: "Number of distinct hashes.")
    var hashes: Int = 200_000

    @Option(name: .long, help: "Directory for the store file (a fresh temporary one by default).")
    var directory: String?

    @Option(name: .long, help: "Records per transaction.")
    var batchSize: Int = 4096

    func run() async throws {
        do {
            try StoreBenchmark(.init(hashes: hashes, directory: directory, batchSize: batchSize)).run(report: { print($0) })
        } catch let error as BenchmarkError {
            throw ValidationError(error.description)
        }
    }
}
