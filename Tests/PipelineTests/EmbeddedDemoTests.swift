import Foundation
import Normalization
import Pipeline
import Testing
import TestSupport

/// The embedded demo end to end (mock cluster in process, the real worker, Config/samples).
struct EmbeddedDemoTests {
    @Test func demoAccountsForEveryJob() async throws {
        let samples = SharedCorpora.packageRoot.appendingPathComponent("Config/samples").path
        let demo = EmbeddedDemo(samplesDirectory: samples, partitions: 3, timeout: .seconds(120))
        let jobs = try demo.jobs()
        let sampleFiles = try FileManager.default.contentsOfDirectory(atPath: samples).filter { !$0.hasPrefix(".") && !$0.hasSuffix(".md") }
        // One job per sample document, plus the malformed job and the job without url.
        #expect(jobs.count == sampleFiles.count + 2)

        let outcome = try await demo.run()
        #expect(outcome.jobs == jobs.count)
        // Every clean event has its own content hash, and carries a title and a source.
        let hashes = outcome.clean.map(\.hash)
        #expect(Set(hashes).count == hashes.count, "a story was published twice")
        #expect(outcome.clean.count >= sampleFiles.count, "every sample holds at least one story")
        for e in outcome.clean {
            #expect(e.hash.count == 64 && !e.title.isEmpty && !e.source.isEmpty, "\(e)")
        }
        // The samples repeat stories on purpose: dedupe suppressed at least one, and every
        // suppressed duplicate is a story that was published.
        #expect(outcome.duplicates.count >= 1)
        for d in outcome.duplicates { #expect(hashes.contains(d.hash), "duplicate \(d.hash) was never published") }
        // The two bad jobs end in the DLQ with their reasons.
        #expect(outcome.deadLetters.map(\.code).sorted() == ["missing_field", "not_json"])
        #expect(outcome.deadLetters.first { $0.code == "missing_field" }?.message.contains("url") == true)
        // Every clean event has exactly one story event (issue 12), and the syndicated rail story
        // (Harbor Gazette original, Ridge Tribune copy: other byline, a sentence added, a footer)
        // is one story.
        #expect(outcome.stories.map(\.hash).sorted() == hashes.sorted())
        let rail = outcome.clean.filter { $0.title.hasPrefix("Rail operator orders") }.map(\.hash)
        #expect(rail.count == 2)
        let railStories = outcome.stories.filter { rail.contains($0.hash) }
        #expect(Set(railStories.map(\.storyID)).count == 1 && railStories.map(\.relation).sorted() == ["near_duplicate", "new"],
                "\(railStories)")
        // `demo --json`: every clean, story and DLQ record as one JSON line naming its topic.
        let lines = try outcome.records.map { try JSONReader.parse($0.jsonLine()) }
        let topics = lines.compactMap { $0["topic"]?.stringValue }
        #expect(topics.filter { $0.hasSuffix(".clean") }.count == outcome.clean.count)
        #expect(topics.filter { $0.hasSuffix(".stories") }.count == outcome.stories.count)
        #expect(topics.filter { $0.hasSuffix(".dlq") }.count == 2)
        #expect(lines.allSatisfy { $0["value"] != nil && $0["key"] != nil })
        // The worker's totals agree with what was read back from the topics.
        #expect(outcome.stats.contains("clean=\(outcome.clean.count) duplicates=\(outcome.duplicates.count) dlq=2"), "\(outcome.stats)")
    }

    @Test func missingSamplesDirectoryIsAClearError() throws {
        let demo = EmbeddedDemo(samplesDirectory: "/nonexistent/feedworker-samples")
        #expect(throws: DemoError.self) { try demo.jobs() }
        do { _ = try demo.jobs() } catch { #expect(error.description.contains("/nonexistent/feedworker-samples")) }
    }
}
