import ArgumentParser
import Foundation
import Normalization
import Stories
import Telemetry

/// `feedworker bench stories`: the story stage's decision throughput, index size and RSS (issue 12).
struct BenchStoriesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stories",
        abstract: "Story decisions per second, index size and RSS; fingerprint throughput.",
        discussion: """
        One core, in memory (the story stage's hot path; the SQLite store write is batched beside it):
          fingerprint  StoryFingerprint over canonical bodies of ~600 generated words
                       (MB/s, bodies/s);
          decide       StoryDecider.decide on N articles: 80% new (random
                       fingerprints), 15% near duplicates of an earlier one (1-3 bits
                       flipped), 5% updates (a URL seen before); decisions/s, members
                       and stories, RSS before and after;
          baseline     a linear scan over every member for the nearest within 3 (what
                       the 4-block index avoids), on a sample of queries at the final
                       index size.
        """
    )

    @Option(name: .long, help: "Articles to decide.")
    var articles: Int = 1_000_000

    @Option(name: .long, help: "Bodies to fingerprint.")
    var bodies: Int = 5_000

    func run() async throws {
        let clock = ContinuousClock()
        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
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
        let fpTime = seconds(clock.now - start)

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
            inputs.append(StoryArticle(contentHash: String(repeating: "0", count: 48) + StoryHex.hex16(UInt64(i)), fingerprint: fingerprint,
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
        let decideTime = seconds(clock.now - start)
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
        let scanTime = seconds(clock.now - start)

        print("feedworker bench stories: \(articles) articles, one core (checksum \(StoryHex.hex16(checksum)))")
        print(String(format: "  fingerprint   %10.0f bodies/s  %7.1f MB/s   [%d bodies, %.0f bytes each]",
                     Double(bodies) / fpTime, Double(bytes) / fpTime / 1e6, bodies, Double(bytes) / Double(bodies)))
        print(String(format: "  decide        %10.0f decisions/s  (%.2f µs each)", Double(articles) / decideTime, decideTime / Double(articles) * 1e6))
        print("                new=\(counts[.new] ?? 0) near_duplicate=\(counts[.nearDuplicate] ?? 0) update=\(counts[.update] ?? 0) stories=\(storiesStarted)")
        print("  index         \(decider.memberCount) members; RSS \(rssBefore >> 20) MB at start, \(rssInputs >> 20) MB with the inputs built,"
              + " \(rssAfter >> 20) MB after deciding (~\((rssAfter - rssInputs) / Int64(max(1, decider.memberCount))) bytes per member)")
        print(String(format: "  baseline scan %10.0f lookups/s at %d members (the index: %.0f decisions/s)",
                     Double(sample) / scanTime, prints.count, Double(articles) / decideTime))
        if found == 0 { print("  (scan found nothing: check the sample)") }
    }
}

/// 16 lower-case hex digits.
enum StoryHex {
    static func hex16(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
