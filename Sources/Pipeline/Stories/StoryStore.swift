import Foundation
import Storage
import Stories

/// The story stage's SQLite cache of `articles.stories` (`<store.path>/<stories topic>.sqlite`):
/// the members inside the window (the decisions that built them, in changelog order), the next
/// clean offset to decide per clean partition, and the stories offset applied up to.
///
/// Like the dedupe store, it is a cache: deleting it loses nothing, the next owner restores it
/// from `articles.stories` offset 0. Writes are batched (one open transaction, committed every
/// `batchSize` records and by ``flush()``); a crash loses at most the open batch, whose events
/// come back from the topic after ``appliedOffset``. Not thread-safe: one owner task.
final class StoryStore {
    let path: String
    /// The next `articles.stories` offset to apply.
    private(set) var appliedOffset: Int64
    /// Next clean offset to decide, per clean partition.
    private(set) var positions: [Int32: Int64] = [:]

    private let database: SQLiteDatabase
    private let insert: SQLiteStatement
    private let savePosition: SQLiteStatement
    private let saveOffset: SQLiteStatement
    private let batchSize: Int
    private var pending = 0
    private var inTransaction = false

    init(directory: String, topic: String, batchSize: Int) throws(SQLiteError) {
        let safe = String(topic.map { $0 == "/" ? "_" : $0 })
        path = (directory.hasSuffix("/") ? directory : directory + "/") + "\(safe).sqlite"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.batchSize = max(1, batchSize)
        let db = try SQLiteDatabase(path: path)
        try db.execute("""
            CREATE TABLE IF NOT EXISTS members (
                seq INTEGER PRIMARY KEY NOT NULL,
                hash TEXT NOT NULL UNIQUE,
                story_id TEXT NOT NULL,
                relation TEXT NOT NULL,
                distance INTEGER NOT NULL,
                supersedes TEXT,
                version INTEGER NOT NULL,
                fingerprint INTEGER NOT NULL,
                canonical_url TEXT,
                time INTEGER NOT NULL
            );
            CREATE TABLE IF NOT EXISTS positions (partition INTEGER PRIMARY KEY NOT NULL, next_offset INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL) WITHOUT ROWID;
            """)
        let read = try db.prepare("SELECT value FROM meta WHERE name = 'applied_offset'")
        appliedOffset = try read.step() == .row ? read.int64(at: 0) : 0
        read.finalize()
        let readPositions = try db.prepare("SELECT partition, next_offset FROM positions")
        while try readPositions.step() == .row {
            positions[Int32(truncatingIfNeeded: readPositions.int64(at: 0))] = readPositions.int64(at: 1)
        }
        readPositions.finalize()
        insert = try db.prepare("""
            INSERT OR IGNORE INTO members (seq, hash, story_id, relation, distance, supersedes, version, fingerprint, canonical_url, time)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
            """)
        savePosition = try db.prepare("INSERT INTO positions (partition, next_offset) VALUES (?1, ?2) ON CONFLICT(partition) DO UPDATE SET next_offset = max(next_offset, excluded.next_offset)")
        saveOffset = try db.prepare("INSERT INTO meta (name, value) VALUES ('applied_offset', ?1) ON CONFLICT(name) DO UPDATE SET value = excluded.value")
        database = db
    }

    deinit { close() }

    /// The held decisions in changelog order (what a decider is rebuilt from).
    func decisions() throws(SQLiteError) -> [StoryDecision] {
        let q = try database.prepare("SELECT hash, story_id, relation, distance, supersedes, version, fingerprint, canonical_url, time FROM members ORDER BY seq")
        defer { q.finalize() }
        var out: [StoryDecision] = []
        while try q.step() == .row {
            let article = StoryArticle(contentHash: q.string(at: 0) ?? "", fingerprint: UInt64(bitPattern: q.int64(at: 6)),
                                       canonicalURL: q.string(at: 7), entryID: nil, time: q.int64(at: 8))
            out.append(StoryDecision(article: article, storyID: q.string(at: 1) ?? "",
                                     relation: StoryRelation(rawValue: q.string(at: 2) ?? "") ?? .new,
                                     distance: Int(q.int64(at: 3)), supersedes: q.string(at: 4), version: Int(q.int64(at: 5))))
        }
        return out
    }

    /// Records `decision`, published at stories offset `offset`, for clean event `clean` (if known).
    func record(_ decision: StoryDecision, storiesOffset offset: Int64, clean: (partition: Int32, offset: Int64)?) throws(SQLiteError) {
        try begin()
        let a = decision.article
        try insert.bind(1, offset)
        try insert.bind(2, a.contentHash)
        try insert.bind(3, decision.storyID)
        try insert.bind(4, decision.relation.rawValue)
        try insert.bind(5, Int64(decision.distance))
        if let s = decision.supersedes { try insert.bind(6, s) } else { try insert.bindNull(6) }
        try insert.bind(7, Int64(decision.version))
        try insert.bind(8, Int64(bitPattern: a.fingerprint))
        if let u = a.canonicalURL { try insert.bind(9, u) } else { try insert.bindNull(9) }
        try insert.bind(10, a.time)
        try insert.run()
        if let clean { try advance(clean.partition, past: clean.offset) }
        appliedOffset = max(appliedOffset, offset + 1)
        try countWrite()
    }

    /// Marks clean offset `offset` of `partition` decided without a story event of its own
    /// (a content hash already decided, or an unreadable event).
    func advance(_ partition: Int32, past offset: Int64) throws(SQLiteError) {
        guard offset + 1 > positions[partition] ?? 0 else { return }
        try begin()
        positions[partition] = offset + 1
        try savePosition.bind(1, Int64(partition))
        try savePosition.bind(2, offset + 1)
        try savePosition.run()
    }

    /// Moves the applied offset (a changelog record that holds no decision, or the high watermark).
    func advanceApplied(to offset: Int64) {
        appliedOffset = max(appliedOffset, offset)
    }

    /// Forgets members older than `cutoff` (seconds); returns how many.
    func purge(before cutoff: Int64) throws(SQLiteError) -> Int {
        try begin()
        let q = try database.prepare("DELETE FROM members WHERE time < ?1")
        defer { q.finalize() }
        try q.bind(1, cutoff)
        try q.run()
        let removed = database.changes
        try flush()
        return removed
    }

    /// Commits the open batch (with the applied offset).
    func flush() throws(SQLiteError) {
        guard inTransaction else { return }
        try saveOffset.bind(1, appliedOffset)
        try saveOffset.run()
        try database.execute("COMMIT")
        inTransaction = false
        pending = 0
    }

    func close() {
        try? flush()
        insert.finalize()
        savePosition.finalize()
        saveOffset.finalize()
        database.close()
    }

    private func begin() throws(SQLiteError) {
        if !inTransaction {
            try database.execute("BEGIN IMMEDIATE")
            inTransaction = true
        }
    }

    private func countWrite() throws(SQLiteError) {
        pending += 1
        if pending >= batchSize { try flush() }
    }
}
