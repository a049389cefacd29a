import ArgumentParser

/// `feedworker`: the command-line entry point. Each subcommand lives in `Commands/`.
@main
struct FeedworkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feedworker",
        abstract: "Feed-ingestion worker: Kafka fetch jobs in, deduplicated clean article events out.",
        discussion: """
        Run `feedworker demo` to see the whole pipeline on an embedded broker, or
        `feedworker run --config Config/feedworker.toml` to run a worker against Kafka.
        """,
        version: "0.1.0",
        subcommands: [DevBrokerCommand.self, BenchCommand.self, ExtractCommand.self, FetchCommand.self, RunCommand.self, EnqueueCommand.self, CheckConfigCommand.self, DemoCommand.self, ReplayCommand.self, TopicsCommand.self]
    )
}
