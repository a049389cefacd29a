import Foundation
import Kafka
import Normalization
import Stories
import Testing
@testable import Pipeline

/// The story event codec and the store: what a restore reads back is the decision that was made.
@Suite struct StoryEventTests {
    static let hashA = String(repeating: "a", count: 64), hashB = String(repeating: "b", count: 64)

    @Test func cleanEventIsReadAndFingerprinted() throws {
        let json = #"{"schema":1,"content_hash":"\#(Self.hashA)","url":"https://x.example/a?utm_source=1","canonical_url":"https://x.example/a","source":"X","published_at":"2026-11-24T06:30:00Z","fetched_at":"2026-11-25T00:00:00Z","text":"Harbor ferry adds a crossing","parser_version":"p/1"}"#
        let a = try CleanArticle(json: Array(json.utf8), fallbackTime: 5)
        #expect(a.contentHash == Self.hashA && a.canonicalURL == "https://x.example/a" && a.source == "X")
        #expect(a.time == 1_795_501_800, "published_at wins over fetched_at")
        #expect(a.fingerprint == StoryFingerprint.compute(CanonicalText.normalize(validUTF8: Array("Harbor ferry adds a crossing".utf8))))
        let noDates = try CleanArticle(json: Array(#"{"content_hash":"\#(Self.hashA)","text":"x"}"#.utf8), fallbackTime: 5)
        #expect(noDates.time == 5 && noDates.canonicalURL == nil)
        #expect(throws: StoryEventError.missingField("text")) { try CleanArticle(json: Array(#"{"content_hash":"\#(Self.hashA)"}"#.utf8), fallbackTime: 0) }
        #expect(throws: StoryEventError.self) { try CleanArticle(json: Array("[1]".utf8), fallbackTime: 0) }
    }

    @Test("a clean event's captions are left out of its fingerprint, as out of its SimHash")
    func captionsAreNotFingerprinted() throws {
        let body = "Harbor ferry adds a crossing at half past ten.\n\nThe board voted on Tuesday."
        let captioned = "Harbor ferry adds a crossing at half past ten.\n\nThe ferry at the north pier.\n\nThe board voted on Tuesday."
        let plain = try CleanArticle(json: Array(#"{"content_hash":"\#(Self.hashA)","text":"\#(body.replacingOccurrences(of: "\n", with: "\\n"))"}"#.utf8), fallbackTime: 0)
        let json = #"{"content_hash":"\#(Self.hashA)","text":"\#(captioned.replacingOccurrences(of: "\n", with: "\\n"))","captions":["The ferry at the north pier."]}"#
        let withCaption = try CleanArticle(json: Array(json.utf8), fallbackTime: 0)
        #expect(withCaption.fingerprint == plain.fingerprint)
        #expect(throws: StoryEventError.missingField("captions")) {
            try CleanArticle(json: Array(#"{"content_hash":"\#(Self.hashA)","text":"x","captions":[1]}"#.utf8), fallbackTime: 0)
        }
    }

    @Test func storyEventRoundTripsAndIsDeterministic() throws {
        let article = StoryArticle(contentHash: Self.hashB, fingerprint: 0x0123_4567_89ab_cdef, canonicalURL: "https://x.example/a",
                                   entryID: nil, time: 1_795_501_800)
        let decision = StoryDecision(article: article, storyID: Self.hashA, relation: .update, distance: 7, supersedes: Self.hashA, version: 2)
        let clean = try CleanArticle(json: Array(#"{"content_hash":"\#(Self.hashB)","url":"https://x.example/a","source":"X","published_at":"2026-11-24T06:30:00Z","parser_version":"p/1","text":"t"}"#.utf8), fallbackTime: 0)
        let event = StoryEvent(decision: decision, clean: clean)
        let bytes = event.encodeJSON()
        #expect(bytes == StoryEvent(decision: decision, clean: clean).encodeJSON())
        let v = try JSONReader.parse(bytes)
        for field in ["content_hash", "story_id", "relation", "distance", "supersedes", "version", "url", "source", "published_at", "parser_version"] {
            #expect(v[field] != nil && v[field] != .null, "\(field)")
        }
        #expect(v["relation"]?.stringValue == "update" && v["fingerprint"]?.stringValue == "0123456789abcdef")
        #expect(try StoryEvent.decision(json: bytes) == decision)
        let headers = StoryEvent.headers(cleanPartition: 4, cleanOffset: 99)
        #expect(StoryEvent.cleanPosition(headers)! == (partition: 4, offset: 99))
        #expect(StoryEvent.cleanPosition([]) == nil)
    }

    @Test func storeKeepsDecisionsInOrderAndPositions() throws {
        let dir = NSTemporaryDirectory() + "story-store-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var decisions: [StoryDecision] = []
        do {
            let store = try StoryStore(directory: dir, topic: "t.stories", batchSize: 2)
            for i in 0..<5 {
                let hash = String(repeating: String(i), count: 64)
                let d = StoryDecision(article: StoryArticle(contentHash: hash, fingerprint: UInt64.max - UInt64(i), canonicalURL: i == 2 ? nil : "u\(i)",
                                                            entryID: nil, time: 100 + Int64(i)),
                                      storyID: hash, relation: .new, distance: 0, supersedes: nil, version: 1)
                decisions.append(d)
                try store.record(d, storiesOffset: Int64(10 + i), clean: (partition: Int32(i % 2), offset: Int64(i)))
            }
            store.close()
        }
        let again = try StoryStore(directory: dir, topic: "t.stories", batchSize: 2)
        #expect(try again.decisions() == decisions)
        #expect(again.appliedOffset == 15)
        #expect(again.positions == [0: 5, 1: 4])
        #expect(try again.purge(before: 102) == 2)
        #expect(try again.decisions() == Array(decisions.dropFirst(2)))
        again.close()
    }
}
