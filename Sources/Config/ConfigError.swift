/// Why a configuration could not be loaded. Every case names where the problem is.
public enum ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// The file is not valid TOML (of the supported subset).
    case syntax(path: String, TOMLError)
    /// A key the configuration does not know (a typo, or a key from another version).
    case unknownKey(key: String, line: Int, path: String)
    /// A known key with a value of the wrong type or out of range.
    case badValue(key: String, line: Int, path: String, reason: String)
    /// An environment variable override with a bad value, or an unknown `FEEDWORKER_` variable.
    case badEnvironment(variable: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            "config: cannot read \(path): \(reason)"
        case .syntax(let path, let e):
            "config: \(path):\(e.line): \(e.message)"
        case .unknownKey(let key, let line, let path):
            "config: \(path):\(line): unknown key '\(key)'"
        case .badValue(let key, let line, let path, let reason):
            "config: \(path):\(line): bad value for '\(key)': \(reason)"
        case .badEnvironment(let variable, let reason):
            "config: environment variable \(variable): \(reason)"
        }
    }
}
