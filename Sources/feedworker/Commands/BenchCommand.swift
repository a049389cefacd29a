import ArgumentParser

/// `feedworker bench`: the group of benchmark subcommands.

/// `feedworker bench ...`: benchmarks that print a figure beside its baseline.


/// `feedworker bench ...`: benchmarks that print a figure beside its baseline.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print a figure beside its baseline",
        subcommands: [BenchKafkaCommand.self, BenchTelemetryCommand.self, BenchFeedsCommand.self, BenchExtractionCommand.self, BenchFetchCommand.self, BenchStoreCommand.self, BenchPipelineCommand.self, BenchPathologicalCommand.self, BenchStoriesCommand.self]
    )
}
