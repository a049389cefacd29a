import Foundation
import Testing
@testable import Storage

@Suite struct SQLiteDatabaseTests {
    @Test func roundTripsBlobsTextAndIntegersThroughPreparedStatements() throws {
        let db = try SQLiteDatabase(path: ":memory:")
        try db.execute("CREATE TABLE t (k BLOB PRIMARY KEY, v TEXT, n INTEGER) WITHOUT ROWID")
        let insert = try db.prepare("INSERT INTO t (k, v, n) VALUES (?, ?, ?)")
        try db.transaction {
            for i in 0..<100 {
                try insert.bind(1, blob: [UInt8(i), 0xff, 0x00])
                try insert.bind(2, "value \(i) é")
                try insert.bind(3, Int64(i) * 1_000_000_000)
                try insert.run()
            }
        }
        let select = try db.prepare("SELECT v, n FROM t WHERE k = ?")
        try select.bind(1, blob: [42, 0xff, 0x00])
        #expect(try select.step() == .row)
        #expect(select.string(at: 0) == "value 42 é")
        #expect(select.int64(at: 1) == 42_000_000_000)
        #expect(try select.step() == .done)
        select.reset()
        try select.bind(1, blob: [200, 0xff, 0x00])
        #expect(try select.step() == .done)
    }

    @Test func aFailedTransactionRollsBack() throws {
        struct Boom: Error {}
        let db = try SQLiteDatabase(path: ":memory:")
        try db.execute("CREATE TABLE t (n INTEGER)")
        #expect(throws: Boom.self) {
            try db.transaction {
                try db.execute("INSERT INTO t VALUES (1)")
                throw Boom()
            }
        }
        let count = try db.prepare("SELECT count(*) FROM t")
        #expect(try count.step() == .row)
        #expect(count.int64(at: 0) == 0)
    }

    @Test func badSQLIsATypedErrorWithContext() throws {
        let db = try SQLiteDatabase(path: ":memory:")
        do {
            _ = try db.prepare("SELEKT nothing")
            Issue.record("prepare of invalid SQL succeeded")
        } catch {
            #expect(error.code & 0xff == 1) // SQLITE_ERROR
            #expect(error.context.contains("SELEKT"))
        }
    }

    @Test func opensAFileInWALModeAndReopensItsData() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fw-sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("s.sqlite").path
        do {
            let db = try SQLiteDatabase(path: path)
            try db.execute("CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (7)")
            let mode = try db.prepare("PRAGMA journal_mode")
            #expect(try mode.step() == .row)
            #expect(mode.string(at: 0) == "wal")
        }
        let db = try SQLiteDatabase(path: path)
        let read = try db.prepare("SELECT n FROM t")
        #expect(try read.step() == .row)
        #expect(read.int64(at: 0) == 7)
    }

    @Test func openingAnUnwritablePathFailsWithTheOpenContext() {
        do {
            _ = try SQLiteDatabase(path: "/nonexistent-dir/x/y.sqlite")
            Issue.record("open succeeded")
        } catch {
            #expect(error.context.hasPrefix("open"))
        }
    }
}
