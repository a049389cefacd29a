import ArgumentParser
import Config
import Foundation
import Pipeline

/// `feedworker topics ensure|check`: creates or verifies the topics of a config (logic:
/// ``TopicManager`` in Pipeline).
struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics",
        abstract: "Create (ensure) or verify (check) the Kafka topics of a configuration.",
        discussion: """
        Rules: every topic of [topics] exists; candidates and clean have the same partition count; \
        clean is compacted or keeps records at least [store] retention_days. The worker runs the \
        partition-count part at startup and refuses to start on a mismatch.
        """,
        subcommands: [Ensure.self, Check.self]
    )

    struct Options: ParsableArguments {
        @Option(name: .long, help: "The TOML configuration file ($FEEDWORKER_CONFIG, else Config/feedworker.toml).")
        var config: String?

        func load() throws -> FeedworkerConfig {
            try loadConfigOrExit(config ?? ProcessInfo.processInfo.environment["FEEDWORKER_CONFIG"] ?? "Config/feedworker.toml")
        }
    }

    struct Ensure: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the configuration's missing topics (clean compacted), then check them.",
            discussion: "Existing topics are left as they are. Exit status 0 when the check passes afterwards, 1 otherwise."
        )

        @OptionGroup var options: Options
        @Option(name: .long, help: "Partitions of each created topic.")
        var partitions: Int32 = 12
        @Option(name: .long, help: "Replication factor of each created topic (-1: the broker's default).")
        var replication: Int32 = -1

        func validate() throws {
            guard partitions >= 1 else { throw ValidationError("--partitions must be at least 1") }
            guard replication == -1 || replication >= 1 else { throw ValidationError("--replication must be -1 or at least 1") }
        }

        func run() async throws {
            let config = try options.load()
            let result = try await TopicManager(config: config).ensure(partitions: partitions, replication: replication)
            for name in result.created { print("created \(name) (\(result.check.partitions[name].map(String.init) ?? "?") partitions)") }
            for name in result.existing { print("exists  \(name) (\(result.check.partitions[name].map(String.init) ?? "?") partitions)") }
            try TopicsCommand.report(result.check)
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify the cluster's topics against the configuration.",
            discussion: "Exit status 0 when everything fits, 1 with one line per problem on stderr otherwise."
        )

        @OptionGroup var options: Options

        func run() async throws {
            let config = try options.load()
            let report = try await TopicManager(config: config).check()
            for (name, count) in report.partitions.sorted(by: { $0.key < $1.key }) { print("\(name): \(count) partitions") }
            try TopicsCommand.report(report)
        }
    }

    /// Prints problems to stderr and exits 1 when there are any.
    static func report(_ report: TopicCheckReport) throws {
        for (name, why) in report.undescribed.sorted(by: { $0.key < $1.key }) {
            FileHandle.standardError.write(Data("warning: could not read the configs of \(name): \(why)\n".utf8))
        }
        for problem in report.problems {
            FileHandle.standardError.write(Data("problem: \(problem)\n".utf8))
        }
        if report.isOK {
            print("ok: topics fit the configuration")
        } else {
            FileHandle.standardError.write(Data("topics check failed: \(report.problems.count) problem(s)\n".utf8))
            throw ExitCode(1)
        }
    }
}
