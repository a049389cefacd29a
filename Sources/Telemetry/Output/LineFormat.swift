/// How a structured line (a log record or a metrics line) is written: one line per record.
public enum LineFormat: String, Sendable, CaseIterable, Hashable {
    /// One JSON object per line (`{"ts":"…","level":"info",…}`), suitable for `jq` and log shippers.
    case json
    /// logfmt (`ts=… level=info msg="…"`), suitable for reading in `journalctl` and for Loki/Grafana.
    case logfmt

    /// Parses a config value (`"json"`, `"logfmt"`, case-insensitive); `nil` when it is neither.
    public init?(configValue: String) {
        switch configValue.lowercased() {
        case "json": self = .json
        case "logfmt": self = .logfmt
        default: return nil
        }
    }
}

/// A value in a structured line.
public enum LineValue: Sendable, Equatable {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
}

/// One `key=value` field of a structured line, in the order it is written.
public struct LineField: Sendable, Equatable {
    /// The field's key (written as-is in JSON, with unsafe characters replaced by `_` in logfmt).
    public var key: String
    /// The field's value.
    public var value: LineValue

    /// Creates a field.
    public init(_ key: String, _ value: LineValue) {
        self.key = key
        self.value = value
    }
}

/// Encodes fields as one line (terminated by `\n`) in a ``LineFormat``. Never emits ANSI escapes.
public enum LineEncoder {
    /// Returns the encoded line, including its trailing newline.
    public static func encode(_ fields: [LineField], format: LineFormat) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + fields.count * 24)
        switch format {
        case .json:
            out.append(UInt8(ascii: "{"))
            for (i, field) in fields.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                appendJSONString(field.key, to: &out)
                out.append(UInt8(ascii: ":"))
                appendJSONValue(field.value, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .logfmt:
            for (i, field) in fields.enumerated() {
                if i > 0 { out.append(UInt8(ascii: " ")) }
                appendLogfmtKey(field.key, to: &out)
                out.append(UInt8(ascii: "="))
                appendLogfmtValue(field.value, to: &out)
            }
        }
        out.append(UInt8(ascii: "\n"))
        return out
    }

    /// Encodes to a `String` (convenience for tests and sinks that take strings); includes the trailing newline.
    public static func encodeString(_ fields: [LineField], format: LineFormat) -> String {
        String(decoding: encode(fields, format: format), as: UTF8.self)
    }

    // MARK: JSON

    static func appendJSONValue(_ value: LineValue, to out: inout [UInt8]) {
        switch value {
        case .string(let s): appendJSONString(s, to: &out)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d): out.append(contentsOf: formatDouble(d, nonFinite: "null").utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        }
    }

    static func appendJSONString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(byte)
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(byte)
            case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case 0x00..<0x20, 0x7F: appendUnicodeEscape(byte, to: &out)
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    static func appendUnicodeEscape(_ byte: UInt8, to out: inout [UInt8]) {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        out.append(contentsOf: "\\u00".utf8)
        out.append(hex[Int(byte >> 4)])
        out.append(hex[Int(byte & 0x0F)])
    }

    // MARK: logfmt

    static func appendLogfmtKey(_ key: String, to out: inout [UInt8]) {
        if key.isEmpty { out.append(UInt8(ascii: "_")); return }
        for byte in key.utf8 {
            if byte <= 0x20 || byte == 0x7F || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "\"") {
                out.append(UInt8(ascii: "_"))
            } else {
                out.append(byte)
            }
        }
    }

    static func appendLogfmtValue(_ value: LineValue, to out: inout [UInt8]) {
        switch value {
        case .string(let s): appendLogfmtString(s, to: &out)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d): out.append(contentsOf: formatDouble(d, nonFinite: nil).utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        }
    }

    /// Quotes the value when it is empty or holds a space, `=`, `"`, `\` or a control character.
    static func appendLogfmtString(_ s: String, to out: inout [UInt8]) {
        var needsQuotes = s.utf8.isEmpty
        for byte in s.utf8 where byte <= 0x20 || byte == 0x7F || byte == UInt8(ascii: "=")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            needsQuotes = true
            break
        }
        guard needsQuotes else { out.append(contentsOf: s.utf8); return }
        // Inside quotes the escapes are the JSON ones, which logfmt parsers (Go's strconv.Unquote) accept.
        appendJSONString(s, to: &out)
    }

    /// Shortest round-trip form for finite values; non-finite as `nonFinite` (JSON `null`) or `NaN`/`+Inf`/`-Inf`.
    static func formatDouble(_ d: Double, nonFinite: String?) -> String {
        if d.isFinite {
            if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
            return String(d)
        }
        if let nonFinite { return nonFinite }
        return d.isNaN ? "NaN" : (d > 0 ? "+Inf" : "-Inf")
    }
}
