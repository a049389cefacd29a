import Config
import Foundation
import Kafka
import Pipeline
import Testing
import TestSupport

/// `[kafka] group_instance_id` (static membership): a worker with an instance id processes jobs,
/// and a restart with the same id resumes where the first left off (nothing published twice).
struct StaticMembershipTests {
    @Test func workerWithGroupInstanceIDProcessesAndResumes() async throws {
        var f = try PipelineFixture(partitions: 2, name: "static")
        f.config.kafka.groupInstanceID = "static-worker-a"
        try await f.produce((0..<4).map { n in FetchJob(jobID: "s-\(n)", url: "https://n.example/s/\(n)", kind: .page, body: StoryFactory.html(n)).encodeJSON() })
        let first = RunningWorker(config: f.config)
        #expect(try await f.eventually { first.stats.clean.load(ordering: .relaxed) == 4 }, "\(first.stats.summary)")
        try await first.stop()

        try await f.produce((4..<6).map { n in FetchJob(jobID: "s-\(n)", url: "https://n.example/s/\(n)", kind: .page, body: StoryFactory.html(n)).encodeJSON() })
        let second = RunningWorker(config: f.config)
        #expect(try await f.eventually { second.stats.clean.load(ordering: .relaxed) == 2 }, "\(second.stats.summary)")
        try await second.stop()
        #expect(second.stats.jobs.load(ordering: .relaxed) == 2, "the restarted member resumes from the committed offsets")
        let clean = try await f.readAll(f.config.topics.clean)
        #expect(clean.count == 6 && Set(clean.map { $0.key ?? [] }).count == 6)
        f.broker.stop()
    }
}
