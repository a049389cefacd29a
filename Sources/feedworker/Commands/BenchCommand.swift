import ArgumentParser

/// `feedworker bench`: the group of benchmark subcommands.
<<<<<<< HEAD

/// `feedworker bench ...`: benchmarks that print a figure beside its baseline.

=======
>>>>>>> pipeline
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print a figure beside its baseline",
<<<<<<< HEAD
        subcommands: [BenchKafkaCommand.self, BenchTelemetryCommand.self, BenchFeedsCommand.self, BenchExtractionCommand.self, BenchStoreCommand.self, BenchPipelineCommand.self]
=======
        subcommands: [BenchKafkaCommand.self, BenchFeedsCommand.self, BenchExtractionCommand.self, BenchStoreCommand.self,
                      BenchPipelineCommand.self]
>>>>>>> pipeline
    )
}
