import Testing
@testable import Stories
import TestSupport

private func hex(_ n: Int) -> String {
    let s = String(n, radix: 16)
    return String(repeating: "0", count: 64 - s.count) + s
}

private func article(_ n: Int, _ fingerprint: UInt64, url: String? = nil, entry: String? = nil, time: Int64 = 1_000_000) -> StoryArticle {
    StoryArticle(contentHash: hex(n), fingerprint: fingerprint, canonicalURL: url, entryID: entry, time: time)
}

@Suite struct SimHashIndexTests {
    /// Pigeonhole: every member within 3 bits is found, whichever bits differ; none farther.
    @Test func findsEveryMemberWithinThreeBits() {
        var rng = SplitMix64(seed: 7)
        var index = SimHashIndex()
        var prints: [UInt64] = []
        for slot in 0..<2_000 {
            let f = rng.next()
            prints.append(f)
            index.insert(slot, fingerprint: f)
        }
        for trial in 0..<500 {
            let base = prints[trial]
            var q = base
            let flips = trial % 5 // 0...4 bits flipped
            var used = Set<Int>()
            while used.count < flips { used.insert(Int(rng.next() % 64)) }
            for b in used { q ^= 1 << UInt64(b) }
            let found = index.nearest(to: q, within: 3)
            if flips <= 3 {
                #expect(found?.slot == trial && found?.distance == flips)
            } else {
                #expect(found == nil || found!.distance <= 3)
                #expect(found?.slot != trial)
            }
        }
        #expect(index.count == 2_000)
    }

    @Test func removeAndAll() {
        var index = SimHashIndex()
        index.insert(1, fingerprint: 0b1111)
        index.insert(2, fingerprint: 0b0111)
        index.insert(3, fingerprint: 0xFFFF_0000_0000_0000)
        #expect(index.all(near: 0b1111, within: 3).map(\.slot) == [1, 2])
        #expect(index.nearest(to: 0b0011, within: 3)?.slot == 2)
        index.remove(2)
        #expect(index.all(near: 0b1111, within: 3).map(\.slot) == [1])
        #expect(index.count == 2)
        index.insert(1, fingerprint: 0xFFFF_0000_0000_0001) // moved
        #expect(index.nearest(to: 0b1111, within: 3) == nil)
        #expect(index.nearest(to: 0xFFFF_0000_0000_0000, within: 1)?.slot == 3)
    }
}

@Suite struct StoryDeciderTests {
    @Test func newNearDuplicateAndIdempotent() throws {
        var d = try StoryDecider()
        let firstDecision = d.decide(article(1, 0xF0F0_F0F0_F0F0_F0F0))
        let first = try #require(firstDecision)
        #expect(first.relation == .new && first.storyID == hex(1) && first.distance == 0 && first.version == 1)
        let copyDecision = d.decide(article(2, 0xF0F0_F0F0_F0F0_F0F0 ^ 0b101))
        let copy = try #require(copyDecision)
        #expect(copy.relation == .nearDuplicate && copy.storyID == hex(1) && copy.distance == 2 && copy.supersedes == nil)
        let farDecision = d.decide(article(3, 0xF0F0_F0F0_F0F0_F0F0 ^ 0b1111_0000))
        let far = try #require(farDecision)
        #expect(far.relation == .new && far.storyID == hex(3))
        let again = d.decide(article(2, 0))
        #expect(again == nil, "a content hash is decided once")
        #expect(d.memberCount == 3)
    }

    @Test func sameURLNewHashIsAnUpdate() throws {
        var d = try StoryDecider()
        _ = d.decide(article(1, 0x1234, url: "https://a.example/x"))
        let u1Decision = d.decide(article(2, ~0x1234, url: "https://a.example/x"))
        let u1 = try #require(u1Decision)
        #expect(u1.relation == .update && u1.storyID == hex(1) && u1.supersedes == hex(1) && u1.version == 2)
        #expect(u1.distance == 64)
        let u2Decision = d.decide(article(3, 0x5555, url: "https://a.example/x"))
        let u2 = try #require(u2Decision)
        #expect(u2.supersedes == hex(2) && u2.version == 3 && u2.storyID == hex(1))
        // Entry id works the same way when the URL is missing.
        _ = d.decide(article(4, 0xAAAA_0000_0000_0000, entry: "guid-9"))
        let u3Decision = d.decide(article(5, 0x0000_0000_AAAA_0000, entry: "guid-9"))
        let u3 = try #require(u3Decision)
        #expect(u3.relation == .update && u3.supersedes == hex(4))
    }

    @Test func applyRebuildsTheSameState() throws {
        var live = try StoryDecider()
        var decisions: [StoryDecision] = []
        var rng = SplitMix64(seed: 3)
        for n in 0..<300 {
            let base = rng.next()
            if let d = live.decide(article(n, n % 3 == 0 || decisions.isEmpty ? base : decisions.last!.article.fingerprint ^ 1,
                                           url: n % 7 == 0 ? "u\(n % 5)" : nil)) { decisions.append(d) }
        }
        var restored = try StoryDecider()
        for d in decisions { restored.apply(d) }
        var a = live, b = restored
        for n in 300..<400 {
            let art = article(n, rng.next() & 0xFFFF_FFFF_0000_0000 | UInt64(n % 4), url: n % 9 == 0 ? "u\(n % 5)" : nil)
            let (x, y) = (a.decide(art), b.decide(art))
            #expect(x == y)
        }
    }

    @Test func windowEvicts() throws {
        var d = try StoryDecider(maxDistance: 3, windowSeconds: 100)
        _ = d.decide(article(1, 0xAB, url: "u", time: 1_000))
        _ = d.decide(article(2, 0xFF00, time: 1_150))
        let evicted = d.evict(before: d.cutoff(now: 1_200))
        #expect(evicted == 1)
        #expect(!d.contains(hex(1)) && d.contains(hex(2)))
        let lateDecision = d.decide(article(3, 0xAB, url: "u", time: 1_210))
        let late = try #require(lateDecision)
        #expect(late.relation == .new, "an evicted story is not joined")
    }

    @Test func rejectsBadSettings() {
        #expect(throws: StoryError.distanceOutOfRange(4)) { try StoryDecider(maxDistance: 4) }
        #expect(throws: StoryError.windowNotPositive(0)) { try StoryDecider(windowSeconds: 0) }
    }
}
