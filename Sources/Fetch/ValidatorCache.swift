import Storage

/// Per-URL conditional-GET validators in SQLite: `url → etag, last_modified, updated_at`.
///
/// An actor owning one connection. Lookups and upserts are single prepared statements (sub-millisecond),
/// so they run on the actor directly.
public actor ValidatorCache {
    private let database: SQLiteDatabase
    private let select: SQLiteStatement
    private let upsert: SQLiteStatement
    private let remove: SQLiteStatement
    private let purgeOld: SQLiteStatement

    /// Opens (creating) the cache at `path` (`:memory:` for a throwaway cache).
    public init(path: String) throws(SQLiteError) {
        let database = try SQLiteDatabase(path: path)
        try database.execute("""
            CREATE TABLE IF NOT EXISTS http_validators (
                url TEXT PRIMARY KEY,
                etag TEXT,
                last_modified TEXT,
                updated_at INTEGER NOT NULL
            ) WITHOUT ROWID
            """)
        self.database = database
        self.select = try database.prepare("SELECT etag, last_modified FROM http_validators WHERE url = ?1")
        self.upsert = try database.prepare("""
            INSERT INTO http_validators (url, etag, last_modified, updated_at) VALUES (?1, ?2, ?3, ?4)
            ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
                                           updated_at = excluded.updated_at
            """)
        self.remove = try database.prepare("DELETE FROM http_validators WHERE url = ?1")
        self.purgeOld = try database.prepare("DELETE FROM http_validators WHERE updated_at < ?1")
    }

    /// Forgets URLs not fetched since `cutoff` (seconds since 1970); returns how many were removed.
    @discardableResult
    public func purge(updatedBefore cutoff: Int64) throws(SQLiteError) -> Int {
        try purgeOld.bind(1, cutoff)
        try purgeOld.run()
        return database.changes
    }

    /// The stored validators of `url`, if any.
    public func validators(for url: String) throws(SQLiteError) -> Validators? {
        defer { select.reset() }
        try select.bind(1, url)
        guard try select.step() == .row else { return nil }
        let found = Validators(etag: select.string(at: 0), lastModified: select.string(at: 1))
        return found.isEmpty ? nil : found
    }

    /// Stores (or, when empty, forgets) the validators of `url`. `now` is seconds since 1970.
    public func store(_ validators: Validators, for url: String, now: Int64) throws(SQLiteError) {
        if validators.isEmpty {
            try remove.bind(1, url)
            try remove.run()
            return
        }
        try upsert.bind(1, url)
        if let etag = validators.etag { try upsert.bind(2, etag) } else { try upsert.bindNull(2) }
        if let lastModified = validators.lastModified { try upsert.bind(3, lastModified) } else { try upsert.bindNull(3) }
        try upsert.bind(4, now)
        try upsert.run()
    }
}
