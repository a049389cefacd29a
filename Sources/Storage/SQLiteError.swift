import CSQLite

/// A failed SQLite call, with the result code, SQLite's message and what was being done.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// The primary or extended SQLite result code (`SQLITE_BUSY`, `SQLITE_CORRUPT`...).
    public let code: Int32
    /// `sqlite3_errmsg` at the time of the failure.
    public let message: String
    /// What the caller was doing ("open /var/lib/feedworker/dedupe-3.sqlite", "prepare ...").
    public let context: String

    public init(code: Int32, message: String, context: String) {
        self.code = code
        self.message = message
        self.context = context
    }

    /// The symbolic name of the primary result code.
    public var codeName: String { String(cString: sqlite3_errstr(code)) }

    /// Whether retrying later may succeed (locked or busy database).
    public var isTransient: Bool {
        let primary = code & 0xff
        return primary == SQLITE_BUSY || primary == SQLITE_LOCKED
    }

    public var description: String { "SQLite error \(code) (\(codeName)) during \(context): \(message)" }
}
