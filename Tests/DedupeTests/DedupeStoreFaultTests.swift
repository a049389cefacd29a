import Foundation
import Storage
import Testing
@testable import Dedupe

private func hash(_ n: UInt64) -> ContentHash { ContentHash(w0: n, w1: ~n, w2: n &* 31, w3: 11) }

private func tempDirectory() -> String {
    let dir = NSTemporaryDirectory() + "dedupe-fault-tests-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// The store's own fault signals: the file check, moving a broken file aside, and the
/// classification of SQLite errors into "rebuild the store" and "the disk is full".
@Suite struct DedupeStoreFaultTests {
    @Test func fileCheckNoticesADeletedFile() throws {
        let dir = tempDirectory()
        let store = try DedupeStore(directory: dir, name: "c", partition: 0)
        try store.record(hash(1), eventTime: 1, cleanOffset: 0)
        try store.flush()
        #expect(store.fileProblem() == nil)
        unlink(store.path)
        #expect(store.fileProblem()?.contains("deleted") == true)
        // SQLite itself keeps working on the unlinked inode in WAL mode: only the check notices.
        #expect(try !store.firstSight(hash(1)))
        store.abandon()
        #expect(throws: DedupeError.self) { _ = try store.contains(hash(1)) }
    }

    @Test func fileCheckNoticesAReplacedFileAndAnOverwrittenHeader() throws {
        let dir = tempDirectory()
        let store = try DedupeStore(directory: dir, name: "c", partition: 1)
        try store.record(hash(2), eventTime: 1, cleanOffset: 0)
        try store.flush()
        let fd = open(store.path, O_WRONLY)
        _ = [UInt8](repeating: 0xA5, count: 100).withUnsafeBytes { pwrite(fd, $0.baseAddress, 100, 0) }
        close(fd)
        #expect(store.fileProblem()?.contains("header was overwritten") == true)
        try FileManager.default.moveItem(atPath: store.path, toPath: store.path + ".old")
        FileManager.default.createFile(atPath: store.path, contents: Data("SQLite format 3\0".utf8))
        #expect(store.fileProblem()?.contains("replaced") == true)
        store.abandon()
    }

    @Test func aBrokenFileIsMovedAsideAndAFreshStoreOpens() throws {
        let dir = tempDirectory()
        do {
            let store = try DedupeStore(directory: dir, name: "c", partition: 2)
            try store.record(hash(3), eventTime: 1, cleanOffset: 5)
            store.close()
        }
        let path = DedupeStore.path(directory: dir, name: "c", partition: 2)
        let fd = open(path, O_WRONLY)
        _ = [UInt8](repeating: 0xA5, count: 4096).withUnsafeBytes { pwrite(fd, $0.baseAddress, 4096, 0) }
        close(fd)
        do {
            _ = try DedupeStore(directory: dir, name: "c", partition: 2)
            Issue.record("a store with an overwritten header opened")
        } catch {
            #expect(error.isStoreBroken, "\(error)")
            #expect(!error.isDiskFull)
            #expect(error.description.contains("not a database"), "\(error)")
        }
        #expect(DedupeStore.moveAside(directory: dir, name: "c", partition: 2) == path + ".broken")
        let fresh = try DedupeStore(directory: dir, name: "c", partition: 2)
        #expect(fresh.appliedOffset == 0, "a fresh store restores from offset 0")
        #expect(try fresh.firstSight(hash(3)))
        #expect(FileManager.default.fileExists(atPath: path + ".broken"))
        fresh.close()
    }

    /// SQLite's own size cap (`max_page_count`) stands in for a full disk: `SQLITE_FULL` is a
    /// full disk, not a broken file (rebuilding would write more).
    @Test func aFullDatabaseIsDiskFullNotBroken() throws {
        let dir = tempDirectory()
        let db = try SQLiteDatabase(path: dir + "/full.sqlite")
        try db.execute("CREATE TABLE t (b BLOB)")
        try db.execute("PRAGMA max_page_count = 8")
        do {
            try db.execute("INSERT INTO t VALUES (zeroblob(200000))")
            Issue.record("insert over max_page_count succeeded")
        } catch {
            #expect(error.isDiskFull, "\(error)")
            #expect(!error.isFileBroken || error.isDiskFull)
            let wrapped = DedupeError(path: "x", operation: "commit", underlying: error)
            #expect(wrapped.isDiskFull)
            #expect(!wrapped.isStoreBroken)
        }
        // An I/O error whose errno says "file too large" (RLIMIT_FSIZE) or "no space" is a full disk too.
        #expect(SQLiteError(code: 778, message: "disk I/O error", context: "COMMIT", systemErrno: EFBIG).isDiskFull)
        #expect(SQLiteError(code: 778, message: "disk I/O error", context: "COMMIT", systemErrno: ENOSPC).isDiskFull)
        #expect(!SQLiteError(code: 778, message: "disk I/O error", context: "COMMIT", systemErrno: EIO).isDiskFull)
        #expect(SQLiteError(code: 778, message: "disk I/O error", context: "COMMIT", systemErrno: EIO).isFileBroken)
        #expect(SQLiteError(code: 1032, message: "attempt to write a readonly database", context: "COMMIT").isFileBroken, "READONLY_DBMOVED")
        #expect(!SQLiteError(code: 5, message: "database is locked", context: "BEGIN").isFileBroken, "BUSY is not a broken file")
    }
}
