import ArgumentParser

/// `feedworker bench ...`: benchmarks that print a figure beside its baseline. Each subcommand
/// parses its options and prints; the measuring lives in the `Benchmarks` module.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print a figure beside its baseline",
        subcommands: [BenchKafkaCommand.self, BenchTelemetryCommand.self, BenchFeedsCommand.self, BenchExtractionCommand.self, BenchFetchCommand.self, BenchStoreCommand.self, BenchPipelineCommand.self, BenchPathologicalCommand.self, BenchStoriesCommand.self]
    )
}
