import Storage

/// A dedupe store failure, with the store it concerns.
public struct DedupeError: Error, Sendable, CustomStringConvertible {
    /// The store file.
    public var path: String
    /// What was being done.
    public var operation: String
    /// The SQLite error underneath, if any.
    public var underlying: SQLiteError?
    public var message: String

    public init(path: String, operation: String, underlying: SQLiteError? = nil, message: String? = nil) {
        self.path = path
        self.operation = operation
        self.underlying = underlying
        self.message = message ?? underlying?.description ?? "failed"
    }

    public var description: String { "dedupe store \(path): \(operation): \(message)" }

    /// The operation name of a failed ``DedupeStore/fileProblem()`` check.
    public static let fileCheck = "file check"

    /// The disk (or the file-size limit) is full: writing fails, and rebuilding the store would
    /// not help (it writes more).
    public var isDiskFull: Bool { underlying?.isDiskFull ?? false }

    /// The store's file is unusable (corrupt, not a database, deleted or replaced, I/O error)
    /// but the disk is not full: the store should be moved aside and rebuilt from the changelog.
    public var isStoreBroken: Bool {
        if operation == Self.fileCheck { return true }
        guard let underlying else { return false }
        return underlying.isFileBroken && !underlying.isDiskFull
    }
}
