import Config
import Foundation
import Kafka
import Pipeline
import Testing
import TestSupport

/// Kafka protocol error codes injected here (`RD_KAFKA_RESP_ERR_*`).
private enum BrokerErrorCode {
    static let requestTimedOut: Int32 = 7
    static let notLeaderForPartition: Int32 = 6
    static let coordinatorNotAvailable: Int32 = 15
    static let notCoordinator: Int32 = 16
    static let rebalanceInProgress: Int32 = 27
}

/// Kafka API keys.
private enum APIKey {
    static let produce: Int16 = 0
    static let offsetCommit: Int16 = 8
}

/// Issue 11, item 4: three workers (in this process, each with its own clients and store
/// directory, one consumer group per stage) under load while the mock cluster misbehaves.
/// The clean topic must end with exactly the hashes the jobs hold (computed from the jobs with
/// the worker's own extractor), once each, and every job must be produced or dead-lettered, with
/// all three workers still running.
///
/// The workers' producers here keep one request in flight per connection: librdkafka 2.0.2's mock
/// does not check an idempotent producer's sequence numbers, and with several produce requests in
/// flight an injected produce error on one, followed by the success of the next, makes librdkafka
/// report the failed one's messages delivered (implicitly acked, offset -1001) although the mock
/// never wrote them; a real broker refuses the next request instead (`MockIdempotenceGapTests`).
/// That is what left a job without candidates while this test was quarantined (3 of 7 runs): in a
/// reproduction the job's candidates were acknowledged at offset -1001, librdkafka logged them
/// "implicitly acked", and none was in the topic. The mock's gap, not the worker's.
@Suite(.serialized, .disabled(if: ProcessInfo.processInfo.environment["FEEDWORKER_BROKER_FAULT_TEST"] == "0",
                              "FEEDWORKER_BROKER_FAULT_TEST=0 skips it (45-65 s on 2 cores)"))
struct BrokerFaultTests {
    @Test func threeWorkersRideOutBrokerDownProduceErrorsAndCommitFailures() async throws {
        let f = try PipelineFixture(brokers: 3, partitions: 6, name: "broker-faults")
        defer { f.broker.stop() }
        let cluster = f.broker.cluster
        let first = try KnownJobs(count: 600, seed: 21, idPrefix: "a-")
        let second = try KnownJobs(count: 300, seed: 22, firstStory: 20_000, idPrefix: "b-")
        let third = try KnownJobs(count: 300, seed: 23, firstStory: 40_000, idPrefix: "c-")
        let malformed: [[UInt8]] = [Array("not json".utf8), Array("{\"job_id\":\"m1\"}".utf8)]
        let expected = first.hashes.union(second.hashes).union(third.hashes)
        let clock = ContinuousClock()
        let started = clock.now

        try await f.produce(first.values + malformed)
        var workers: [ObservedWorker] = []
        for i in 0..<3 {
            var c = f.config
            // Commits every second instead of every 5 s, so the injected commit errors meet commits.
            c.kafka.properties["auto.commit.interval.ms"] = "1000"
            // One produce request in flight per connection, for the mock (see above).
            c.kafka.properties["max.in.flight.requests.per.connection"] = "1"
            // A session outlasting the 10 s outage (librdkafka's default is 45 s). With the fixture's
            // 6 s, a group whose coordinator is broker 1 loses its partitions during the outage, and
            // a lost dedupe partition may publish a hash twice (README, limits of the guarantee):
            // in 2 of the 9 runs (of 27) where broker 1 coordinated the dedupe group, 31 and 35
            // clean events were published twice (same bytes, timestamps 16 s apart: the old
            // owner's events waited in its producer for broker 1 while the new owner restored
            // without them and published them again).
            c.kafka.properties["session.timeout.ms"] = "20000"
            c.store.path = f.config.store.path + "/w\(i)"
            workers.append(ObservedWorker(config: c))
        }
        func published() async throws -> [KafkaMessage] { try await f.readAll(f.config.topics.clean) }

        func phase(_ text: String) { print("broker faults [\(clock.now - started)]: \(text)") }
        // 1. A broker down for 10 s, once work is under way, then up again.
        #expect(try await f.eventually(timeout: .seconds(120)) { try await published().count >= 100 }, "no progress before the fault")
        // (The topics are not read while the broker is down: a reader would wait for it.)
        func cleanSoFar() -> Int { workers.reduce(0) { $0 + $1.stats.clean.load(ordering: .relaxed) } }
        let beforeDown = cleanSoFar()
        try cluster.setBrokerDown(1)
        phase("broker 1 down")
        try await Task.sleep(for: .seconds(10))
        let duringDown = cleanSoFar()
        try cluster.setBrokerUp(1)
        let downDone = clock.now - started
        phase("broker 1 up")

        // 2. Produce requests failing with NOT_LEADER_FOR_PARTITION and REQUEST_TIMED_OUT (retriable:
        // librdkafka retries them; the idempotent producer keeps order and writes each message once).
        // Pushed once the test's own producer is done, so the workers' produces meet them.
        try await f.produce(second.values)
        try await f.produce(third.values)
        try cluster.pushRequestErrors(apiKey: APIKey.produce, code: BrokerErrorCode.notLeaderForPartition, count: 12)
        try cluster.pushRequestErrors(apiKey: APIKey.produce, code: BrokerErrorCode.requestTimedOut, count: 12)

        // 3. Offset commits failing (coordinator moving, request timeouts, a rebalance in progress):
        // commits are retried or redone at the next commit; what was not committed is redone by
        // its owner and absorbed by dedupe.
        for code in [BrokerErrorCode.coordinatorNotAvailable, BrokerErrorCode.notCoordinator, BrokerErrorCode.requestTimedOut,
                     BrokerErrorCode.rebalanceInProgress] {
            try cluster.pushRequestErrors(apiKey: APIKey.offsetCommit, code: code, count: 8)
        }
        let commitFaults = clock.now
        phase("produce and commit errors pushed")

        let complete = try await f.eventually(timeout: .seconds(240)) {
            Set(try await published().map(\.keyText)).count >= expected.count
        }
        #expect(complete, "not every story was published: \(workers.map(\.stats.summary))")
        phase("complete: \(complete)")
        // Six group consumers committing every second meet the 32 commit errors within a few seconds.
        try await Task.sleep(until: commitFaults + .seconds(8))
        for (i, w) in workers.enumerated() {
            #expect(w.isRunning, "worker \(i) stopped; log tail: \(w.log.all.suffix(6))")
        }
        // Let redone work settle, then check the outputs.
        try await Task.sleep(for: .seconds(3))
        let clean = try await published()
        let keys = clean.map(\.keyText)
        #expect(keys.count == Set(keys).count, "duplicate clean events: \(keys.count - Set(keys).count)")
        #expect(Set(keys) == expected, "missing \(expected.subtracting(keys).count), unexpected \(Set(keys).subtracting(expected).count)")
        let candidates = try await f.readAll(f.config.topics.candidates)
        let produced = Set(candidates.compactMap { $0.headerText("job_id") })
        let dlq = try await f.readAll(f.config.topics.dlq)
        #expect(dlq.count >= malformed.count)
        #expect(Set(dlq.compactMap(\.value)) == Set(malformed), "only the malformed jobs are dead-lettered")
        let allJobs = first.jobIDs.union(second.jobIDs).union(third.jobIDs)
        #expect(allJobs.subtracting(produced).isEmpty, "jobs neither produced nor in the DLQ: \(allJobs.subtracting(produced).count)")
        if !allJobs.subtracting(produced).isEmpty || keys.count != Set(keys).count {
            print(try await whereAbouts(f, missing: allJobs.subtracting(produced), clean: clean))
        }
        phase("checked; stopping the workers")
        for w in workers { try await w.stop() }
        let warnings = workers.flatMap { $0.log.all.filter { $0.hasPrefix("level=warning") || $0.hasPrefix("level=error") } }
        print("broker faults: clean events acknowledged \(beforeDown) when broker 1 went down, \(duringDown) 10 s later; "
              + "down phase over after \(downDone), total \(clock.now - started); \(clean.count) clean events, "
              + "\(candidates.count) candidates, \(dlq.count) DLQ; \(warnings.count) warning/error log lines; "
              + workers.map(\.stats.summary).joined(separator: " | "))
        for line in warnings.prefix(12) { print("  " + line.prefix(300)) }
    }

    /// For a failure: where the jobs without candidates sit in the jobs topic against the extract
    /// group's committed offsets, and where each duplicated clean event sits (the same timestamp
    /// and bytes twice is one produce written twice; different timestamps are two produces).
    private func whereAbouts(_ f: PipelineFixture, missing: Set<String>, clean: [KafkaMessage]) async throws -> String {
        var out = "broker faults, where:\n"
        for m in try await f.readAll(f.config.topics.fetchJobs) {
            if let job = try? FetchJob.decode(m.value ?? [], maxBodyBytes: f.config.worker.maxBodyBytes), missing.contains(job.jobID) {
                out += "  job \(job.jobID) without candidates: \(m.topic)[\(m.partition)]@\(m.offset)\n"
            }
        }
        let reader = try KafkaConsumer(configuration: f.broker.configuration(["group.id": f.config.groups.extract, "enable.auto.commit": "false"]))
        let committed = try await reader.committed((0..<f.partitions).map { TopicPartition(topic: f.config.topics.fetchJobs, partition: $0) })
        await reader.close()
        out += "  extract group committed: \(committed.map { "\($0.partition)@\($0.offset)" })\n"
        for (key, copies) in Dictionary(grouping: clean, by: \.keyText) where copies.count > 1 {
            out += "  clean \(key.prefix(12)) \(copies.count)x: \(copies.map { "\($0.partition)@\($0.offset) ts=\($0.timestamp ?? -1)" }), "
                + "same bytes: \(Set(copies.map { $0.value ?? [] }).count == 1)\n"
        }
        return out
    }
}
