import Config
import Foundation
import Kafka
import Normalization
@testable import Pipeline
import Stories
import Testing
import TestSupport

/// Issue 12, "across partitions and workers": three `feedworker run` processes with the story
/// stage; the active story decider is killed with SIGKILL mid-run. Every clean article still has
/// exactly one story event, none twice, and the story groups are exactly the groups of articles
/// linked by fingerprint distance <= 3 (what one worker decides on this data, whatever the order:
/// the originals are ~30 bits apart, so no article can bridge two of them), and no two originals
/// share a story.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: SharedCorpora.feedworkerBinary.path),
                             "needs the feedworker binary (swift build)"))
struct StoryFailoverTests {
    /// `originals` stories (seeded texts, far apart) and, for every third one, one or two
    /// syndicated copies (a sentence added, a footer) on other sites. Returns the jobs and the
    /// expected group (the original's number) of every job id.
    static func jobs(originals: Int) -> (values: [[UInt8]], group: [String: Int]) {
        var values: [[UInt8]] = []
        var group: [String: Int] = [:]
        for n in 0..<originals {
            let text = StoryStageTests.sentences(seed: UInt64(1_000 + n), count: 30)
            let title = "Story \(n) of the day"
            values.append(StoryStageTests.job("o\(n)", url: "https://origin.example/\(n)", title: title,
                                              paragraphs: StoryStageTests.paragraphs(text)).encodeJSON())
            group["o\(n)"] = n
            guard n % 3 == 0 else { continue }
            for copy in 0..<(n % 2 == 0 ? 2 : 1) {
                var edited = text
                edited.insert(StoryStageTests.sentences(seed: UInt64(50_000 + n * 7 + copy), count: 1)[0], at: 5 + copy * 9)
                let footer = "Distributed by wire partner number \(copy + 1); all rights reserved by the original publisher."
                values.append(StoryStageTests.job("c\(n)-\(copy)", url: "https://site\(copy).example/\(n)", title: title,
                                                  paragraphs: StoryStageTests.paragraphs(edited) + [[footer]]).encodeJSON())
                group["c\(n)-\(copy)"] = n
            }
        }
        return (values, group)
    }

    /// Mock only, as `WorkerProcessTests.threeWorkersOneKilledStillOneEventPerStory`: run on
    /// noida-db 0.2.3 (2026-11-30, twice) the killed decider's partitions were never reassigned
    /// (clean 551-555 of 675 after 240 s, no survivor became the decider): its coordinator does
    /// not expire a member that dies without leaving (README "Test brokers").
    @Test func threeWorkersDeciderKilledStillOneStoryEventPerArticle() async throws {
        let prefix = TestBroker.uniqueName("storykill")
        var config = FeedworkerConfig().namespaced(prefix)
        var topics = PipelineFixture.topics(of: config, partitions: 6)
        topics[config.topics.stories] = 1
        let broker = try TestBroker(brokers: 1, topics: topics)
        defer { broker.stop() }
        config.stories.enabled = true
        let f = PipelineFixture(broker: broker, config: config, prefix: prefix, partitions: 6)
        let (values, group) = Self.jobs(originals: 450)
        // Two thirds before the kill, the rest after it: the new decider must decide some.
        let firstPart = values.count * 2 / 3
        try await f.produce(Array(values[..<firstPart]))

        var workers: [WorkerProcess] = []
        for i in 0..<3 {
            var c = f.config
            c.store.path = f.config.store.path + "/w\(i)"
            c.worker.shutdownTimeout = .seconds(20)
            workers.append(try WorkerProcess(config: c, name: "w\(i)"))
        }
        // Kill the active decider once it has decided some stories but not all.
        let started = try await f.eventually(timeout: .seconds(120)) {
            try await f.readAll(f.config.topics.stories, partitions: 1).count >= 60
        }
        #expect(started, "no story events before the kill")
        let decider = try #require(workers.firstIndex { $0.log.contains("story decider active") }, "no worker became the decider")
        workers[decider].signal(SIGKILL)
        _ = await workers[decider].waitForExit(timeout: .seconds(10))
        let before = try await f.readAll(f.config.topics.stories, partitions: 1).count // what the killed decider published
        let survivors = (0..<3).filter { $0 != decider }
        try await f.produce(Array(values[firstPart...])) // keys k0... again: they only spread jobs over partitions

        let complete = try await f.eventually(timeout: .seconds(240)) {
            try await f.readAll(f.config.topics.stories, partitions: 1).count >= values.count
        }
        try await Task.sleep(for: .seconds(3)) // anything late would show up now
        for i in survivors { workers[i].signal(SIGTERM) }
        for i in survivors {
            let status = await workers[i].waitForExit(timeout: .seconds(40))
            #expect(status == 0, "worker \(i) exit status \(String(describing: status)); log tail: \(workers[i].log.suffix(1500))")
        }
        #expect(complete, "not every article got a story event")
        #expect(before < values.count, "the kill came after the last decision: it tested nothing")
        #expect(survivors.contains { workers[$0].log.contains("story decider active") }, "no survivor took over")

        var jobOf: [String: String] = [:] // content hash → job id
        var printOf: [String: UInt64] = [:]
        let clean = try await f.readAll(f.config.topics.clean)
        for m in clean {
            let v = try JSONReader.parse(m.value ?? [])
            let hash = String(decoding: m.key ?? [], as: UTF8.self)
            jobOf[hash] = v["job_id"]?.stringValue
            printOf[hash] = StoryFingerprint.compute(CanonicalText.normalize(validUTF8: Array((v["text"]?.stringValue ?? "").utf8)))
        }
        #expect(clean.count == values.count, "one clean event per job (each text is distinct)")
        let stories = try await f.readAll(f.config.topics.stories, partitions: 1)
        let keys = stories.map { String(decoding: $0.key ?? [], as: UTF8.self) }
        #expect(Set(keys).count == keys.count, "story events decided twice: \(keys.count - Set(keys).count)")
        #expect(Set(keys) == Set(jobOf.keys), "story events and clean events differ")

        // The published decisions are exactly those of one uninterrupted decider fed the same
        // articles in the same order: the kill and the restore lost or changed nothing.
        var cleanByHash: [String: [UInt8]] = [:]
        for m in clean { cleanByHash[String(decoding: m.key ?? [], as: UTF8.self)] = m.value ?? [] }
        var single = try StoryDecider()
        var differing = 0
        for m in stories.sorted(by: { $0.offset < $1.offset }) {
            let published = try StoryEvent.decision(json: m.value ?? [])
            let article = try CleanArticle(json: cleanByHash[published.article.contentHash] ?? [], fallbackTime: 0)
            if single.decide(article.storyArticle) != published { differing += 1 }
        }
        #expect(differing == 0, "\(differing) published decisions differ from one decider's")

        // Nothing joined without a link: every story lies inside one connected component of
        // "distance <= 3" over the clean articles. (Equality is order-dependent: a copy decided
        // before its original may start a story of its own when it is > 3 from the other copy.)
        let hashes = printOf.keys.sorted()
        var root = Dictionary(uniqueKeysWithValues: hashes.map { ($0, $0) })
        func find(_ h: String) -> String { var h = h; while root[h]! != h { h = root[h]! }; return h }
        for (i, a) in hashes.enumerated() {
            for b in hashes[(i + 1)...] where StoryFingerprint.distance(printOf[a]!, printOf[b]!) <= 3 { root[find(a)] = find(b) }
        }
        var storyOf: [String: String] = [:]
        for m in stories {
            storyOf[String(decoding: m.key ?? [], as: UTF8.self)] = try JSONReader.parse(m.value ?? [])["story_id"]?.stringValue
        }
        let componentsOfStory = Dictionary(grouping: hashes, by: { storyOf[$0] ?? "none" }).mapValues { Set($0.map(find)) }
        #expect(componentsOfStory.values.allSatisfy { $0.count == 1 }, "a story spans unlinked articles")

        // No story holds two originals; how many copies joined their original (fingerprint quality on
        // these made-up texts).
        var groupsOfStory: [String: Set<Int>] = [:]
        var joined = 0, copies = 0
        for h in hashes {
            guard let job = jobOf[h], let g = group[job], let story = storyOf[h] else { continue }
            groupsOfStory[story, default: []].insert(g)
            if job.hasPrefix("c") {
                copies += 1
                if let original = hashes.first(where: { jobOf[$0] == "o\(g)" }), storyOf[original] == story { joined += 1 }
            }
        }
        let merged = groupsOfStory.filter { $0.value.count > 1 }
        #expect(merged.isEmpty, "distinct stories merged: \(merged.values.map { $0.sorted() })")
        #expect(joined * 10 >= copies * 9, "\(joined)/\(copies) copies joined their original's story")
        print("story failover: \(keys.count) story events for \(clean.count) clean events; \(joined)/\(copies) copies joined their original's story; decider killed after \(before) events")
    }
}
