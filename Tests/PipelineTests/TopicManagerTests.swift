import Config
import Foundation
import Kafka
import Pipeline
import Testing
import TestSupport

/// `feedworker topics ensure|check` (``TopicManager``) and the worker's startup check.
///
/// ensure/check need CreateTopics and DescribeConfigs, which librdkafka's mock does not implement:
/// they run on noida-db (``BrokerKind/selectedReal``). The startup check reads metadata only and
/// runs on every selected broker.
@Suite struct TopicManagerTests {
    private func config(_ broker: TestBroker, _ name: String) -> FeedworkerConfig {
        var config = FeedworkerConfig().namespaced(TestBroker.uniqueName(name))
        config.kafka.brokers = broker.bootstrapServers
        config.kafka.properties = ["log_level": "3"]
        return config
    }

    @Test func cleanRetentionRules() {
        let layout = TopicLayout(config: FeedworkerConfig()) // retention_days = 30
        let day: Int64 = 86_400_000
        func problems(_ entries: [String: String]) -> [TopicProblem] {
            layout.cleanRetentionProblems(TopicConfig(name: "articles.clean", entries: entries))
        }
        #expect(problems(["cleanup.policy": "compact"]).isEmpty)
        #expect(problems(["cleanup.policy": "compact", "retention.ms": "1000"]).isEmpty, "compact only: retention.ms does not delete")
        #expect(problems(["cleanup.policy": "delete", "retention.ms": "\(30 * day)", "retention.bytes": "-1"]).isEmpty)
        #expect(problems(["cleanup.policy": "delete", "retention.ms": "-1", "retention.bytes": "-1"]).isEmpty)
        #expect(problems(["cleanup.policy": "delete", "retention.ms": "\(7 * day)", "retention.bytes": "-1"])
            == [.cleanRetentionTooShort(topic: "articles.clean", cleanupPolicy: "delete", retentionMilliseconds: 7 * day, windowMilliseconds: 30 * day)])
        #expect(problems([:]).count == 1, "no config at all: Kafka's defaults, delete after 7 days")
        #expect(problems(["cleanup.policy": "compact,delete", "retention.ms": "\(day)", "retention.bytes": "1000000"]).count == 2)
        #expect(layout.newTopics(partitions: 3, replication: 1).map(\.name)
            == ["feeds.fetch-jobs", "articles.candidates", "articles.clean", "feeds.fetch-jobs.dlq", "feeds.fetch-jobs.retry"])
        #expect(layout.newTopics(partitions: 3, replication: 1).filter { $0.config["cleanup.policy"] == "compact" }.map(\.name) == ["articles.clean"])
    }

    @Test(arguments: BrokerKind.selectedReal)
    func ensureCreatesTheMissingTopicsAndCheckPasses(on kind: BrokerKind) async throws {
        let broker = try await TestBroker.start(kind)
        defer { broker.stop() }
        let config = config(broker, "ensure")
        // One topic exists already, with another partition count: ensure leaves it alone.
        try await broker.createTopics([config.topics.dlq: 1])
        let manager = try TopicManager(config: config)
        let result = try await manager.ensure(partitions: 3, replication: 1)
        #expect(Set(result.created) == [config.topics.fetchJobs, config.topics.candidates, config.topics.clean, config.topics.retry])
        #expect(result.existing == [config.topics.dlq])
        #expect(result.check.isOK, "\(result.check)")
        #expect(result.check.undescribed.isEmpty, "\(result.check.undescribed)")
        #expect(result.check.partitions[config.topics.clean] == 3 && result.check.partitions[config.topics.dlq] == 1)

        let admin = try KafkaAdmin(configuration: broker.configuration())
        defer { admin.close() }
        let clean = try await admin.describeTopicConfigs([config.topics.clean])[config.topics.clean]
        #expect(clean?.entries["cleanup.policy"] == "compact")

        let again = try await manager.ensure(partitions: 3, replication: 1)
        #expect(again.created.isEmpty && again.existing.count == 5 && again.check.isOK)
    }

    @Test(arguments: BrokerKind.selectedReal)
    func checkReportsMismatchShortRetentionAndMissingDLQ(on kind: BrokerKind) async throws {
        let broker = try await TestBroker.start(kind)
        defer { broker.stop() }
        let config = config(broker, "check")
        try await broker.createTopics([config.topics.fetchJobs: 4, config.topics.candidates: 4, config.topics.retry: 1])
        try await broker.createTopics([config.topics.clean: 2], config: ["cleanup.policy": "delete", "retention.ms": "86400000"])
        let report = try await TopicManager(config: config).check()
        #expect(!report.isOK)
        #expect(report.problems.contains(.missing(topic: config.topics.dlq)), "\(report.problems)")
        #expect(report.problems.contains(.partitionMismatch(candidates: config.topics.candidates, candidatePartitions: 4,
                                                            clean: config.topics.clean, cleanPartitions: 2)), "\(report.problems)")
        #expect(report.problems.contains { if case .cleanRetentionTooShort(_, _, 86_400_000, _) = $0 { true } else { false } }, "\(report.problems)")
        #expect(report.problems.filter(\.isFatalAtStartup).count == 1)
    }

    /// The worker refuses to start when candidates and clean differ in partition count.
    @Test(arguments: BrokerKind.selected)
    func workerRefusesToStartOnAPartitionMismatch(on kind: BrokerKind) async throws {
        let broker = try await TestBroker.start(kind, brokers: 1)
        defer { broker.stop() }
        var config = config(broker, "startup")
        config.store.path = NSTemporaryDirectory() + "feedworker-topic-tests/\(TestBroker.uniqueName("startup"))"
        try await broker.createTopics([config.topics.fetchJobs: 2, config.topics.candidates: 4, config.topics.clean: 2,
                                       config.topics.dlq: 1, config.topics.retry: 1])
        let worker = Worker(config: config)
        await #expect(throws: TopicSetupError.self) { try await worker.run(stop: StopSignal()) }
        #expect(worker.stats.jobs.load(ordering: .relaxed) == 0)

        // With only the extract role the check does not apply (no dedupe, no exactness at stake).
        var extractOnly = config
        extractOnly.worker.roles = [.extract]
        let stop = StopSignal()
        let running = Task { try await Worker(config: extractOnly).run(stop: stop) }
        try await Task.sleep(for: .seconds(1))
        stop.stop()
        try await running.value
    }
}

/// `feedworker topics` as a process: ensure, check, a mismatch's message and exit status, and
/// `feedworker run` refusing to start on it.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: SharedCorpora.feedworkerBinary.path),
                "needs the feedworker binary (swift build)"))
struct TopicsCommandTests {
    private struct Outcome { var status: Int32; var stdout: String; var stderr: String }

    private func feedworker(_ arguments: [String]) throws -> Outcome {
        let p = Process()
        p.executableURL = SharedCorpora.feedworkerBinary
        p.arguments = arguments
        p.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FEEDWORKER_") }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Never hang the suite: a command that should have exited is killed after a minute.
        DispatchQueue.global().asyncAfter(deadline: .now() + 60) { if p.isRunning { p.terminate() } }
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Outcome(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    private func writeConfig(_ broker: TestBroker, _ name: String) throws -> (FeedworkerConfig, String) {
        var config = FeedworkerConfig().namespaced(TestBroker.uniqueName(name))
        config.kafka.brokers = broker.bootstrapServers
        config.kafka.properties = ["log_level": "3"]
        config.store.path = NSTemporaryDirectory() + "feedworker-topic-tests/\(TestBroker.uniqueName(name))"
        try FileManager.default.createDirectory(atPath: config.store.path, withIntermediateDirectories: true)
        let path = config.store.path + "/feedworker.toml"
        try config.rendered().write(toFile: path, atomically: true, encoding: .utf8)
        return (config, path)
    }

    @Test func helpDescribesBothSubcommands() throws {
        let help = try feedworker(["topics", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("ensure") && help.stdout.contains("check"))
        let ensure = try feedworker(["topics", "ensure", "--help"])
        #expect(ensure.stdout.contains("--partitions") && ensure.stdout.contains("--replication"))
    }

    @Test(arguments: BrokerKind.selectedReal)
    func ensureThenCheckThenAMismatchFails(on kind: BrokerKind) async throws {
        let broker = try await TestBroker.start(kind)
        defer { broker.stop() }
        let (config, path) = try writeConfig(broker, "cli")
        let ensure = try feedworker(["topics", "ensure", "--config", path, "--partitions", "2", "--replication", "1"])
        #expect(ensure.status == 0, "\(ensure.stdout)\(ensure.stderr)")
        #expect(ensure.stdout.contains("created \(config.topics.clean) (2 partitions)"), "\(ensure.stdout)")
        let check = try feedworker(["topics", "check", "--config", path])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("ok: topics fit the configuration"))

        // A second config whose candidates topic has 3 partitions against clean's 2.
        var other = config
        other.topics.candidates += ".wide"
        try await broker.createTopics([other.topics.candidates: 3])
        let otherPath = config.store.path + "/other.toml"
        try other.rendered().write(toFile: otherPath, atomically: true, encoding: .utf8)
        let mismatch = try feedworker(["topics", "check", "--config", otherPath])
        #expect(mismatch.status == 1)
        #expect(mismatch.stderr.contains("\(other.topics.candidates) has 3 partitions but \(other.topics.clean) has 2"), "\(mismatch.stderr)")
        #expect(mismatch.stderr.contains("topics check failed: 1 problem(s)"), "\(mismatch.stderr)")

        // `feedworker run` with that config refuses to start, saying why.
        let run = try feedworker(["run", "--config", otherPath])
        #expect(run.status != 0)
        #expect(run.stderr.contains("has 3 partitions but"), "\(run.stderr.suffix(2000))")
    }
}
