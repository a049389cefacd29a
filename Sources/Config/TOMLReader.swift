/// A TOML value, as far as the subset read by ``TOMLReader`` goes.
public enum TOMLValue: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case integer(Int64)
    case float(Double)
    case boolean(Bool)
    case array([TOMLValue])
    /// An inline table (`{ a = 1 }`) or a `[section]`, keys in file order.
    case table(TOMLTable)

    /// The name of the value's type, for error messages.
    public var typeName: String {
        switch self {
        case .string: "string"
        case .integer: "integer"
        case .float: "float"
        case .boolean: "boolean"
        case .array: "array"
        case .table: "table"
        }
    }

    /// TOML text for the value (strings quoted and escaped).
    public var description: String {
        switch self {
        case .string(let s): TOMLValue.quote(s)
        case .integer(let i): String(i)
        case .float(let d): String(d)
        case .boolean(let b): b ? "true" : "false"
        case .array(let a): "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .table(let t): "{ " + t.entries.map { "\(TOMLValue.quoteKey($0.key)) = \($0.value.value)" }.joined(separator: ", ") + " }"
        }
    }

    /// A TOML basic string literal for `s`.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// `key` bare when it only has bare-key characters, quoted otherwise.
    public static func quoteKey(_ key: String) -> String {
        let bare = !key.isEmpty && key.utf8.allSatisfy { TOMLReader.isBareKeyByte($0) }
        return bare ? key : quote(key)
    }
}

/// A value with the line it was written on (1-based; 0 for values that came from elsewhere).
public struct TOMLEntry: Sendable, Hashable {
    public var value: TOMLValue
    public var line: Int
    public init(value: TOMLValue, line: Int) {
        self.value = value
        self.line = line
    }
}

/// An ordered table of key → value.
public struct TOMLTable: Sendable, Hashable {
    /// Entries in the order they were first written.
    public private(set) var entries: [(key: String, value: TOMLEntry)] = []
    private var index: [String: Int] = [:]

    public init() {}

    public subscript(key: String) -> TOMLEntry? {
        index[key].map { entries[$0].value }
    }

    /// Adds or replaces `key`.
    public mutating func set(_ key: String, _ entry: TOMLEntry) {
        if let i = index[key] { entries[i].value = entry } else {
            index[key] = entries.count
            entries.append((key, entry))
        }
    }

    public var keys: [String] { entries.map(\.key) }

    public static func == (a: TOMLTable, b: TOMLTable) -> Bool {
        a.entries.count == b.entries.count && zip(a.entries, b.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for e in entries {
            hasher.combine(e.key)
            hasher.combine(e.value)
        }
    }
}

/// Why a TOML document could not be read.
public struct TOMLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 1-based line of the problem.
    public var line: Int
    public var message: String
    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }
    public var description: String { "line \(line): \(message)" }
}

/// Reads the subset of TOML 1.0 a configuration file needs: `[tables]` (dotted names), dotted and
/// quoted keys, basic and literal strings with escapes, integers (with `_`, hex/octal/binary),
/// floats, booleans, arrays (multi-line, trailing comma), inline tables, and comments.
///
/// Not supported (rejected with an error, never misread): multi-line strings, dates and times,
/// arrays of tables (`[[x]]`).
public struct TOMLReader: Sendable {
    public init() {}

    /// Parses `text` into its root table.
    public func parse(_ text: String) throws(TOMLError) -> TOMLTable {
        var parser = Parser(bytes: Array(text.utf8))
        return try parser.document()
    }

    static func isBareKeyByte(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
    }
}

private struct Parser {
    let bytes: [UInt8]
    var pos = 0
    var line = 1

    init(bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { pos >= bytes.count }
    var peek: UInt8? { pos < bytes.count ? bytes[pos] : nil }

    func fail(_ message: String) -> TOMLError { TOMLError(line: line, message: message) }

    mutating func skipSpaces() {
        while let b = peek, b == 0x20 || b == 0x09 { pos += 1 }
    }

    /// Skips spaces, comments and newlines (inside arrays).
    mutating func skipBlank() {
        while let b = peek {
            if b == 0x20 || b == 0x09 || b == 0x0D { pos += 1 }
            else if b == 0x0A { pos += 1; line += 1 }
            else if b == UInt8(ascii: "#") { skipComment() }
            else { break }
        }
    }

    mutating func skipComment() {
        while let b = peek, b != 0x0A { pos += 1 }
    }

    /// After a key/value or header: only spaces and a comment may follow before the newline.
    mutating func endOfLine() throws(TOMLError) {
        skipSpaces()
        if peek == UInt8(ascii: "#") { skipComment() }
        if peek == 0x0D { pos += 1 }
        guard let b = peek else { return }
        guard b == 0x0A else { throw fail("unexpected '\(Character(Unicode.Scalar(b)))' after value (one key = value per line)") }
    }

    mutating func document() throws(TOMLError) -> TOMLTable {
        var root = TOMLTable()
        var current: [String] = []
        var definedTables: Set<[String]> = []
        while true {
            skipBlank()
            guard let b = peek else { break }
            if b == UInt8(ascii: "[") {
                pos += 1
                if peek == UInt8(ascii: "[") { throw fail("arrays of tables ([[...]]) are not supported") }
                skipSpaces()
                let path = try keyPath()
                skipSpaces()
                guard peek == UInt8(ascii: "]") else { throw fail("expected ']' to close the table header") }
                pos += 1
                guard definedTables.insert(path).inserted else {
                    throw fail("table [\(path.joined(separator: "."))] is defined twice")
                }
                try ensureTable(&root, path: path)
                current = path
                try endOfLine()
            } else {
                let keyLine = line
                let path = try keyPath()
                skipSpaces()
                guard peek == UInt8(ascii: "=") else { throw fail("expected '=' after key '\(path.joined(separator: "."))'") }
                pos += 1
                skipSpaces()
                let value = try value()
                try insert(&root, path: current + path, entry: TOMLEntry(value: value, line: keyLine))
                try endOfLine()
            }
        }
        return root
    }

    mutating func keyPath() throws(TOMLError) -> [String] {
        var parts: [String] = []
        while true {
            skipSpaces()
            parts.append(try key())
            skipSpaces()
            if peek == UInt8(ascii: ".") { pos += 1 } else { break }
        }
        return parts
    }

    mutating func key() throws(TOMLError) -> String {
        guard let b = peek else { throw fail("expected a key, found end of file") }
        if b == UInt8(ascii: "\"") { return try basicString() }
        if b == UInt8(ascii: "'") { return try literalString() }
        let start = pos
        while let c = peek, TOMLReader.isBareKeyByte(c) { pos += 1 }
        guard pos > start else { throw fail("expected a key, found '\(Character(Unicode.Scalar(b)))'") }
        return String(decoding: bytes[start..<pos], as: UTF8.self)
    }

    mutating func ensureTable(_ table: inout TOMLTable, path: [String]) throws(TOMLError) {
        guard let first = path.first else { return }
        var child: TOMLTable
        var childLine = line
        if let existing = table[first] {
            guard case .table(let t) = existing.value else { throw fail("'\(first)' is already a \(existing.value.typeName), not a table") }
            child = t
            childLine = existing.line
        } else {
            child = TOMLTable()
        }
        try ensureTable(&child, path: Array(path.dropFirst()))
        table.set(first, TOMLEntry(value: .table(child), line: childLine))
    }

    mutating func insert(_ table: inout TOMLTable, path: [String], entry: TOMLEntry) throws(TOMLError) {
        let first = path[0]
        if path.count == 1 {
            if let existing = table[first] { throw fail("key '\(first)' is already defined on line \(existing.line)") }
            table.set(first, entry)
            return
        }
        var child = TOMLTable()
        var childLine = entry.line
        if let existing = table[first] {
            guard case .table(let t) = existing.value else { throw fail("'\(first)' is a \(existing.value.typeName), not a table") }
            child = t
            childLine = existing.line
        }
        try insert(&child, path: Array(path.dropFirst()), entry: entry)
        table.set(first, TOMLEntry(value: .table(child), line: childLine))
    }

    mutating func value() throws(TOMLError) -> TOMLValue {
        guard let b = peek else { throw fail("expected a value, found end of file") }
        switch b {
        case UInt8(ascii: "\""):
            if pos + 2 < bytes.count && bytes[pos + 1] == b && bytes[pos + 2] == b { throw fail("multi-line strings are not supported") }
            return .string(try basicString())
        case UInt8(ascii: "'"):
            if pos + 2 < bytes.count && bytes[pos + 1] == b && bytes[pos + 2] == b { throw fail("multi-line strings are not supported") }
            return .string(try literalString())
        case UInt8(ascii: "["):
            return try array()
        case UInt8(ascii: "{"):
            return try inlineTable()
        default:
            return try scalar()
        }
    }

    mutating func basicString() throws(TOMLError) -> String {
        pos += 1
        var out: [UInt8] = []
        while true {
            guard let b = peek, b != 0x0A else { throw fail("unterminated string") }
            pos += 1
            if b == UInt8(ascii: "\"") { break }
            if b != UInt8(ascii: "\\") { out.append(b); continue }
            guard let e = peek else { throw fail("unterminated string") }
            pos += 1
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "\""): out.append(e)
            case UInt8(ascii: "\\"): out.append(e)
            case UInt8(ascii: "u"), UInt8(ascii: "U"):
                let count = e == UInt8(ascii: "u") ? 4 : 8
                guard pos + count <= bytes.count,
                      let code = UInt32(String(decoding: bytes[pos..<pos + count], as: UTF8.self), radix: 16),
                      let scalar = Unicode.Scalar(code) else { throw fail("invalid \\\(Character(Unicode.Scalar(e))) escape") }
                pos += count
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            default:
                throw fail("invalid escape '\\\(Character(Unicode.Scalar(e)))' in string")
            }
        }
        guard let s = String(validating: out, as: UTF8.self) else { throw fail("string is not valid UTF-8") }
        return s
    }

    mutating func literalString() throws(TOMLError) -> String {
        pos += 1
        let start = pos
        while true {
            guard let b = peek, b != 0x0A else { throw fail("unterminated string") }
            if b == UInt8(ascii: "'") { break }
            pos += 1
        }
        let s = String(validating: bytes[start..<pos], as: UTF8.self)
        pos += 1
        guard let s else { throw fail("string is not valid UTF-8") }
        return s
    }

    mutating func array() throws(TOMLError) -> TOMLValue {
        pos += 1
        var items: [TOMLValue] = []
        while true {
            skipBlank()
            guard let b = peek else { throw fail("unterminated array") }
            if b == UInt8(ascii: "]") { pos += 1; break }
            items.append(try value())
            skipBlank()
            if peek == UInt8(ascii: ",") { pos += 1; continue }
            guard let c = peek else { throw fail("unterminated array") }
            guard c == UInt8(ascii: "]") else { throw fail("expected ',' or ']' in array") }
        }
        return .array(items)
    }

    mutating func inlineTable() throws(TOMLError) -> TOMLValue {
        pos += 1
        var table = TOMLTable()
        skipSpaces()
        if peek == UInt8(ascii: "}") { pos += 1; return .table(table) }
        while true {
            skipSpaces()
            let keyLine = line
            let path = try keyPath()
            skipSpaces()
            guard peek == UInt8(ascii: "=") else { throw fail("expected '=' in inline table") }
            pos += 1
            skipSpaces()
            let v = try value()
            try insert(&table, path: path, entry: TOMLEntry(value: v, line: keyLine))
            skipSpaces()
            if peek == UInt8(ascii: ",") { pos += 1; continue }
            guard peek == UInt8(ascii: "}") else { throw fail("expected ',' or '}' in inline table (inline tables are one line)") }
            pos += 1
            return .table(table)
        }
    }

    mutating func scalar() throws(TOMLError) -> TOMLValue {
        let start = pos
        while let b = peek, b != 0x20, b != 0x09, b != 0x0A, b != 0x0D, b != UInt8(ascii: ","),
              b != UInt8(ascii: "]"), b != UInt8(ascii: "}"), b != UInt8(ascii: "#") { pos += 1 }
        let token = String(decoding: bytes[start..<pos], as: UTF8.self)
        if token.isEmpty { throw fail("expected a value") }
        if token == "true" { return .boolean(true) }
        if token == "false" { return .boolean(false) }
        if token == "inf" || token == "+inf" { return .float(.infinity) }
        if token == "-inf" { return .float(-.infinity) }
        if token == "nan" || token == "+nan" || token == "-nan" { return .float(.nan) }
        let clean = token.replacingUnderscores()
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where clean.hasPrefix(prefix) {
            guard let v = Int64(clean.dropFirst(2), radix: radix) else { throw fail("invalid integer '\(token)'") }
            return .integer(v)
        }
        if let v = Int64(clean) { return .integer(v) }
        if clean.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let d = Double(clean),
           clean.first.map({ $0.isNumber || $0 == "-" || $0 == "+" }) == true {
            return .float(d)
        }
        if clean.count >= 8, clean.contains("-"), clean.first?.isNumber == true {
            throw fail("dates and times are not supported ('\(token)'); write a string")
        }
        throw fail("invalid value '\(token)' (strings need quotes)")
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String {
        guard contains("_") else { return self }
        return String(filter { $0 != "_" })
    }
}
