import Config
import Foundation
import Kafka
import Pipeline
import Testing
import TestSupport

/// `feedworker replay` (the ``Replay`` library entry point) against the in-process test broker.
@Suite(.serialized) struct ReplayTests {
    private func pages(_ range: Range<Int>, prefix: String) -> [[UInt8]] {
        range.map { n in FetchJob(jobID: "\(prefix)-\(n)", url: "https://n.example/\(prefix)/\(n)", kind: .page, body: StoryFactory.html(n)).encodeJSON() }
    }

    @Test func positionsParse() {
        #expect(ReplayPosition.parse("earliest") == .earliest)
        #expect(ReplayPosition.parse("latest") == .latest)
        #expect(ReplayPosition.parse("42") == .offset(42))
        #expect(ReplayPosition.parse("-3") == nil)
        // 2025-03-05T00:00:00Z = 1,741,132,800 s.
        #expect(ReplayPosition.parse("2025-03-05T00:00:00Z") == .time(milliseconds: 1_741_132_800_000))
        #expect(ReplayPosition.parse("2025-03-05T01:00:00.250+01:00") == .time(milliseconds: 1_741_132_800_250))
        #expect(ReplayPosition.parse("yesterday") == nil)
    }

    /// Time-based start and offset ranges. On the mock (no time index) the timestamp scan answers;
    /// on noida-db `offsetsForTimes` answers from the broker's time index, checked below.
    @Test(arguments: BrokerKind.selected) func windowsByTimeAndByOffset(on kind: BrokerKind) async throws {
        let f = try await PipelineFixture.start(on: kind, partitions: 2, name: "rp-window")
        let early = pages(0..<8, prefix: "early")
        try await f.produce(early)
        try await Task.sleep(for: .milliseconds(1100))
        let cut = Int64(Date().timeIntervalSince1970 * 1000)
        try await Task.sleep(for: .milliseconds(50))
        let late = pages(8..<13, prefix: "late")
        try await f.produce(late.enumerated().map { $0.element }, topic: nil)
        let replay = Replay(config: f.config)

        // From the cut: exactly the late jobs.
        let byTime = try await replay.window(.init(topic: f.config.topics.fetchJobs, from: .time(milliseconds: cut)))
        #expect(byTime.reduce(0) { $0 + $1.count } == Int64(late.count), "\(byTime)")
        var read: [[UInt8]] = []
        try await TopicRangeReader(configuration: f.broker.configuration()).read(topic: f.config.topics.fetchJobs, ranges: byTime) { read.append($0.value ?? []) }
        #expect(Set(read) == Set(late))
        if kind == .noida {
            // The broker's time index gives each window start directly (no scan needed).
            let consumer = try KafkaConsumer(configuration: f.broker.configuration())
            let answers = try await consumer.offsetsForTimes((0..<2).map { TopicPartition(topic: f.config.topics.fetchJobs, partition: $0) },
                                                             timestamp: cut)
            await consumer.close()
            for range in byTime {
                let answer = answers.first { $0.partition == range.partition }?.offset
                #expect(answer == (range.count > 0 ? range.start : KafkaOffset.end), "\(range) vs \(answers)")
            }
        }
        // A time after everything: empty window; before everything: the whole topic.
        let future = try await replay.window(.init(topic: f.config.topics.fetchJobs, from: .time(milliseconds: cut + 3_600_000)))
        #expect(future.allSatisfy { $0.count == 0 })
        let past = try await replay.window(.init(topic: f.config.topics.fetchJobs, from: .time(milliseconds: 0)))
        #expect(past.reduce(0) { $0 + $1.count } == Int64(early.count + late.count))
        // Until the cut: exactly the early jobs.
        let untilCut = try await replay.window(.init(topic: f.config.topics.fetchJobs, from: .earliest, to: .time(milliseconds: cut)))
        #expect(untilCut.reduce(0) { $0 + $1.count } == Int64(early.count))

        // Offsets: [1, 3) of partition 0 only; an offset past the end is clamped to the high watermark.
        let ranges = try await replay.window(.init(topic: f.config.topics.fetchJobs, from: .offset(1), to: .offset(3), partitions: [0]))
        let high0 = try await TopicRangeReader(configuration: f.broker.configuration()).watermarkRanges(topic: f.config.topics.fetchJobs, partitions: [0])[0].end
        #expect(ranges == [.init(partition: 0, start: 1, end: min(3, high0))])
        let clamped = try await replay.window(.init(topic: f.config.topics.fetchJobs, from: .offset(1_000), partitions: [0]))
        #expect(clamped == [.init(partition: 0, start: high0, end: high0)])
        await #expect(throws: ReplayError.self) { _ = try await replay.window(.init(topic: f.config.topics.fetchJobs, from: .earliest, partitions: [9])) }
        await #expect(throws: ReplayError.self) { _ = try await replay.window(.init(topic: "no-such-stage-topic", from: .earliest)) }
        // The offset window replays exactly those messages.
        let group = TestBroker.uniqueName("rp-group")
        let summary = try await replay.run(.init(topic: f.config.topics.fetchJobs, from: .offset(1), to: .offset(3), partitions: [0],
                                                 group: group, republish: f.config.topics.retry))
        #expect(summary.messages == min(3, high0) - 1)
        #expect(summary.group == group)
        // The window's end is committed to the replay's own group.
        let probe = try KafkaConsumer(configuration: f.broker.configuration(["group.id": group]))
        let committed = try await probe.committed([TopicPartition(topic: f.config.topics.fetchJobs, partition: 0)])
        await probe.close()
        #expect(committed.first?.offset == min(3, high0))
        f.broker.stop()
    }

    /// --republish: every event of the window, byte-identical across two replays; default mode on
    /// history the worker already processed publishes nothing, and only a new story is forwarded.
    @Test(arguments: BrokerKind.selected) func republishIsDeterministicAndDedupeModePublishesNothingNew(on kind: BrokerKind) async throws {
        var f = try await PipelineFixture.start(on: kind, partitions: 2, name: "rp-modes")
        try await f.broker.createTopics(["rp-out-1", "rp-out-2"].reduce(into: [:]) { $0["\(f.config.topics.clean).\($1)"] = 2 })
        // 10 stories, 3 of them repeated by a second job, and one malformed job.
        let jobs = pages(0..<10, prefix: "a") + pages(0..<3, prefix: "b") + [Array("not json".utf8)]
        try await f.produce(jobs)
        let worker = RunningWorker(config: f.config)
        let settled = try await f.eventually { worker.stats.jobs.load(ordering: .relaxed) == jobs.count && worker.stats.clean.load(ordering: .relaxed) + worker.stats.duplicates.load(ordering: .relaxed) == 13 }
        try await worker.stop()
        #expect(settled, "\(worker.stats.summary)")
        #expect(worker.stats.clean.load(ordering: .relaxed) == 10)
        let cleanBefore = try await f.readAll(f.config.topics.clean)
        let candidatesBefore = try await f.readAll(f.config.topics.candidates)

        // Republish twice: every event (13 candidates; the malformed job is a failure), the same bytes.
        var outputs: [[String]] = []
        for name in ["rp-out-1", "rp-out-2"] {
            let topic = "\(f.config.topics.clean).\(name)"
            let summary = try await Replay(config: f.config).run(.init(topic: f.config.topics.fetchJobs, from: .earliest, republish: topic))
            #expect(summary.messages == Int64(jobs.count))
            #expect(summary.events == 13 && summary.written == 13, "\(summary)")
            #expect(summary.failures == ["not_json": 1])
            let out = try await f.readAll(topic, partitions: 2)
            #expect(out.count == 13)
            outputs.append(out.map { "\($0.partition)/\($0.offset) \(String(decoding: $0.key ?? [], as: UTF8.self)) \(String(decoding: $0.value ?? [], as: UTF8.self))" }.sorted())
        }
        #expect(outputs[0] == outputs[1], "two replays of the same window must write byte-identical events")
        // The republished events include the events the pipeline published (same bytes), and the
        // repeated stories (other job_id, same hash) on top.
        let published = Set(cleanBefore.map { $0.value ?? [] })
        let republished = try await f.readAll("\(f.config.topics.clean).rp-out-1", partitions: 2)
        #expect(published.isSubset(of: Set(republished.map { $0.value ?? [] })))
        #expect(Set(republished.map { $0.key ?? [] }) == Set(cleanBefore.map { $0.key ?? [] }))

        // Default mode, jobs topic and candidates topic: everything is already published.
        for topic in [f.config.topics.fetchJobs, f.config.topics.candidates] {
            let summary = try await Replay(config: f.config).run(.init(topic: topic, from: .earliest))
            #expect(summary.events == 13 && summary.alreadyPublished == 13 && summary.written == 0, "\(topic): \(summary)")
        }
        #expect(try await f.readAll(f.config.topics.candidates).count == candidatesBefore.count)
        #expect(try await f.readAll(f.config.topics.clean).count == cleanBefore.count)

        // A story that was never published is forwarded (once) to the candidates topic.
        try await f.produce(pages(50..<51, prefix: "new"))
        f.config.groups.extract += "-unused"
        let summary = try await Replay(config: f.config).run(.init(topic: f.config.topics.fetchJobs, from: .earliest))
        #expect(summary.events == 14 && summary.alreadyPublished == 13 && summary.written == 1, "\(summary)")
        #expect(try await f.readAll(f.config.topics.candidates).count == candidatesBefore.count + 1)
        f.broker.stop()
    }
}
