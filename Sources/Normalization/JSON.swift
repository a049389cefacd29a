/// A parsed JSON value.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A number written without fraction or exponent that fits in Int64.
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    /// Object members; on duplicate keys the last one wins.
    case object([String: JSONValue])

    /// Member `key` of an object, nil otherwise.
    public subscript(key: String) -> JSONValue? {
        if case let .object(o) = self { return o[key] }
        return nil
    }

    public var stringValue: String? { if case let .string(s) = self { return s }; return nil }
    public var arrayValue: [JSONValue]? { if case let .array(a) = self { return a }; return nil }
    public var objectValue: [String: JSONValue]? { if case let .object(o) = self { return o }; return nil }
    public var boolValue: Bool? { if case let .bool(b) = self { return b }; return nil }
    public var isNull: Bool { self == .null }
    /// Integer value (doubles with an integral value are converted).
    public var intValue: Int64? {
        switch self {
        case let .integer(i): return i
        case let .double(d): return d.rounded() == d && abs(d) < 9.2e18 ? Int64(d) : nil
        default: return nil
        }
    }
    public var doubleValue: Double? {
        switch self {
        case let .integer(i): return Double(i)
        case let .double(d): return d
        default: return nil
        }
    }
}

/// Why JSON could not be parsed.
public enum JSONError: Error, Sendable, Hashable {
    case unexpectedEnd
    case unexpectedByte(UInt8, offset: Int)
    case tooDeep(offset: Int)
    case invalidNumber(offset: Int)
    case invalidEscape(offset: Int)
    case trailingData(offset: Int)
}

/// A fast byte-level JSON parser (RFC 8259) with a nesting cap. Strings are repaired to valid UTF-8.
public struct JSONReader {
    /// Parses one JSON document.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = 256) throws(JSONError) -> JSONValue {
        var r = JSONReader(bytes: bytes, maxDepth: maxDepth)
        r.skipSpace()
        let v = try r.value(depth: 0)
        r.skipSpace()
        if r.i < r.b.count { throw .trailingData(offset: r.i) }
        return v
    }

    let b: [UInt8]
    var i = 0
    let maxDepth: Int

    init(bytes: [UInt8], maxDepth: Int) { self.b = bytes; self.maxDepth = maxDepth }

    mutating func skipSpace() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
    }

    mutating func value(depth: Int) throws(JSONError) -> JSONValue {
        guard i < b.count else { throw .unexpectedEnd }
        switch b[i] {
        case UInt8(ascii: "{"):
            guard depth < maxDepth else { throw .tooDeep(offset: i) }
            i += 1
            var o: [String: JSONValue] = [:]
            skipSpace()
            if i < b.count, b[i] == UInt8(ascii: "}") { i += 1; return .object(o) }
            while true {
                skipSpace()
                guard i < b.count else { throw .unexpectedEnd }
                guard b[i] == UInt8(ascii: "\"") else { throw .unexpectedByte(b[i], offset: i) }
                let k = try string()
                skipSpace()
                guard i < b.count else { throw .unexpectedEnd }
                guard b[i] == UInt8(ascii: ":") else { throw .unexpectedByte(b[i], offset: i) }
                i += 1
                skipSpace()
                o[k] = try value(depth: depth + 1)
                skipSpace()
                guard i < b.count else { throw .unexpectedEnd }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "}") { i += 1; return .object(o) }
                throw .unexpectedByte(b[i], offset: i)
            }
        case UInt8(ascii: "["):
            guard depth < maxDepth else { throw .tooDeep(offset: i) }
            i += 1
            var a: [JSONValue] = []
            skipSpace()
            if i < b.count, b[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
            while true {
                skipSpace()
                a.append(try value(depth: depth + 1))
                skipSpace()
                guard i < b.count else { throw .unexpectedEnd }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
                throw .unexpectedByte(b[i], offset: i)
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"):
            try literal("true"); return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false"); return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null"); return .null
        default:
            return try number()
        }
    }

    mutating func literal(_ s: StaticString) throws(JSONError) {
        let n = s.utf8CodeUnitCount
        guard i + n <= b.count else { throw .unexpectedEnd }
        let p = s.utf8Start
        for k in 0..<n where b[i + k] != p[k] { throw .unexpectedByte(b[i + k], offset: i + k) }
        i += n
    }

    mutating func number() throws(JSONError) -> JSONValue {
        let start = i
        var isInt = true
        if i < b.count, b[i] == UInt8(ascii: "-") { i += 1 }
        let digitsStart = i
        while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
        guard i > digitsStart else {
            if i < b.count { throw .unexpectedByte(b[i], offset: i) }
            throw .unexpectedEnd
        }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            isInt = false; i += 1
            let f = i
            while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
            guard i > f else { throw .invalidNumber(offset: start) }
        }
        if i < b.count, b[i] | 0x20 == UInt8(ascii: "e") {
            isInt = false; i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            let e = i
            while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
            guard i > e else { throw .invalidNumber(offset: start) }
        }
        let text = String(decoding: b[start..<i], as: Unicode.UTF8.self)
        if isInt, let v = Int64(text) { return .integer(v) }
        // A number beyond Double's range ("1e999") is refused rather than read as infinity: JSON has
        // no infinity, and the writer could only print it as null (found by the CI fuzz smoke).
        guard let d = Double(text), d.isFinite else { throw .invalidNumber(offset: start) }
        return .double(d)
    }

    mutating func hex4() throws(JSONError) -> UInt32 {
        guard i + 4 <= b.count else { throw .unexpectedEnd }
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let d = HTMLEntities.hexValue(b[i]) else { throw .invalidEscape(offset: i) }
            v = v << 4 | UInt32(d); i += 1
        }
        return v
    }

    mutating func string() throws(JSONError) -> String {
        i += 1  // opening quote
        let start = i
        // Fast path: no escapes.
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                let s = Array(b[start..<i]); i += 1
                return String(decoding: UTF8Repair.repair(s), as: Unicode.UTF8.self)
            }
            if c == UInt8(ascii: "\\") { break }
            i += 1
        }
        var out = Array(b[start..<i])
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") { i += 1; return String(decoding: UTF8Repair.repair(out), as: Unicode.UTF8.self) }
            if c != UInt8(ascii: "\\") { out.append(c); i += 1; continue }
            i += 1
            guard i < b.count else { throw .unexpectedEnd }
            let e = b[i]; i += 1
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "/"), UInt8(ascii: "\\"), UInt8(ascii: "\""): out.append(e)
            case UInt8(ascii: "u"):
                var cp = try hex4()
                if cp >= 0xD800 && cp <= 0xDBFF, i + 6 <= b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") {
                    let save = i
                    i += 2
                    let lo = try hex4()
                    if lo >= 0xDC00 && lo <= 0xDFFF { cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00) } else { i = save }
                }
                UTF8Encoding.append(cp, to: &out)
            default: throw .invalidEscape(offset: i - 1)
            }
        }
        throw .unexpectedEnd
    }
}

/// Deterministic JSON output: members in the order written, minimal escaping (`"`, `\`, controls),
/// always valid UTF-8 (invalid input bytes are replaced with U+FFFD).
public struct JSONWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []
    var needsComma: [Bool] = [false]

    public init() {}

    mutating func separator() {
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }

    public mutating func beginObject() { separator(); bytes.append(UInt8(ascii: "{")); needsComma.append(false) }
    public mutating func endObject() { if needsComma.count > 1 { needsComma.removeLast() }; bytes.append(UInt8(ascii: "}")) }
    public mutating func beginArray() { separator(); bytes.append(UInt8(ascii: "[")); needsComma.append(false) }
    public mutating func endArray() { if needsComma.count > 1 { needsComma.removeLast() }; bytes.append(UInt8(ascii: "]")) }

    /// Writes a member name; the next value written is its value.
    public mutating func key(_ k: String) {
        separator()
        Self.appendString(Array(k.utf8), to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        needsComma[needsComma.count - 1] = false
    }

    mutating func valueWritten() { needsComma[needsComma.count - 1] = true }

    public mutating func string(_ s: String) { separator(); Self.appendString(Array(s.utf8), to: &bytes) }
    public mutating func string(bytes s: [UInt8]) { separator(); Self.appendString(s, to: &bytes) }
    public mutating func optionalString(_ s: String?) { if let s { string(s) } else { null() } }
    public mutating func int(_ v: Int64) { separator(); bytes.append(contentsOf: Array(String(v).utf8)) }
    public mutating func int(_ v: Int) { int(Int64(v)) }
    public mutating func double(_ v: Double) {
        separator()
        if v.isFinite {
            if v.rounded() == v && abs(v) < 1e15 { bytes.append(contentsOf: Array(String(Int64(v)).utf8)) }
            else { bytes.append(contentsOf: Array(String(v).utf8)) }
        } else { bytes.append(contentsOf: Array("null".utf8)) }
    }
    public mutating func bool(_ v: Bool) { separator(); bytes.append(contentsOf: Array((v ? "true" : "false").utf8)) }
    public mutating func null() { separator(); bytes.append(contentsOf: Array("null".utf8)) }
    public mutating func stringArray(_ a: [String]) { beginArray(); for s in a { string(s) }; endArray() }

    /// Writes a whole value; object members are written in sorted key order (deterministic).
    public mutating func value(_ v: JSONValue) {
        switch v {
        case .null: null()
        case let .bool(b): bool(b)
        case let .integer(i): int(i)
        case let .double(d): double(d)
        case let .string(s): string(s)
        case let .array(a): beginArray(); for x in a { value(x) }; endArray()
        case let .object(o):
            beginObject()
            for k in o.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) { key(k); value(o[k]!) }
            endObject()
        }
    }

    /// Serializes one value.
    public static func encode(_ v: JSONValue) -> [UInt8] { var w = JSONWriter(); w.value(v); return w.bytes }

    static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `s` as a quoted JSON string (invalid UTF-8 repaired). Runs of bytes that need no
    /// escape are copied whole: an article text is mostly one long run.
    public static func appendString(_ raw: [UInt8], to out: inout [UInt8]) {
        let s = UTF8Repair.repair(raw)
        out.append(UInt8(ascii: "\""))
        s.withUnsafeBufferPointer { b in
            var runStart = 0
            var i = 0
            let n = b.count
            while i < n {
                let c = b[i]
                if c >= 0x20 && c != UInt8(ascii: "\"") && c != UInt8(ascii: "\\") && c != 0x7F {
                    i += 1
                    continue
                }
                if i > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: b[runStart..<i])) }
                switch c {
                case UInt8(ascii: "\""): out.append(0x5C); out.append(c)
                case UInt8(ascii: "\\"): out.append(0x5C); out.append(c)
                case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
                case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
                default: out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 48, 48, hex[Int(c >> 4)], hex[Int(c & 15)]])
                }
                i += 1
                runStart = i
            }
            if n > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: b[runStart..<n])) }
        }
        out.append(UInt8(ascii: "\""))
    }
}
