import Config
import Foundation
import Kafka
import Pipeline
import Testing
import TestSupport

/// The dedupe restore meeting a changelog gap: records of the clean topic deleted (DeleteRecords)
/// below the store's applied offset. librdkafka's mock cannot move a low watermark on request, so
/// this runs on noida-db (``BrokerKind/selectedReal``).
@Suite(.serialized) struct ChangelogGapTests {
    private func pages(_ range: Range<Int>, prefix: String) -> [[UInt8]] {
        range.map { n in FetchJob(jobID: "\(prefix)-\(n)", url: "https://n.example/\(prefix)/\(n)", kind: .page, body: StoryFactory.html(n)).encodeJSON() }
    }

    @Test(arguments: BrokerKind.selectedReal)
    func restoreWarnsCountsAndGoesOnPastDeletedChangelogRecords(on kind: BrokerKind) async throws {
        let f = try await PipelineFixture.start(on: kind, partitions: 2, name: "gap")
        defer { f.broker.stop() }
        // Run 1: 30 stories published to clean.
        try await f.produce(pages(0..<30, prefix: "a"))
        let w1 = RunningWorker(config: f.config)
        #expect(try await f.eventually { w1.stats.clean.load(ordering: .relaxed) == 30 }, "\(w1.stats.summary)")
        try await w1.stop()

        // A new host (empty store: applied offset 0) and clean partition 0 trimmed to its end:
        // the store needs offsets the topic no longer holds.
        try FileManager.default.removeItem(atPath: f.config.store.path)
        let cleanBefore = try await f.readAll(f.config.topics.clean)
        let inP0 = cleanBefore.filter { $0.partition == 0 }.count, inP1 = cleanBefore.count - inP0
        #expect(inP0 > 0 && inP1 > 0, "both partitions hold events (p0 \(inP0), p1 \(inP1))")
        let admin = try KafkaAdmin(configuration: f.broker.configuration())
        let trimmed = try await admin.deleteRecords(before: [TopicPartitionOffset(topic: f.config.topics.clean, partition: 0, offset: KafkaOffset.end)])
        admin.close()
        #expect(trimmed.first?.offset == Int64(inP0) && trimmed.first?.error == nil, "\(trimmed)")

        // Run 2: the same 30 stories again (other jobs) and 5 new ones.
        try await f.produce(pages(0..<35, prefix: "b"))
        let log = LogCapture()
        let worker = Worker(config: f.config, logger: log.logger())
        let stop = StopSignal()
        let task = Task { try await worker.run(stop: stop) }
        let settled = try await f.eventually {
            worker.stats.clean.load(ordering: .relaxed) + worker.stats.duplicates.load(ordering: .relaxed) == 35
        }
        stop.stop()
        try await task.value
        #expect(settled, "\(worker.stats.summary)")

        // The gap is reported once (partition 0), loudly, and counted.
        #expect(worker.stats.changelogGaps.load(ordering: .relaxed) == 1, "\(worker.stats.summary)")
        #expect(worker.stats.summary.contains("changelog_gaps=1"))
        let warnings = log.all.filter { line in
            ["level=warning", "level=error", "level=critical"].contains { line.hasPrefix($0) } && line.lowercased().contains("changelog gap")
        }
        #expect(warnings.count == 1, "\(log.all)")
        #expect(warnings.first?.contains("\(f.config.topics.clean)[0]") == true)
        #expect(warnings.first?.contains("offsets 0..<\(inP0)") == true, "\(warnings)")
        // The worker went on: partition 1 restored its hashes (those stories are duplicates);
        // partition 0's stories are published again (the documented cost of a gap), plus the 5 new.
        #expect(worker.stats.restored.load(ordering: .relaxed) == inP1)
        #expect(worker.stats.duplicates.load(ordering: .relaxed) == inP1)
        let new = 5
        #expect(worker.stats.clean.load(ordering: .relaxed) == inP0 + new)
        let cleanAfter = try await f.readAll(f.config.topics.clean)
        #expect(Set(cleanAfter.map { $0.key ?? [] }).count == 35)
    }

    /// The story restore meeting the same: `articles.stories` trimmed past a fresh store's applied
    /// offset. The gap is said and counted once, and the stage goes on deciding.
    @Test(arguments: BrokerKind.selectedReal)
    func storyRestoreCountsAGapInTheStoriesTopic(on kind: BrokerKind) async throws {
        let prefix = TestBroker.uniqueName("sgap")
        var config = FeedworkerConfig().namespaced(prefix)
        var topics = PipelineFixture.topics(of: config, partitions: 2)
        topics[config.topics.stories] = 1
        config.stories.enabled = true
        let broker = try await TestBroker.start(kind, brokers: 1, topics: topics)
        defer { broker.stop() }
        let f = PipelineFixture(broker: broker, config: config, prefix: prefix, partitions: 2)
        func job(_ n: Int) -> [UInt8] {
            StoryStageTests.job("s\(n)", url: "https://n.example/s/\(n)", title: "Story number \(n) of the gap test",
                                paragraphs: StoryStageTests.paragraphs(StoryStageTests.sentences(seed: UInt64(40 + n), count: 10))).encodeJSON()
        }
        try await f.produce([job(0), job(1)])
        let w1 = RunningWorker(config: f.config)
        #expect(try await f.eventually { w1.stats.stories.started.load(ordering: .relaxed) == 2 }, "\(w1.stats.stories.summary)")
        try await w1.stop()
        #expect(w1.stats.stories.changelogGaps.load(ordering: .relaxed) == 0)

        // A new host (no store) and the stories topic trimmed to its end.
        try FileManager.default.removeItem(atPath: f.config.store.path)
        let admin = try KafkaAdmin(configuration: f.broker.configuration())
        _ = try await admin.deleteRecords(before: [TopicPartitionOffset(topic: f.config.topics.stories, partition: 0, offset: KafkaOffset.end)])
        admin.close()

        try await f.produce([job(2)])
        let w2 = RunningWorker(config: f.config)
        #expect(try await f.eventually { w2.stats.stories.started.load(ordering: .relaxed) >= 1 }, "\(w2.stats.stories.summary)")
        try await w2.stop()
        #expect(w2.stats.stories.changelogGaps.load(ordering: .relaxed) == 1, "\(w2.stats.stories.summary)")
        #expect(w2.stats.stories.summary.contains("changelog_gaps=1"))
    }
}
