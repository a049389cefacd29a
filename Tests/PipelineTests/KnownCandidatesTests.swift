import Config
import Dedupe
import Foundation
import Kafka
@testable import Pipeline
import Logging
import Testing
import TestSupport

private func hash(_ n: UInt64) -> ContentHash {
    ContentHash(w0: n, w1: n &* 31, w2: ~n, w3: 7)
}

/// The extract stage's memory of acknowledged candidates (``KnownCandidates``) and what it does
/// to a worker's output.
@Suite struct KnownCandidatesTests {
    @Test func remembersWhatWasInsertedAndNothingElse() {
        let known = KnownCandidates(capacity: 100)
        known.insert([hash(1), hash(2)])
        #expect(known.contains(hash(1)))
        #expect(known.contains(hash(2)))
        #expect(!known.contains(hash(3)))
    }

    @Test func capacityZeroIsOff() {
        let known = KnownCandidates(capacity: 0)
        known.insert([hash(1)])
        #expect(!known.contains(hash(1)))
        #expect(known.count == 0)
    }

    /// At most `capacity` hashes: the newest half is always kept, the oldest are forgotten.
    @Test func holdsAtMostItsCapacityAndKeepsTheNewest() {
        let known = KnownCandidates(capacity: 100)
        known.insert((0..<1_000).map { hash($0) })
        #expect(known.count <= 100)
        #expect((950..<1_000).allSatisfy { known.contains(hash($0)) }, "the newest 50 are kept")
        #expect(!known.contains(hash(0)))
        #expect(!known.contains(hash(800)))
    }

    /// A hash is forgotten within two generation lifetimes (so a hash the dedupe store purged
    /// reaches the dedupe stage again). Times are passed in: no sleeping.
    @Test func forgetsAfterTwoGenerations() {
        let t0 = ContinuousClock.now
        let known = KnownCandidates(capacity: 100, generationLifetime: .seconds(10), now: t0)
        known.insert([hash(1)], at: t0 + .seconds(1))
        known.insert([hash(2)], at: t0 + .seconds(11)) // hash(1)'s generation becomes the older one
        #expect(known.contains(hash(1), at: t0 + .seconds(11)))
        known.insert([hash(3)], at: t0 + .seconds(21)) // and is dropped
        #expect(!known.contains(hash(1), at: t0 + .seconds(21)))
        #expect(known.contains(hash(2), at: t0 + .seconds(21)))
        #expect(known.contains(hash(3), at: t0 + .seconds(21)))
    }

    /// Expiry does not wait for an insert: a quiet worker forgets too.
    @Test func forgetsWithoutInserts() {
        let t0 = ContinuousClock.now
        let known = KnownCandidates(capacity: 100, generationLifetime: .seconds(10), now: t0)
        known.insert([hash(1)], at: t0 + .seconds(1))
        #expect(known.contains(hash(1), at: t0 + .seconds(12)), "one lifetime on: in the older generation")
        #expect(!known.contains(hash(1), at: t0 + .seconds(22)), "two lifetimes on: forgotten")
    }

    /// A generation that became the older one late (nothing asked meanwhile) is still dropped two
    /// lifetimes after it began, without another shift.
    @Test func aLateShiftedGenerationIsDroppedOnTime() {
        let t0 = ContinuousClock.now
        let known = KnownCandidates(capacity: 100, generationLifetime: .seconds(10), now: t0)
        known.insert([hash(1)], at: t0 + .seconds(1))
        // First look 15 s on: the generation of hash(1) (began at t0) becomes the older one now.
        #expect(known.contains(hash(1), at: t0 + .seconds(15)))
        known.insert([hash(2)], at: t0 + .seconds(16))
        // 20 s after t0, before the newer generation's lifetime is up: hash(1) is gone, hash(2) not.
        #expect(!known.contains(hash(1), at: t0 + .seconds(20)))
        #expect(known.contains(hash(2), at: t0 + .seconds(20)))
    }

    /// The cache is exact only when an acknowledgement means the candidate is stored: with
    /// `acks` 0 or 1 the worker turns it off.
    @Test func offUnlessTheProducerAcknowledgesFromAllReplicas() async throws {
        var config = FeedworkerConfig()
        let logger = Logger(label: "test")
        // What librdkafka applies, read back from a producer (no broker needed): the default, each
        // spelling, and both spellings at once (librdkafka applies them in name order, so
        // request.required.acks wins).
        let cases: [([String: String], Int)] = [
            ([:], 65_536), (["acks": "all"], 65_536), (["acks": "-1"], 65_536), (["acks": "1"], 0), (["acks": "0"], 0),
            (["request.required.acks": "1"], 0), (["acks": "all", "request.required.acks": "1"], 0),
        ]
        for (properties, expected) in cases {
            var props = KafkaConfiguration(properties.merging(["bootstrap.servers": "127.0.0.1:9"]) { a, _ in a })
            if expected == 0 { props["enable.idempotence"] = "false" } // idempotence requires acks=all
            let producer = try KafkaProducer(configuration: props, logger: logger)
            let acks = producer.effectiveProperty("acks")
            #expect(Worker.knownCandidatesCapacity(config: config, acks: acks, logger: logger) == expected, "\(properties) → acks \(String(describing: acks))")
            await producer.close()
        }
        config.worker.knownCandidates = 0
        #expect(Worker.knownCandidatesCapacity(config: config, acks: "all", logger: logger) == 0)
    }

    @Test func capacityOneHoldsOneHashPerGeneration() {
        let known = KnownCandidates(capacity: 1)
        #expect(known.capacity == 2)
        known.insert([hash(1), hash(2), hash(3)])
        #expect(known.count <= 2)
        #expect(known.contains(hash(3)))
    }

    /// Known hashes are left out (and counted); the rest are the same candidates, byte for byte.
    @Test func extractorLeavesKnownHashesOut() throws {
        let job = FetchJob(jobID: "f", url: "https://feeds.example.org/f.xml", kind: .feed, body: StoryFactory.rss([1, 2, 3], feed: 1))
        let document = FetchedDocument(bytes: job.body ?? [], contentType: nil, url: job.url, fetchedAt: nil)
        let extractor = ArticleCandidateExtractor()
        let all = try extractor.candidates(for: job, document: document)
        try #require(all.count == 3)
        let (kept, known) = try extractor.candidates(for: job, document: document, skipping: { $0 == all[1].hash })
        #expect(known == 1)
        #expect(kept == [all[0], all[2]])
        let none = try extractor.candidates(for: job, document: document, skipping: { _ in false })
        #expect(none.candidates == all && none.known == 0)
    }

    /// The same feed polled twice, the second time after the first's candidates were acknowledged:
    /// with the cache (the default) the second poll produces nothing and its entries are counted as
    /// known duplicates; without it they go to the dedupe stage. The clean events are the same.
    @Test(arguments: [65_536, 0]) func aRepeatedFeedIsNotProducedAgain(capacity: Int) async throws {
        let f = try PipelineFixture(partitions: 2, name: "known")
        defer { f.broker.stop() }
        var config = f.config
        config.worker.knownCandidates = capacity
        let feed = StoryFactory.rss([11, 12, 13, 14], feed: 3)
        let worker = RunningWorker(config: config)
        try await f.produce([FetchJob(jobID: "poll-1", url: "https://feeds.example.org/3.xml", kind: .feed, body: feed).encodeJSON()])
        #expect(await f.eventually { worker.stats.clean.load(ordering: .relaxed) == 4 }, "\(worker.stats.summary)")
        try await f.produce([FetchJob(jobID: "poll-2", url: "https://feeds.example.org/3.xml", kind: .feed, body: feed).encodeJSON()])
        let settled = await f.eventually {
            worker.stats.jobs.load(ordering: .relaxed) == 2
                && worker.stats.duplicates.load(ordering: .relaxed) + worker.stats.knownDuplicates.load(ordering: .relaxed) == 4
        }
        try await worker.stop()
        #expect(settled, "\(worker.stats.summary)")
        let s = worker.stats
        let candidates = try await f.readAll(f.config.topics.candidates)
        let clean = try await f.readAll(f.config.topics.clean)
        #expect(clean.count == 4)
        #expect(s.jobsWithArticles.load(ordering: .relaxed) == 2, "a job of known duplicates still had articles: \(s.summary)")
        if capacity > 0 {
            #expect(s.knownDuplicates.load(ordering: .relaxed) == 4)
            #expect(s.duplicates.load(ordering: .relaxed) == 0)
            #expect(candidates.count == 4)
            #expect(s.summary.contains("known_duplicates=4"))
        } else {
            #expect(s.knownDuplicates.load(ordering: .relaxed) == 0)
            #expect(s.duplicates.load(ordering: .relaxed) == 4)
            #expect(candidates.count == 8)
        }
    }
}
