import Config
import Foundation
import Kafka
import Normalization
import Pipeline
import Telemetry
import Testing
import TestSupport

/// The story stage (issue 12) on both test brokers: a syndicated copy joins the original's story,
/// an edited article (same URL, changed text) is an update that supersedes the old hash, every
/// clean event has exactly one story event, and a second worker restores the index from the
/// stories topic and decides against it.
@Suite(.serialized) struct StoryStageTests {
    /// A seeded news-like text: `sentences` sentences over made-up words. A third of the words
    /// come from the seed's own 15 "topic" words (so they repeat, as a story's names and subjects
    /// do), the rest from a shared vocabulary of a few thousand words; two seeds give unrelated
    /// texts, one seed always the same text.
    static func sentences(seed: UInt64, count: Int) -> [String] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        func next() -> Int {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Int(state % 1_000_003)
        }
        let syllables = ["ka", "lo", "mi", "ren", "tu", "sal", "ve", "dor", "ni", "pa", "qua", "ro", "sen", "ti", "bel", "gar"]
        func word() -> String { (0..<(2 + next() % 2)).map { _ in syllables[next() % syllables.count] }.joined() }
        let topic = (0..<15).map { _ in word() }
        return (0..<count).map { _ in
            let w = (0..<(10 + next() % 8)).map { _ in next() % 3 == 0 ? topic[next() % topic.count] : word() }
            return w.joined(separator: " ").prefix(1).uppercased() + w.joined(separator: " ").dropFirst() + "."
        }
    }

    static func job(_ id: String, url: String, title: String, paragraphs: [[String]], day: Int = 2) -> FetchJob {
        var html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>\(title)</title></head><body>"
        html += "<article><h1>\(title)</h1>"
        for p in paragraphs { html += "<p>\(p.joined(separator: " "))</p>" }
        html += "</article></body></html>"
        return FetchJob(jobID: id, url: url, kind: .article, body: Array(html.utf8), contentType: "text/html; charset=utf-8",
                        fetchedAt: Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970) - Int64(day) * 86_400))
    }

    static func paragraphs(_ s: [String]) -> [[String]] { stride(from: 0, to: s.count, by: 5).map { Array(s[$0..<min($0 + 5, s.count)]) } }

    static func fixture(on kind: BrokerKind) async throws -> PipelineFixture {
        let prefix = TestBroker.uniqueName("stories")
        var config = FeedworkerConfig().namespaced(prefix)
        var topics = PipelineFixture.topics(of: config, partitions: 3)
        topics[config.topics.stories] = 1
        let broker = try await TestBroker.start(kind, brokers: 1, topics: topics)
        config.stories.enabled = true
        return PipelineFixture(broker: broker, config: config, prefix: prefix, partitions: 3)
    }

    struct StoryRecord {
        var key: String
        var json: JSONValue
        var relation: String { json["relation"]?.stringValue ?? "" }
        var story: String { json["story_id"]?.stringValue ?? "" }
    }

    static func stories(_ f: PipelineFixture) async throws -> [StoryRecord] {
        try await f.readAll(f.config.topics.stories, partitions: 1).map {
            StoryRecord(key: String(decoding: $0.key ?? [], as: UTF8.self), json: try JSONReader.parse($0.value ?? []))
        }
    }

    static func cleanKeys(_ f: PipelineFixture) async throws -> [String: String] {
        var byURL: [String: String] = [:]
        for m in try await f.readAll(f.config.topics.clean) {
            let v = try JSONReader.parse(m.value ?? [])
            byURL[(v["job_id"]?.stringValue)!] = String(decoding: m.key ?? [], as: UTF8.self)
        }
        return byURL
    }

    @Test(arguments: BrokerKind.selected)
    func storyStageReportsToTheHealthCheckAndDoesNotHoldBackReadiness(on kind: BrokerKind) async throws {
        let f = try await Self.fixture(on: kind)
        defer { f.broker.stop() }
        let health = WorkerHealth()
        let worker = Worker(config: f.config, health: health)
        let stop = StopSignal()
        let task = Task { try await worker.run(stop: stop) }
        let job = Self.job("h", url: "https://gazette.example/health", title: "Harbor pier reopens after repairs",
                           paragraphs: Self.paragraphs(Self.sentences(seed: 7, count: 10)))
        try await f.produce([job.encodeJSON()])
        let decided = try await f.eventually { try await Self.stories(f).count == 1 }
        let ready = health.isReady
        let status = await health.check()
        stop.stop()
        try await task.value
        #expect(decided)
        #expect(health.registeredStages == [.dedupe, .extract, .stories])
        #expect(ready, "not ready: \(health.stagesNotReady)")
        #expect(status == .healthy)
    }

    @Test(arguments: BrokerKind.selected)
    func syndicatedCopyJoinsEditedArticleUpdatesAndRestoreContinues(on kind: BrokerKind) async throws {
        let f = try await Self.fixture(on: kind)
        defer { f.broker.stop() }
        let a = Self.sentences(seed: 1, count: 30) // ~400 words
        let c = Self.sentences(seed: 2, count: 30)
        let added = Self.sentences(seed: 3, count: 1)[0]
        let footer = "This story was first published by the Harbor Gazette and is republished here with permission of the editors."
        let original = Self.job("a", url: "https://gazette.example/ferry", title: "Ferry line adds an evening crossing",
                                paragraphs: Self.paragraphs(a))
        var syndicatedText = a
        syndicatedText.insert(added, at: 12)
        let syndicated = Self.job("b", url: "https://valley.example/news/ferry-evening", title: "Ferry line adds an evening crossing",
                                  paragraphs: Self.paragraphs(syndicatedText) + [[footer]])
        let other = Self.job("c", url: "https://gazette.example/budget", title: "Council passes the budget", paragraphs: Self.paragraphs(c))

        // Phase 1: the original first (so it starts the story), then the copy and an unrelated story.
        let worker = RunningWorker(config: f.config)
        try await f.produce([original.encodeJSON()])
        #expect(try await f.eventually { try await Self.stories(f).count == 1 })
        try await f.produce([syndicated.encodeJSON(), other.encodeJSON()])
        #expect(try await f.eventually { try await Self.stories(f).count == 3 })

        // Phase 2: the publisher edits the original (same URL, rewritten half).
        var editedText = a
        for i in 0..<15 { editedText[i] = Self.sentences(seed: 100 + UInt64(i), count: 1)[0] }
        let edited = Self.job("a2", url: "https://gazette.example/ferry", title: "Ferry line adds an evening crossing (updated)",
                              paragraphs: Self.paragraphs(editedText))
        try await f.produce([edited.encodeJSON()])
        #expect(try await f.eventually { try await Self.stories(f).count == 4 })
        try await worker.stop()
        #expect(worker.stats.stories.activations.load(ordering: .relaxed) == 1)

        // Phase 3: a new worker (fresh store directory: a full restore from the topic) decides a
        // second copy of the original against the restored index.
        var config2 = f.config
        config2.store.path += "-second"
        let second = RunningWorker(config: config2)
        let copy2 = Self.job("d", url: "https://ridge.example/ferry", title: "Ferry line adds an evening crossing",
                             paragraphs: Self.paragraphs(a) + [["Reporting by the Ridge Tribune news desk."]])
        try await f.produce([copy2.encodeJSON()])
        #expect(try await f.eventually { try await Self.stories(f).count == 5 })
        try? await Task.sleep(for: .seconds(1)) // nothing more may come
        try await second.stop()
        #expect(second.stats.stories.restored.load(ordering: .relaxed) == 4, "\(second.stats.stories.summary)")

        let clean = try await Self.cleanKeys(f)
        let records = try await Self.stories(f)
        let byKey = Dictionary(records.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        // Exactly one story event per clean event, none twice.
        #expect(records.count == clean.count && Set(records.map(\.key)) == Set(clean.values), "\(records.map { ($0.key, $0.relation) })")
        let hashA = try #require(clean["a"]), hashB = try #require(clean["b"]), hashC = try #require(clean["c"])
        let hashA2 = try #require(clean["a2"]), hashD = try #require(clean["d"])
        #expect(byKey[hashA]?.relation == "new" && byKey[hashA]?.story == hashA)
        #expect(byKey[hashB]?.relation == "near_duplicate" && byKey[hashB]?.story == hashA,
                "distance \(String(describing: byKey[hashB]?.json["distance"]))")
        #expect(byKey[hashC]?.relation == "new" && byKey[hashC]?.story == hashC)
        let update = try #require(byKey[hashA2])
        #expect(update.relation == "update" && update.story == hashA)
        #expect(update.json["supersedes"]?.stringValue == hashA && update.json["version"]?.intValue == 2)
        #expect(byKey[hashD]?.relation == "near_duplicate" && byKey[hashD]?.story == hashA)
        // The issue's fields are all there.
        for field in ["content_hash", "story_id", "distance", "url", "source", "published_at", "relation", "supersedes", "version", "parser_version"] {
            #expect(update.json[field] != nil, "field \(field)")
        }
    }
}
