/// The `Dedupe` module. See README.md for what it does; this file is its namespace.
public enum DedupeModule {
    /// The module's name, for logs.
    public static let name = "Dedupe"
}
