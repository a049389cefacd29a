import ArgumentParser
import Benchmarks

/// `feedworker bench stories`: the story stage's decision throughput, index size and RSS (issue 12).
struct BenchStoriesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stories",
        abstract: "Story decisions per second, index size and RSS; fingerprint throughput.",
        discussion: """
        One core, in memory (the story stage's hot path; the SQLite store write is batched beside it):
          fingerprint  StoryFingerprint over canonical bodies of ~600 generated words
                       (MB/s, bodies/s);
          decide       StoryDecider.decide on N articles: 80% new (random
                       fingerprints), 15% near duplicates of an earlier one (1-3 bits
                       flipped), 5% updates (a URL seen before); decisions/s, members
                       and stories, RSS before and after;
          baseline     a linear scan over every member for the nearest within 3 (what
                       the 4-block index avoids), on a sample of queries at the final
                       index size.
        """
    )

    @Option(name: .long, help: "Articles to decide.")
    var articles: Int = 1_000_000

    @Option(name: .long, help: "Bodies to fingerprint.")
    var bodies: Int = 5_000

    func run() async throws {
        try StoriesBenchmark(.init(articles: articles, bodies: bodies)).run(report: { print($0) })
    }
}
