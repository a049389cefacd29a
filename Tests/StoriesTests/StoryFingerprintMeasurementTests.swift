import Normalization
import Testing
@testable import Stories

/// Issue 12, "a fingerprint that fits": distances between syndicated edits of one story, and
/// between different stories on the same topic, on the generated ``NewsCorpus`` (8 topics × 4
/// stories, 300–1,500 words each). Prints the distributions for every feature choice, and asserts
/// the rates of the default one at k = 3.
@Suite struct StoryFingerprintMeasurementTests {
    struct Measurement {
        /// Distances per edit kind, one per story.
        var edits: [NewsCorpus.Edit: [Int]] = [:]
        /// Distances of every same-topic pair of different stories.
        var sameTopic: [Int] = []
        /// Distances of different-topic pairs (one per story: the next story of another topic).
        var otherTopic: [Int] = []
    }

    /// The canonical body as the story stage fingerprints it.
    static func fingerprint(_ text: String, _ options: StoryFingerprint.Options) -> UInt64 {
        StoryFingerprint.compute(CanonicalText.normalize(validUTF8: Array(text.utf8)), options: options)
    }

    static let corpus = makeCorpus(seed: 12)

    static func makeCorpus(seed: UInt64) -> (stories: [NewsCorpus.Story], edits: [[NewsCorpus.Edit: String]]) {
        var gen = NewsCorpus(seed: seed)
        var stories: [NewsCorpus.Story] = []
        for topic in NewsCorpus.topics {
            for i in 0..<4 {
                // 300–1,500 words, spread over the range (plus the generator's paragraph rounding).
                stories.append(gen.story(topic: topic, words: 300 + (i * 397 + stories.count * 53) % 1_150))
            }
        }
        let edits = stories.map { story in
            Dictionary(uniqueKeysWithValues: NewsCorpus.Edit.allCases.map { ($0, gen.edited(story, $0)) })
        }
        return (stories, edits)
    }

    static func measure(_ options: StoryFingerprint.Options,
                        on corpus: (stories: [NewsCorpus.Story], edits: [[NewsCorpus.Edit: String]]) = corpus) -> Measurement {
        let (stories, edits) = corpus
        let prints = stories.map { fingerprint($0.text, options) }
        var m = Measurement()
        for (i, story) in stories.enumerated() {
            for (edit, text) in edits[i] {
                m.edits[edit, default: []].append(StoryFingerprint.distance(prints[i], fingerprint(text, options)))
            }
            for j in (i + 1)..<stories.count where stories[j].topic == story.topic {
                m.sameTopic.append(StoryFingerprint.distance(prints[i], prints[j]))
            }
            if let j = stories.indices.first(where: { $0 > i && stories[$0].topic != story.topic }) {
                m.otherTopic.append(StoryFingerprint.distance(prints[i], prints[j]))
            }
        }
        return m
    }

    static func histogram(_ d: [Int]) -> String {
        let counts = Dictionary(grouping: d, by: { min($0, 12) }).mapValues(\.count)
        return counts.keys.sorted().map { "\($0 == 12 ? "12+" : String($0)):\(counts[$0]!)" }.joined(separator: " ")
    }

    static func rate(_ d: [Int], _ ok: (Int) -> Bool) -> String {
        let n = d.filter(ok).count
        return "\(n)/\(d.count) (\(Int((Double(n) / Double(max(1, d.count)) * 100).rounded()))%)"
    }

    @Test func fixturesAreNewsSized() {
        let (stories, edits) = Self.corpus
        #expect(stories.count == 32)
        #expect(edits.count == 32)
        let counts = stories.map(\.wordCount)
        #expect(counts.allSatisfy { (300...1_600).contains($0) }, "word counts \(counts.sorted())")
        #expect(counts.min()! < 500 && counts.max()! > 1_200, "the set spans short and long articles: \(counts.sorted())")
        // Edits really change the text (so a distance of 0 is the fingerprint's merit, not a no-op).
        for (i, story) in stories.enumerated() {
            for (edit, text) in edits[i] { #expect(text != story.text, "\(edit) left story \(i) unchanged") }
        }
    }

    /// Same-topic stories share vocabulary (the hard case), measured as the overlap of their
    /// distinct words: the generator must not make distinct stories trivially far apart.
    @Test func sameTopicStoriesShareVocabulary() {
        let stories = Self.corpus.stories
        func words(_ s: NewsCorpus.Story) -> Set<Substring> {
            Set(s.text.lowercased().split(whereSeparator: { !$0.isLetter }).filter { $0.count > 3 })
        }
        var overlaps: [Double] = []
        for i in stories.indices {
            for j in (i + 1)..<stories.count where stories[j].topic == stories[i].topic {
                let a = words(stories[i]), b = words(stories[j])
                overlaps.append(Double(a.intersection(b).count) / Double(min(a.count, b.count)))
            }
        }
        let mean = overlaps.reduce(0, +) / Double(overlaps.count)
        print("same-topic pairs: mean share of the smaller story's distinct words (4+ letters) also in the other: \(Int(mean * 100))%")
        #expect(mean > 0.4)
    }

    @Test func distanceDistributions() {
        var lines: [String] = []
        for weighting in StoryFingerprint.Weighting.allCases {
            for drop in [true, false] {
                let options = StoryFingerprint.Options(weighting: weighting, dropStopwords: drop)
                let m = Self.measure(options)
                let joined = NewsCorpus.Edit.allCases.map { "\($0.rawValue) \(Self.rate(m.edits[$0]!, { $0 <= 3 }))" }
                lines.append("\(weighting) stopwords \(drop ? "dropped" : "kept")\(options == .default ? " [default]" : ""):")
                lines.append("  within k=3: " + joined.joined(separator: ", "))
                lines.append("  same-topic different stories > 3: \(Self.rate(m.sameTopic, { $0 > 3 })), min \(m.sameTopic.min()!)")
                for edit in NewsCorpus.Edit.allCases { lines.append("  \(edit.rawValue): \(Self.histogram(m.edits[edit]!))") }
                lines.append("  same topic: \(Self.histogram(m.sameTopic))")
                lines.append("  other topic: min \(m.otherTopic.min()!), median \(m.otherTopic.sorted()[m.otherTopic.count / 2])")
            }
        }
        print("story fingerprint distances (32 stories, 8 topics; 48 same-topic pairs):\n" + lines.joined(separator: "\n"))
    }

    /// The rates the README reports, for the default features at k = 3.
    @Test func defaultFingerprintRates() {
        let m = Self.measure(.default)
        for edit in [NewsCorpus.Edit.byline, .sentenceAdded, .sentenceRemoved, .footer] {
            let kept = m.edits[edit]!.filter { $0 <= 3 }.count
            #expect(kept * 100 >= 90 * m.edits[edit]!.count, "\(edit.rawValue): \(Self.histogram(m.edits[edit]!))")
        }
        let combined = m.edits[.all]!.filter { $0 <= 3 }.count
        #expect(combined * 100 >= 80 * m.edits[.all]!.count, "all three edits at once: \(Self.histogram(m.edits[.all]!))")
        let falseMerges = m.sameTopic.filter { $0 <= 3 }.count
        #expect(falseMerges == 0, "same-topic stories within 3: \(Self.histogram(m.sameTopic))")
        #expect(m.sameTopic.count >= 20 && m.edits[.all]!.count >= 20)
    }

    /// The default on corpora it was not chosen on (seeds 13-16): printed, and no false merge.
    @Test func defaultOnOtherSeeds() {
        var lines: [String] = []
        for seed: UInt64 in 13...16 {
            let m = Self.measure(.default, on: Self.makeCorpus(seed: seed))
            let rates = NewsCorpus.Edit.allCases.map { "\($0.rawValue) \(Self.rate(m.edits[$0]!, { $0 <= 3 }))" }
            lines.append("seed \(seed): " + rates.joined(separator: ", ") + "; same-topic min \(m.sameTopic.min()!)")
            #expect(m.sameTopic.allSatisfy { $0 > 3 }, "seed \(seed): \(Self.histogram(m.sameTopic))")
        }
        print("default fingerprint on other seeds, within k=3:\n" + lines.joined(separator: "\n"))
    }
}
