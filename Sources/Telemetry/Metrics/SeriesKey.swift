/// A metric's identity: its label and its dimensions (sorted by key, so order at the call site does not matter).
public struct SeriesKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The metric label (e.g. `feedworker_articles`).
    public let label: String
    /// The dimensions, sorted by key then value.
    public let dimensions: [Dimension]

    /// One label dimension.
    public struct Dimension: Hashable, Sendable, Comparable {
        public let key: String
        public let value: String
        public init(key: String, value: String) { self.key = key; self.value = value }
        public static func < (a: Dimension, b: Dimension) -> Bool {
            (a.key, a.value) < (b.key, b.value)
        }
    }

    /// Creates a key; dimensions are sorted.
    public init(label: String, dimensions: [(String, String)]) {
        self.label = label
        self.dimensions = dimensions.map { Dimension(key: $0.0, value: $0.1) }.sorted()
    }

    /// The name written in lines: `label` or `label{k:v,k2:v2}`, with characters outside
    /// `[A-Za-z0-9_.:/-]` in keys and values replaced by `_` (so logfmt needs no quoting of keys).
    public var description: String {
        guard !dimensions.isEmpty else { return label }
        var s = label
        s += "{"
        for (i, d) in dimensions.enumerated() {
            if i > 0 { s += "," }
            s += Self.sanitize(d.key)
            s += ":"
            s += Self.sanitize(d.value)
        }
        s += "}"
        return s
    }

    static func sanitize(_ text: String) -> String {
        var bytes = Array(text.utf8)
        for i in bytes.indices {
            let b = bytes[i]
            let ok = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || b == UInt8(ascii: "_") || b == UInt8(ascii: ".") || b == UInt8(ascii: ":")
                || b == UInt8(ascii: "/") || b == UInt8(ascii: "-")
            if !ok { bytes[i] = UInt8(ascii: "_") }
        }
        return bytes.isEmpty ? "_" : String(decoding: bytes, as: UTF8.self)
    }

    public static func < (a: SeriesKey, b: SeriesKey) -> Bool {
        if a.label != b.label { return a.label < b.label }
        return a.dimensions.lexicographicallyPrecedes(b.dimensions)
    }
}
