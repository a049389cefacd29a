import Logging

/// A swift-log `LogHandler` writing one JSON object or logfmt line per record:
/// `ts` (ISO-8601 UTC), `level`, `logger` (the label), `msg`, then the metadata flattened
/// (nested dictionaries as `parent.child`, arrays as `key.0`, `key.1`, …), then `source` and, at
/// `debug`/`trace`, `file:line`. Never writes ANSI escapes (safe for journald and pipes).
public struct StructuredLogHandler: LogHandler {
    /// The logger's label, written as `logger`.
    public let label: String
    /// The line format.
    public let format: LineFormat
    /// Records below this level are dropped.
    public var logLevel: Logger.Level
    /// Handler-level metadata (merged under the record's own metadata).
    public var metadata: Logger.Metadata = [:]
    /// Task-local or context metadata, merged between the handler's and the record's.
    public var metadataProvider: Logger.MetadataProvider?
    private let writer: LineWriter

    /// Creates a handler writing through `writer`.
    public init(
        label: String,
        format: LineFormat,
        level: Logger.Level = .info,
        writer: LineWriter,
        metadataProvider: Logger.MetadataProvider? = nil
    ) {
        self.label = label
        self.format = format
        self.logLevel = level
        self.writer = writer
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() {
            merged.merge(provided) { _, new in new }
        }
        if let recordMetadata = event.metadata {
            merged.merge(recordMetadata) { _, new in new }
        }
        var fields: [LineField] = [
            LineField("ts", .string(Timestamp.nowISO8601())),
            LineField("level", .string(event.level.rawValue)),
            LineField("logger", .string(label)),
            LineField("msg", .string(event.message.description)),
        ]
        for key in merged.keys.sorted() {
            Self.flatten(key: key, value: merged[key]!, into: &fields)
        }
        if !event.source.isEmpty {
            fields.append(LineField("source", .string(event.source)))
        }
        if event.level <= .debug {
            fields.append(LineField("caller", .string("\(Self.basename(event.file)):\(event.line)")))
        }
        writer.write(LineEncoder.encode(fields, format: format))
    }

    /// Flattens one metadata value into fields (`a.b` for dictionaries, `a.0` for arrays).
    static func flatten(key: String, value: Logger.Metadata.Value, into fields: inout [LineField]) {
        switch value {
        case .string(let s): fields.append(LineField(key, .string(s)))
        case .stringConvertible(let c):
            // Typed values (e.g. from MetricsReporter) keep their JSON type.
            if let typed = c as? LineValue {
                fields.append(LineField(key, typed))
            } else if let inline = c as? InlineFields {
                fields.append(contentsOf: inline.fields)
            } else {
                fields.append(LineField(key, .string(c.description)))
            }
        case .dictionary(let d):
            for child in d.keys.sorted() {
                flatten(key: "\(key).\(child)", value: d[child]!, into: &fields)
            }
        case .array(let a):
            for (i, element) in a.enumerated() {
                flatten(key: "\(key).\(i)", value: element, into: &fields)
            }
        }
    }

    static func basename(_ path: String) -> Substring {
        if let slash = path.lastIndex(of: "/") { return path[path.index(after: slash)...] }
        return Substring(path)
    }
}
