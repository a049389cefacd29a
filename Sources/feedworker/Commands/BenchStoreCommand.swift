import ArgumentParser
import Dedupe
import Foundation
import Storage

/// `feedworker bench store`: dedupe store lookups + inserts per second beside in-memory and autocommit baselines.
struct BenchStoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Dedupe store throughput: first-sight lookups + inserts, then repeat lookups, on disk.",
        discussion: """
        Measures, in one run, on N distinct pseudo-random SHA-256-sized hashes:
          new       per hash: DedupeStore.firstSight (a miss) then record (insert),
                    batched transactions;
          repeat    per hash: DedupeStore.firstSight again (a hit);
          mixed     70% repeats / 30% new, the shape of a feed re-listing old entries.
        Baselines beside them: the same sequence on a Swift Set<ContentHash> in memory (the ceiling), \
        and raw SQLite autocommit inserts (one transaction per insert, the floor batching avoids).
        """
    )

    @Option(name: .long, help: "Number of distinct hashes.")
    var hashes: Int = 200_000

    @Option(name: .long, help: "Directory for the store file (a fresh temporary one by default).")
    var directory: String?

    @Option(name: .long, help: "Records per transaction.")
    var batchSize: Int = 4096

    func run() async throws {
        let dir = directory ?? NSTemporaryDirectory() + "feedworker-bench-store-\(UUID().uuidString)"
        defer { if directory == nil { try? FileManager.default.removeItem(atPath: dir) } }
        var rng = SplitMix64(seed: 42)
        let keys = (0..<hashes).map { _ in ContentHash(w0: rng.next(), w1: rng.next(), w2: rng.next(), w3: rng.next()) }
        let fresh = (0..<hashes).map { _ in ContentHash(w0: rng.next(), w1: rng.next(), w2: rng.next(), w3: rng.next()) }
        print("feedworker bench store: \(hashes) hashes, batch \(batchSize), \(dir)")
        let clock = ContinuousClock()

        DedupeStore.remove(directory: dir, name: "bench", partition: 0)
        let store = try DedupeStore(directory: dir, name: "bench", partition: 0, batchSize: batchSize)
        var start = clock.now
        var offset: Int64 = 0
        for h in keys where try store.firstSight(h) {
            try store.record(h, eventTime: 1_700_000_000, cleanOffset: offset)
            offset += 1
        }
        try store.flush()
        let newTime = clock.now - start
        start = clock.now
        var hits = 0
        for h in keys where try !store.firstSight(h) { hits += 1 }
        let repeatTime = clock.now - start
        start = clock.now
        var mixedNew = 0
        var mixedOps = 0
        for i in 0..<hashes {
            let h = i % 10 < 7 ? keys[(i &* 7919) % hashes] : fresh[i]
            mixedOps += 1
            if try store.firstSight(h) {
                try store.record(h, eventTime: 1_700_000_000, cleanOffset: offset)
                offset += 1
                mixedNew += 1
                mixedOps += 1
            }
        }
        try store.flush()
        let mixedTime = clock.now - start
        store.close()
        guard hits == hashes else { throw ValidationError("store lost hashes: \(hits) of \(hashes) found") }

        // Baseline: Swift Set.
        var set = Set<ContentHash>()
        start = clock.now
        for h in keys where !set.contains(h) { set.insert(h) }
        let setNew = clock.now - start
        start = clock.now
        var setHits = 0
        for h in keys where set.contains(h) { setHits += 1 }
        let setRepeat = clock.now - start

        // Floor: autocommit inserts (one transaction each), on a sample.
        let sample = min(hashes, 2_000)
        let rawPath = dir + "/autocommit.sqlite"
        let db = try SQLiteDatabase(path: rawPath)
        try db.execute("CREATE TABLE IF NOT EXISTS seen (hash BLOB PRIMARY KEY, event_time INTEGER, clean_offset INTEGER) WITHOUT ROWID")
        let insert = try db.prepare("INSERT OR IGNORE INTO seen VALUES (?1, ?2, ?3)")
        start = clock.now
        for h in keys.prefix(sample) {
            try insert.bind(1, blob: h.bytes)
            try insert.bind(2, 1_700_000_000)
            try insert.bind(3, 0)
            try insert.step()
            insert.reset()
        }
        let rawTime = clock.now - start

        func rate(_ ops: Int, _ d: Duration) -> String {
            let s = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
            return String(format: "%12.0f ops/s", Double(ops) / max(s, 1e-9))
        }
        print("  new     (lookup miss + insert) \(rate(2 * hashes, newTime))   [\(hashes) hashes, \(2 * hashes) ops]")
        print("  repeat  (lookup hit)           \(rate(hashes, repeatTime))")
        print("  mixed   (70% hit / 30% new)    \(rate(mixedOps, mixedTime))   [\(mixedNew) new]")
        print("  baseline Set<ContentHash> new  \(rate(2 * hashes, setNew))")
        print("  baseline Set<ContentHash> hit  \(rate(setHits, setRepeat))")
        print("  floor   autocommit insert      \(rate(sample, rawTime))   [\(sample) inserts]")
    }
}

/// A small deterministic generator for benchmark inputs.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
