import CSQLite

/// A prepared statement: bind, step, read columns, reset. Finalized exactly once, on deinit.
///
/// Parameters are 1-based as in SQLite; columns are 0-based.
public final class SQLiteStatement {
    /// The result of one `step()`.
    public enum StepResult: Sendable { case row, done }

    /// The SQL text, for error context.
    public let sql: String
    private let handle: OpaquePointer
    private let database: SQLiteDatabase
    private var finalized = false

    init(handle: OpaquePointer, database: SQLiteDatabase, sql: String) {
        self.handle = handle
        self.database = database
        self.sql = sql
    }

    deinit { if !finalized { sqlite3_finalize(handle) } }

    /// Finalizes the statement now (instead of on deinit), so that closing its database closes
    /// the connection at once rather than leaving it open until the statement is released. The
    /// statement must not be used afterwards. Idempotent.
    public func finalize() {
        if !finalized {
            finalized = true
            sqlite3_finalize(handle)
        }
    }

    /// Clears bindings and rewinds, ready for the next execution.
    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    public func bind(_ index: Int32, _ value: Int64) throws(SQLiteError) {
        try check(sqlite3_bind_int64(handle, index, value), "bind int")
    }

    public func bind(_ index: Int32, _ value: String) throws(SQLiteError) {
        try check(sqlite3_bind_text(handle, index, value, -1, transientDestructor), "bind text")
    }

    /// Binds bytes as a BLOB (copied by SQLite).
    public func bind(_ index: Int32, blob: some Collection<UInt8>) throws(SQLiteError) {
        let bytes = Array(blob)
        let rc = bytes.withUnsafeBytes { raw in
            sqlite3_bind_blob(handle, index, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(raw.count), transientDestructor)
        }
        try check(rc, "bind blob")
    }

    public func bindNull(_ index: Int32) throws(SQLiteError) {
        try check(sqlite3_bind_null(handle, index), "bind null")
    }

    /// Advances the statement one row.
    @discardableResult
    public func step() throws(SQLiteError) -> StepResult {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return .row
        case SQLITE_DONE: return .done
        default: throw database.lastError(rc, context: "step \(sql.prefix(80))")
        }
    }

    /// Runs the statement to completion (for INSERT/UPDATE/DELETE), then resets it.
    public func run() throws(SQLiteError) {
        defer { reset() }
        while try step() == .row {}
    }

    public func int64(at column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    public func isNull(at column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    public func string(at column: Int32) -> String? {
        guard let text = sqlite3_column_text(handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    public func blob(at column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let raw = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: raw, count: count).bindMemory(to: UInt8.self))
    }

    private func check(_ rc: Int32, _ what: String) throws(SQLiteError) {
        if rc != SQLITE_OK { throw database.lastError(rc, context: "\(what) in \(sql.prefix(80))") }
    }
}

/// SQLITE_TRANSIENT: SQLite copies the bound value before the call returns.
private let transientDestructor = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
