import CSQLite

/// One SQLite connection, owned by exactly one Swift object and closed exactly once.
///
/// Not thread-safe by itself: confine a connection to one task or actor (the dedupe store does).
/// Opened in WAL mode with `synchronous=NORMAL`, the usual setting for a cache of a durable log:
/// a power loss may forget the last transactions, which the Kafka changelog restores.
public final class SQLiteDatabase {
    /// How to open the database.
    public struct Options: Sendable {
        /// WAL journal (readers do not block the writer). Ignored for `:memory:`.
        public var walJournal: Bool = true
        /// `PRAGMA synchronous`: "OFF", "NORMAL" or "FULL".
        public var synchronous: String = "NORMAL"
        /// Page cache size in KiB.
        public var cacheSizeKiB: Int = 64 * 1024
        /// How long a statement waits on a lock before failing with SQLITE_BUSY.
        public var busyTimeoutMilliseconds: Int32 = 5_000
        public init() {}
    }

    /// The path given to `open` (`:memory:` for an in-memory database).
    public let path: String
    private var handle: OpaquePointer?

    /// Opens (creating if needed) the database at `path`.
    public init(path: String, options: Options = .init()) throws(SQLiteError) {
        self.path = path
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            let systemErrno = db.map { sqlite3_system_errno($0) } ?? 0
            sqlite3_close_v2(db)
            throw SQLiteError(code: rc, message: message, context: "open \(path)", systemErrno: systemErrno)
        }
        handle = db
        sqlite3_busy_timeout(db, options.busyTimeoutMilliseconds)
        sqlite3_extended_result_codes(db, 1)
        if options.walJournal && path != ":memory:" {
            try execute("PRAGMA journal_mode=WAL")
        }
        try execute("PRAGMA synchronous=\(options.synchronous)")
        try execute("PRAGMA cache_size=-\(options.cacheSizeKiB)")
        try execute("PRAGMA temp_store=MEMORY")
    }

    deinit { close() }

    /// Closes the connection. Safe to call more than once; statements must be finalized first.
    public func close() {
        if let handle {
            sqlite3_close_v2(handle)
            self.handle = nil
        }
    }

    /// Runs one or more SQL statements that return no rows we need.
    public func execute(_ sql: String) throws(SQLiteError) {
        let db = try connection(for: sql)
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(db, sql, nil, nil, &errorMessage)
        if rc != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(db))
            sqlite3_free(errorMessage)
            throw SQLiteError(code: rc, message: message, context: "execute \(sql.prefix(80))",
                              systemErrno: sqlite3_system_errno(db), diskFullReason: diskFullReason(rc))
        }
    }

    /// Compiles `sql` into a reusable prepared statement.
    public func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        let db = try connection(for: sql)
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            throw SQLiteError(code: rc, message: String(cString: sqlite3_errmsg(db)), context: "prepare \(sql.prefix(80))")
        }
        return SQLiteStatement(handle: statement, database: self, sql: sql)
    }

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`, rolling back if it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Rows changed by the last INSERT/UPDATE/DELETE.
    public var changes: Int { handle.map { Int(sqlite3_changes($0)) } ?? 0 }

    func lastError(_ code: Int32, context: String) -> SQLiteError {
        SQLiteError(code: code, message: handle.map { String(cString: sqlite3_errmsg($0)) } ?? "closed", context: context,
                    systemErrno: handle.map { sqlite3_system_errno($0) } ?? 0, diskFullReason: diskFullReason(code))
    }

    /// After an I/O or full error, why there is no room to write (nil otherwise, or when there is room).
    private func diskFullReason(_ code: Int32) -> String? {
        let primary = code & 0xff
        guard primary == SQLITE_IOERR || primary == SQLITE_FULL, path != ":memory:" else { return nil }
        return DiskSpace.fullReason(forDatabaseAt: path)
    }

    private func connection(for sql: String) throws(SQLiteError) -> OpaquePointer {
        guard let handle else {
            throw SQLiteError(code: SQLITE_MISUSE, message: "database is closed", context: String(sql.prefix(80)))
        }
        return handle
    }
}
