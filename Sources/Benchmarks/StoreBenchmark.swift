import Dedupe
import Foundation
import Storage

/// Dedupe store lookups + inserts per second on disk, beside an in-memory `Set` ceiling and a
/// SQLite autocommit floor (for `feedworker bench store`).
public struct StoreBenchmark: Sendable {
    /// What to measure.
    public struct Options: Sendable, Equatable {
        /// Number of distinct hashes.
        public var hashes: Int
        /// Folder for the store file; `nil` for a fresh temporary one, removed at the end.
        public var directory: String?
        /// Records per transaction.
        public var batchSize: Int

        /// Creates the options.
        public init(hashes: Int, directory: String?, batchSize: Int) {
            self.hashes = hashes
            self.directory = directory
            self.batchSize = batchSize
        }
    }

    /// The options this benchmark runs with.
    public let options: Options

    /// Creates the benchmark.
    public init(_ options: Options) { self.options = options }

    /// Measures the store and hands each printable line to `report`, in order.
    /// - Throws: ``BenchmarkError/storeLostHashes(found:expected:)`` when a recorded hash is not
    ///   found again, and the store's and SQLite's errors.
    public func run(report: (String) -> Void) throws {
        let hashes = options.hashes, batchSize = options.batchSize
        let dir = options.directory ?? NSTemporaryDirectory() + "feedworker-bench-store-\(UUID().uuidString)"
        defer { if options.directory == nil { try? FileManager.default.removeItem(atPath: dir) } }
        var rng = SplitMix64(seed: 42)
        let keys = (0..<hashes).map { _ in ContentHash(w0: rng.next(), w1: rng.next(), w2: rng.next(), w3: rng.next()) }
        let fresh = (0..<hashes).map { _ in ContentHash(w0: rng.next(), w1: rng.next(), w2: rng.next(), w3: rng.next()) }
        report("feedworker bench store: \(hashes) hashes, batch \(batchSize), \(dir)")
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
        guard hits == hashes else { throw BenchmarkError.storeLostHashes(found: hits, expected: hashes) }

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
            String(format: "%12.0f ops/s", Double(ops) / max(d.inSeconds, 1e-9))
        }
        report("  new     (lookup miss + insert) \(rate(2 * hashes, newTime))   [\(hashes) hashes, \(2 * hashes) ops]")
        report("  repeat  (lookup hit)           \(rate(hashes, repeatTime))")
        report("  mixed   (70% hit / 30% new)    \(rate(mixedOps, mixedTime))   [\(mixedNew) new]")
        report("  baseline Set<ContentHash> new  \(rate(2 * hashes, setNew))")
        report("  baseline Set<ContentHash> hit  \(rate(setHits, setRepeat))")
        report("  floor   autocommit insert      \(rate(sample, rawTime))   [\(sample) inserts]")
    }
}
