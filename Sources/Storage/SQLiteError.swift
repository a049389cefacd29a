import CSQLite
#if canImport(Glibc)
import Glibc
#endif

/// A failed SQLite call, with the result code, SQLite's message and what was being done.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// The primary or extended SQLite result code (`SQLITE_BUSY`, `SQLITE_CORRUPT`...).
    public let code: Int32
    /// `sqlite3_errmsg` at the time of the failure.
    public let message: String
    /// What the caller was doing ("open /var/lib/feedworker/dedupe-3.sqlite", "prepare ...").
    public let context: String
    /// `sqlite3_system_errno` at the time of the failure (the OS `errno` behind an I/O error:
    /// `ENOSPC`, `EFBIG`...), 0 when none.
    public let systemErrno: Int32
    /// Set when an I/O error came with no room to write (``DiskSpace/fullReason(forDatabaseAt:)``).
    public let diskFullReason: String?

    public init(code: Int32, message: String, context: String, systemErrno: Int32 = 0, diskFullReason: String? = nil) {
        self.code = code
        self.message = message
        self.context = context
        self.systemErrno = systemErrno
        self.diskFullReason = diskFullReason
    }

    /// The symbolic name of the primary result code.
    public var codeName: String { String(cString: sqlite3_errstr(code)) }

    /// Whether retrying later may succeed (locked or busy database).
    public var isTransient: Bool {
        let primary = code & 0xff
        return primary == SQLITE_BUSY || primary == SQLITE_LOCKED
    }

    /// Whether the disk (or the file-size limit) is full: `SQLITE_FULL`, or an I/O error whose
    /// `errno` is `ENOSPC`, `EFBIG` (RLIMIT_FSIZE, file too large) or `EDQUOT`, or that came with
    /// a ``diskFullReason``.
    public var isDiskFull: Bool {
        let primary = code & 0xff
        if primary == SQLITE_FULL { return true }
        return primary == SQLITE_IOERR && (diskFullReason != nil || [ENOSPC, EFBIG, EDQUOT].contains(systemErrno))
    }

    /// Whether the database file itself is unusable: corrupt, not a database, an I/O error, gone
    /// (unlinked or moved while open: `SQLITE_READONLY_DBMOVED`), or no longer openable. The
    /// file's content can no longer be trusted; a cache (the dedupe store) is rebuilt. Check
    /// ``isDiskFull`` first: a full disk is also an I/O error, but rebuilding does not help it.
    public var isFileBroken: Bool {
        let primary = code & 0xff
        return [SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_READONLY].contains(primary)
    }

    public var description: String {
        "SQLite error \(code) (\(codeName)) during \(context): \(message)"
            + (systemErrno != 0 ? " [errno \(systemErrno): \(String(cString: strerror(systemErrno)))]" : "")
            + (diskFullReason.map { " [\($0)]" } ?? "")
    }
}
