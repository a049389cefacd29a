import Foundation
import Normalization
import Stories
import Telemetry

/// The story stage's decision throughput, index size and RSS, and fingerprint throughput, on one
/// core in memory (for `feedworker bench stories`).
public struct StoriesBenchmark: Sendable {
    /// What to measure.
    public struct Options: Sendable, Equatable {
        /// Articles to decide.
        public var articles: Int
        /// Bodies to fingerprint.
        public var bodies: Int

        /// Creates the options.
        public init(articles: Int, bodies: Int) {
            self.articles = articles
            self.bodies = bodies
        }
    }

    /// The options this benchmark runs with.
    public let options: Options

    /// Creates the benchmark.
    public init(_ options: Options) { self.options = options }

    /// Measures fingerprints, decisions and the linear-scan baseline, and hands each printable line
    /// to `report`, in order.
    /// - Throws: the errors of creating a `StoryDecider`.
    public func run(report: (String) -> Void) throws {
        let articles = options.articles, bodies = options.bodies
        let clock = ContinuousClock()
        var rng = SplitMix64(seed: 12)

        // Fingerprints over generated canonical bodies.
        let vocabulary = (0..<20_000).map { i -> String in
            let syllables = ["ka", "lo", "mi", "ren", "tu", "sal", "ve", "dor", "ni", "pa", "qua", "ro", "sen", "ti", "bel", "gar"]
            var w = ""
            var n = i + 17
            repeat { w += syllables[n % 16]; n /= 16 } while n > 0
            return w
        }
        let texts: [[UInt8]] = (0..<min(bodies, 500)).map { _ in
            let topic = (0..<15).map { _ in vocabulary[Int(rng.next() % 20_000)] }
            let words = (0..<600).map { _ in rng.next() % 3 == 0 ? topic[Int(rng.next() % 15)] : vocabulary[Int(rng.next() % 20_000)] }
            return CanonicalText.normalize(validUTF8: Array(words.joined(separator: " ").utf8))
        }
        var checksum: UInt64 = 0
        var bytes = 0
        var start = clock.now
        for i in 0..<bodies {
            let t = texts[i % texts.count]
            checksum = checksum &* 31 &+ StoryFingerprint.compute(t)
            bytes += t.count
        }
        let fpTime = (clock.now - start).inSeconds

        // Decisions.
        let rssBefore = ProcessStats.residentBytes() ?? 0
        var decider = try StoryDecider()
        var prints: [UInt64] = []
        prints.reserveCapacity(articles)
        var counts: [StoryRelation: Int] = [:]
        var storiesStarted = 0
        // The inputs first (hashes, URLs, fingerprints), so only the decisions are timed.
        var inputs: [StoryArticle] = []
        inputs.reserveCapacity(articles)
        for i in 0..<articles {
            let roll = rng.next() % 100
            var fingerprint = rng.next()
            var url = "https://site.example/\(i)"
            if roll < 15, !prints.isEmpty {
                fingerprint = prints[Int(rng.next() % UInt64(prints.count))]
                for _ in 0..<(1 + Int(rng.next() % 3)) { fingerprint ^= 1 << (rng.next() % 64) }
            } else if roll < 20, i > 0 {
                url = "https://site.example/\(rng.next() % UInt64(i))"
            }
            prints.append(fingerprint)
            inputs.append(StoryArticle(contentHash: String(repeating: "0", count: 48) + hex16(UInt64(i)), fingerprint: fingerprint,
                                       canonicalURL: url, entryID: nil, time: 1_800_000_000 + Int64(i)))
        }
        let rssInputs = ProcessStats.residentBytes() ?? 0
        start = clock.now
        for article in inputs {
            if let d = decider.decide(article) {
                counts[d.relation, default: 0] += 1
                if d.relation == .new { storiesStarted += 1 }
            }
        }
        let decideTime = (clock.now - start).inSeconds
        let rssAfter = ProcessStats.residentBytes() ?? 0

        // Baseline: linear scan for the nearest within 3, on a sample.
        let sample = min(2_000, articles)
        start = clock.now
        var found = 0
        for q in 0..<sample {
            let target = prints[(q &* 7919) % prints.count] ^ 1
            var best = 4
            for p in prints where StoryFingerprint.distance(p, target) < best { best = StoryFingerprint.distance(p, target) }
            if best <= 3 { found += 1 }
        }
        let scanTime = (clock.now - start).inSeconds

        report("feedworker bench stories: \(articles) articles, one core (checksum \(hex16(checksum)))")
        report(String(format: "  fingerprint   %10.0f bodies/s  %7.1f MB/s   [%d bodies, %.0f bytes each]",
                      Double(bodies) / fpTime, Double(bytes) / fpTime / 1e6, bodies, Double(bytes) / Double(bodies)))
        report(String(format: "  decide        %10.0f decisions/s  (%.2f µs each)", Double(articles) / decideTime, decideTime / Double(articles) * 1e6))
        report("                new=\(counts[.new] ?? 0) near_duplicate=\(counts[.nearDuplicate] ?? 0) update=\(counts[.update] ?? 0) stories=\(storiesStarted)")
        report("  index         \(decider.memberCount) members; RSS \(rssBefore >> 20) MB at start, \(rssInputs >> 20) MB with the inputs built,"
               + " \(rssAfter >> 20) MB after deciding (~\((rssAfter - rssInputs) / Int64(max(1, decider.memberCount))) bytes per member)")
        report(String(format: "  baseline scan %10.0f lookups/s at %d members (the index: %.0f decisions/s)",
                      Double(sample) / scanTime, prints.count, Double(articles) / decideTime))
        if found == 0 { report("  (scan found nothing: check the sample)") }
    }

    /// 16 lower-case hex digits.
    private func hex16(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
