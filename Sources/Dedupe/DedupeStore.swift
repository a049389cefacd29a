import Foundation
import Storage
#if canImport(Glibc)
import Glibc
#endif

/// The set of content hashes already published for one partition of `articles.candidates`
/// (= the same partition of `articles.clean`), kept in one SQLite file.
///
/// The store is a cache of `articles.clean`: ``appliedOffset`` says up to which clean offset it
/// has applied the topic, so a worker that is assigned partition p restores the store by reading
/// clean partition p from ``appliedOffset`` to the high watermark (``record(_:eventTime:cleanOffset:)``
/// for each event), and a deleted store is rebuilt from offset 0.
///
/// **One file per partition** (`<directory>/<topic>-<partition>.sqlite`) rather than one file
/// with a partition column: ownership moves per partition in a rebalance, so a partition's
/// state is opened, restored, closed and deleted on its own; two owned partitions never contend
/// for one write lock; and dropping a partition is a file delete, not a `DELETE` over millions
/// of rows.
///
/// Writes are batched: a transaction stays open and is committed every `batchSize` records and by
/// ``flush()`` (the worker flushes before committing Kafka offsets). Lookups through the same
/// connection see the writes not yet committed. A crash loses at most the uncommitted batch,
/// whose events are still in the topic after ``appliedOffset`` and come back on restore.
///
/// Retention: each hash keeps its event time (seconds since the epoch, the clean event's Kafka
/// timestamp); ``purge(olderThan:)`` forgets the older ones. The purge scans the table (no
/// secondary index: an index on event time would slow every insert, the hot path, to save a
/// scan that runs once an hour).
///
/// Not thread-safe: one store belongs to one task.
public final class DedupeStore {
    /// The SQLite file.
    public let path: String
    /// The candidates/clean partition this store holds.
    public let partition: Int32
    /// The next `articles.clean` offset to apply (0 for a new store).
    public private(set) var appliedOffset: Int64
    /// Records written since the store was opened (including restore).
    public private(set) var recordedCount = 0

    private let database: SQLiteDatabase
    private let lookup: SQLiteStatement
    private let insert: SQLiteStatement
    private let saveOffset: SQLiteStatement
    private let batchSize: Int
    private var pendingWrites = 0
    private var inTransaction = false
    private var closed = false
    /// The first failed write (insert or commit). SQLite may have rolled the open batch back, so
    /// neither the store's content nor its applied offset can be trusted any more: every later
    /// operation throws this error, and nothing more is committed (a commit of the applied
    /// offset after a rolled-back batch would make the next restore skip published hashes).
    public private(set) var writeFailure: DedupeError?
    /// The file's device and inode when opened, to notice it being deleted or replaced.
    private var fileIdentity: (device: UInt64, inode: UInt64)?

    /// Opens (creating if needed) the store of `partition` in `directory`.
    /// - Parameters:
    ///   - name: a prefix for the file name (the candidates topic, so two pipelines sharing a
    ///     directory do not mix).
    ///   - batchSize: records per transaction.
    public init(directory: String, name: String, partition: Int32, batchSize: Int = 512) throws(DedupeError) {
        let path = DedupeStore.path(directory: directory, name: name, partition: partition)
        self.path = path
        self.partition = partition
        self.batchSize = max(1, batchSize)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw DedupeError(path: path, operation: "create directory", message: "\(error)")
        }
        do throws(SQLiteError) {
            let db = try SQLiteDatabase(path: path)
            try db.execute("""
                CREATE TABLE IF NOT EXISTS seen (
                    hash BLOB PRIMARY KEY NOT NULL,
                    event_time INTEGER NOT NULL,
                    clean_offset INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL) WITHOUT ROWID;
                """)
            let read = try db.prepare("SELECT value FROM meta WHERE name = 'applied_offset'")
            appliedOffset = try read.step() == .row ? read.int64(at: 0) : 0
            database = db
            lookup = try db.prepare("SELECT 1 FROM seen WHERE hash = ?1")
            insert = try db.prepare("INSERT OR IGNORE INTO seen (hash, event_time, clean_offset) VALUES (?1, ?2, ?3)")
            saveOffset = try db.prepare("INSERT INTO meta (name, value) VALUES ('applied_offset', ?1) ON CONFLICT(name) DO UPDATE SET value = excluded.value")
        } catch {
            throw DedupeError(path: path, operation: "open", underlying: error)
        }
        var info = stat()
        if stat(path, &info) == 0 { fileIdentity = (UInt64(info.st_dev), UInt64(info.st_ino)) }
    }

    deinit { close() }

    /// `<directory>/<name>-<partition>.sqlite`, with `/` in `name` replaced.
    public static func path(directory: String, name: String, partition: Int32) -> String {
        let safe = String(name.map { $0 == "/" ? "_" : $0 })
        return (directory.hasSuffix("/") ? directory : directory + "/") + "\(safe)-\(partition).sqlite"
    }

    /// Deletes the store file of `partition` (and its WAL files). The store must be closed.
    public static func remove(directory: String, name: String, partition: Int32) {
        let base = path(directory: directory, name: name, partition: partition)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: base + suffix) }
    }

    /// Moves the store file of `partition` aside as `<file>.broken` (its WAL as `<file>.broken-wal`,
    /// replacing an older pair) so a fresh store can be created in its place; the shared-memory
    /// index is deleted. A file that cannot be renamed is deleted. The store must be closed.
    /// Returns the new path of the moved file, or nil if there was none.
    @discardableResult
    public static func moveAside(directory: String, name: String, partition: Int32) -> String? {
        let base = path(directory: directory, name: name, partition: partition)
        var moved: String?
        for (suffix, asideSuffix) in [("", ".broken"), ("-wal", ".broken-wal")] {
            let from = base + suffix, to = base + asideSuffix
            guard access(from, F_OK) == 0 else { continue }
            unlink(to)
            if rename(from, to) == 0 {
                if suffix.isEmpty { moved = to }
            } else {
                unlink(from)
            }
        }
        unlink(base + "-shm")
        return moved
    }

    /// Checks that the file this store has open is still the store's file: not deleted or
    /// replaced (same device and inode, at least one link) and still starting with SQLite's
    /// header. Cheap (a `stat`, a 16-byte read): the worker runs it every few seconds, because
    /// SQLite itself notices a deleted file only at its next write and overwritten pages only when
    /// it next reads them from disk. Nil when all is well, else what is wrong.
    public func fileProblem() -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return errno == ENOENT ? "the store file was deleted" : "the store file cannot be examined: \(String(cString: strerror(errno)))"
        }
        if let id = fileIdentity, id.device != UInt64(info.st_dev) || id.inode != UInt64(info.st_ino) {
            return "the store file was deleted or replaced (inode \(id.inode) → \(info.st_ino))"
        }
        if info.st_nlink == 0 { return "the store file was deleted" }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return "the store file cannot be opened: \(String(cString: strerror(errno)))" }
        defer { Glibc.close(fd) }
        var header = [UInt8](repeating: 0, count: 16)
        let n = header.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 16, 0) }
        if n == 0 && info.st_size == 0 { return nil } // nothing written yet
        if n != 16 || header != Self.sqliteMagic {
            return "the store file's header was overwritten: it is no longer an SQLite database (\(n) header bytes read)"
        }
        return nil
    }

    /// "SQLite format 3\0", the first 16 bytes of every SQLite database file.
    private static let sqliteMagic: [UInt8] = Array("SQLite format 3".utf8) + [0]

    /// True when `hash` was never recorded: the caller may publish it.
    public func firstSight(_ hash: ContentHash) throws(DedupeError) -> Bool {
        try !contains(hash)
    }

    /// True when `hash` was recorded (including in the uncommitted batch).
    public func contains(_ hash: ContentHash) throws(DedupeError) -> Bool {
        try checkOpen("lookup")
        do throws(SQLiteError) {
            defer { lookup.reset() }
            try lookup.bind(1, blob: hash.bytes)
            return try lookup.step() == .row
        } catch {
            throw DedupeError(path: path, operation: "lookup", underlying: error)
        }
    }

    /// Records `hash` as published at `cleanOffset` of the clean partition, with its event time,
    /// and advances ``appliedOffset`` past `cleanOffset`. Recording a known hash again only
    /// advances the offset. Committed with the batch.
    public func record(_ hash: ContentHash, eventTime: Int64, cleanOffset: Int64) throws(DedupeError) {
        try checkOpen("insert")
        do throws(SQLiteError) {
            try beginIfNeeded()
            defer { insert.reset() }
            try insert.bind(1, blob: hash.bytes)
            try insert.bind(2, eventTime)
            try insert.bind(3, cleanOffset)
            try insert.step()
        } catch {
            throw writeFailed(DedupeError(path: path, operation: "insert", underlying: error))
        }
        recordedCount += 1
        advance(to: cleanOffset + 1)
        pendingWrites += 1
        if pendingWrites >= batchSize { try flush() }
    }

    /// Moves ``appliedOffset`` forward to `nextOffset` without a record (a restore that read past
    /// non-event messages, or found a gap). Never moves it back.
    public func advance(to nextOffset: Int64) {
        if nextOffset > appliedOffset { appliedOffset = nextOffset }
    }

    /// Commits the open batch and the applied offset.
    public func flush() throws(DedupeError) {
        try checkOpen("commit")
        do throws(SQLiteError) {
            try beginIfNeeded()
            defer { saveOffset.reset() }
            try saveOffset.bind(1, appliedOffset)
            try saveOffset.step()
            try database.execute("COMMIT")
            inTransaction = false
            pendingWrites = 0
        } catch {
            throw writeFailed(DedupeError(path: path, operation: "commit", underlying: error))
        }
    }

    /// Forgets hashes whose event time is before `cutoff` (seconds since the epoch).
    /// Returns how many were removed.
    @discardableResult
    public func purge(olderThan cutoff: Int64) throws(DedupeError) -> Int {
        try flush()
        do throws(SQLiteError) {
            let delete = try database.prepare("DELETE FROM seen WHERE event_time < ?1")
            try delete.bind(1, cutoff)
            try delete.step()
            return database.changes
        } catch {
            throw writeFailed(DedupeError(path: path, operation: "purge", underlying: error))
        }
    }

    /// Number of hashes held (a full count: for metrics and tests, not the hot path).
    public func count() throws(DedupeError) -> Int {
        try checkOpen("count")
        do throws(SQLiteError) {
            let s = try database.prepare("SELECT count(*) FROM seen")
            _ = try s.step()
            return Int(s.int64(at: 0))
        } catch {
            throw DedupeError(path: path, operation: "count", underlying: error)
        }
    }

    /// Commits what is pending (best effort, unless a write failed) and closes the file.
    /// Idempotent; the store throws on any use afterwards.
    public func close() {
        if closed { return }
        if inTransaction && writeFailure == nil { try? flush() }
        closeConnection()
    }

    /// Closes the file without committing the open batch (a store whose file is broken: its
    /// content is no longer trusted and is rebuilt from the changelog). Idempotent.
    public func abandon() {
        if closed { return }
        inTransaction = false
        pendingWrites = 0
        closeConnection()
    }

    /// Finalizes the statements, then closes the connection at once: a connection left open
    /// (SQLite defers the close while statements live) would, when it finally closed, delete
    /// `<file>-wal` by name, which by then may belong to a new store at the same path.
    private func closeConnection() {
        closed = true
        lookup.finalize()
        insert.finalize()
        saveOffset.finalize()
        database.close()
    }

    private func checkOpen(_ operation: String) throws(DedupeError) {
        if let writeFailure { throw writeFailure }
        if closed { throw DedupeError(path: path, operation: operation, message: "the store is closed") }
    }

    /// Records the first failed write and rolls the open batch back (whatever SQLite already did).
    private func writeFailed(_ error: DedupeError) -> DedupeError {
        if writeFailure == nil { writeFailure = error }
        if inTransaction {
            try? database.execute("ROLLBACK")
            inTransaction = false
            pendingWrites = 0
        }
        return error
    }

    private func beginIfNeeded() throws(SQLiteError) {
        if !inTransaction {
            try database.execute("BEGIN IMMEDIATE")
            inTransaction = true
        }
    }
}
