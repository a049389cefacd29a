import ArgumentParser

/// `feedworker bench ...`: benchmarks that print a figure beside its baseline.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print a figure beside its baseline",
        subcommands: [BenchFeedsCommand.self, BenchExtractionCommand.self, BenchFetchCommand.self]
    )
}
