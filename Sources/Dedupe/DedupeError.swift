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
}
