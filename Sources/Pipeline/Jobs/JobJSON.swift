import CSIMD

/// A JSON value as the job decoder needs it: strings decoded to UTF-8 bytes, numbers kept as
/// their text, containers parsed (nested values are validated but only the top level is used).
enum JobJSONValue: Sendable {
    /// The string's bytes, escapes decoded: a slice of the input itself when it holds no escape
    /// (a base64 body is read in place, not copied).
    case string(ArraySlice<UInt8>)
    case number([UInt8])
    case bool(Bool)
    case null
    case object([(key: ArraySlice<UInt8>, value: JobJSONValue)])
    case array([JobJSONValue])

    var typeName: String {
        switch self {
        case .string: "string"
        case .number: "number"
        case .bool: "boolean"
        case .null: "null"
        case .object: "object"
        case .array: "array"
        }
    }
}

/// Why bytes are not a JSON document.
struct JobJSONError: Error, Sendable {
    enum Kind: Sendable { case syntax, invalidUTF8, tooDeep }
    var kind: Kind
    var offset: Int
    var message: String
}

/// A strict RFC 8259 reader over bytes (no Foundation), bounded in nesting depth.
/// Strings must be valid UTF-8; `\u` escapes (with surrogate pairs) are decoded.
struct JobJSONReader {
    /// The input, for slices of strings without escapes; `bytes` is its buffer.
    private let input: [UInt8]
    private let bytes: UnsafeBufferPointer<UInt8>
    private var pos = 0
    private let maxDepth: Int
    /// Strings' plain runs are scanned with AVX2 first (`false` in tests: the scalar loops alone).
    private let vectorized: Bool

    /// Parses one JSON document from `input` (white space around it allowed, nothing else).
    static func parse(_ input: [UInt8], maxDepth: Int = 64, vectorized: Bool = true) throws(JobJSONError) -> JobJSONValue {
        let result: Result<JobJSONValue, JobJSONError> = input.withUnsafeBufferPointer { buffer in
            var reader = JobJSONReader(input: input, bytes: buffer, maxDepth: maxDepth, vectorized: vectorized)
            do throws(JobJSONError) {
                reader.skipWhitespace()
                let value = try reader.value(depth: 0)
                reader.skipWhitespace()
                guard reader.pos == buffer.count else { throw reader.error("unexpected data after the JSON value") }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private init(input: [UInt8], bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int, vectorized: Bool) {
        self.input = input
        self.bytes = bytes
        self.maxDepth = maxDepth
        self.vectorized = vectorized && VectorSupport.avx2
    }

    private func error(_ message: String, _ kind: JobJSONError.Kind = .syntax) -> JobJSONError {
        JobJSONError(kind: kind, offset: pos, message: message)
    }

    private mutating func skipWhitespace() {
        while pos < bytes.count {
            let b = bytes[pos]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            pos += 1
        }
    }

    private mutating func value(depth: Int) throws(JobJSONError) -> JobJSONValue {
        guard depth <= maxDepth else { throw error("nesting deeper than \(maxDepth)", .tooDeep) }
        guard pos < bytes.count else { throw error("unexpected end of input") }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw error("unexpected byte 0x\(String(bytes[pos], radix: 16))")
        }
    }

    private mutating func literal(_ word: StaticString) throws(JobJSONError) {
        let n = word.utf8CodeUnitCount
        guard pos + n <= bytes.count else { throw error("unexpected end of input") }
        for i in 0..<n where bytes[pos + i] != word.utf8Start[i] { throw error("invalid literal") }
        pos += n
    }

    private mutating func object(depth: Int) throws(JobJSONError) -> JobJSONValue {
        pos += 1
        var members: [(key: ArraySlice<UInt8>, value: JobJSONValue)] = []
        skipWhitespace()
        if pos < bytes.count && bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let key = try string()
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw error("expected ':'") }
            pos += 1
            skipWhitespace()
            members.append((key, try value(depth: depth + 1)))
            skipWhitespace()
            guard pos < bytes.count else { throw error("unterminated object") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
            throw error("expected ',' or '}'")
        }
    }

    private mutating func array(depth: Int) throws(JobJSONError) -> JobJSONValue {
        pos += 1
        var items: [JobJSONValue] = []
        skipWhitespace()
        if pos < bytes.count && bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
        while true {
            skipWhitespace()
            items.append(try value(depth: depth + 1))
            skipWhitespace()
            guard pos < bytes.count else { throw error("unterminated array") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
            throw error("expected ',' or ']'")
        }
    }

    private mutating func number() throws(JobJSONError) -> [UInt8] {
        let start = pos
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        func digits(_ r: inout JobJSONReader) -> Int {
            let s = r.pos
            while r.pos < r.bytes.count, r.bytes[r.pos] >= UInt8(ascii: "0"), r.bytes[r.pos] <= UInt8(ascii: "9") { r.pos += 1 }
            return r.pos - s
        }
        let intStart = pos
        guard digits(&self) > 0 else { throw error("invalid number") }
        if bytes[intStart] == UInt8(ascii: "0") && pos - intStart > 1 { throw error("leading zero in number") }
        if pos < bytes.count && bytes[pos] == UInt8(ascii: ".") {
            pos += 1
            guard digits(&self) > 0 else { throw error("invalid number") }
        }
        if pos < bytes.count && (bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E")) {
            pos += 1
            if pos < bytes.count && (bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-")) { pos += 1 }
            guard digits(&self) > 0 else { throw error("invalid number") }
        }
        return Array(bytes[start..<pos])
    }

    /// Reads a string starting at its opening quote, validating UTF-8 and decoding escapes.
    private mutating func string() throws(JobJSONError) -> ArraySlice<UInt8> {
        pos += 1
        let start = pos
        // The decoded bytes, once an escape was met (every escape appends to it): until then the
        // string is a slice of the input.
        var out: [UInt8] = []
        var runStart = pos
        while pos < bytes.count {
            // Fast path: a run of printable ASCII other than `"` and `\` (a base64 body is one run),
            // 32 bytes at a time with AVX2 when the CPU has it, then eight at a time, then byte by
            // byte up to the byte that needs a look.
            var p = pos
            let end = bytes.count
            if let base = bytes.baseAddress {
                // 32 bytes at a time with AVX2 (CSIMD), to the first block holding a special byte.
                if vectorized { p += fw_json_plain_run_avx2(base + p, end - p) }
                let raw = UnsafeRawPointer(base)
                let ones: UInt64 = 0x0101_0101_0101_0101
                let highs: UInt64 = 0x8080_8080_8080_8080
                while p + 8 <= end {
                    let v = raw.loadUnaligned(fromByteOffset: p, as: UInt64.self)
                    let quote = v ^ 0x2222_2222_2222_2222
                    let backslash = v ^ 0x5C5C_5C5C_5C5C_5C5C
                    // High bit set in a lane when that byte is `"`, `\`, below 0x20, or 0x80 and above.
                    let special = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)
                        | ((v &- 0x2020_2020_2020_2020) & ~v) | v
                    if special & highs != 0 { break }
                    p += 8
                }
            }
            while p < end {
                let c = bytes[p]
                if c < 0x20 || c >= 0x80 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") { break }
                p += 1
            }
            pos = p
            guard pos < end else { break }
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                defer { pos += 1 }
                guard !out.isEmpty else { return input[start..<pos] }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<pos]))
                return out[...]
            }
            if b == UInt8(ascii: "\\") {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<pos]))
                try escape(into: &out)
                runStart = pos
                continue
            }
            if b < 0x20 { throw error("control character in string") }
            if b < 0x80 { pos += 1; continue }
            try skipUTF8Sequence()
        }
        throw error("unterminated string")
    }

    private mutating func skipUTF8Sequence() throws(JobJSONError) {
        let b = bytes[pos]
        let length: Int
        var minimum: UInt32
        var scalar: UInt32
        switch b {
        case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(b & 0x1F)
        case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(b & 0x0F)
        case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(b & 0x07)
        default: throw error("invalid UTF-8 in string", .invalidUTF8)
        }
        guard pos + length <= bytes.count else { throw error("truncated UTF-8 in string", .invalidUTF8) }
        for i in 1..<length {
            let c = bytes[pos + i]
            guard c & 0xC0 == 0x80 else { throw error("invalid UTF-8 in string", .invalidUTF8) }
            scalar = scalar << 6 | UInt32(c & 0x3F)
        }
        guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else {
            throw error("invalid UTF-8 in string", .invalidUTF8)
        }
        pos += length
    }

    private mutating func escape(into out: inout [UInt8]) throws(JobJSONError) {
        pos += 1
        guard pos < bytes.count else { throw error("unterminated escape") }
        let e = bytes[pos]
        pos += 1
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800...0xDBFF).contains(scalar) {
                guard pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") else {
                    throw error("unpaired surrogate escape", .invalidUTF8)
                }
                pos += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired surrogate escape", .invalidUTF8) }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw error("unpaired surrogate escape", .invalidUTF8)
            }
            appendUTF8(scalar, to: &out)
        default:
            throw error("invalid escape")
        }
    }

    private mutating func hex4() throws(JobJSONError) -> UInt32 {
        guard pos + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[pos]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw error("invalid \\u escape")
            }
            v = v << 4 | d
            pos += 1
        }
        return v
    }
}

/// Appends the UTF-8 encoding of a valid scalar value.
func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
    switch scalar {
    case 0..<0x80: out.append(UInt8(scalar))
    case 0x80..<0x800:
        out.append(UInt8(0xC0 | (scalar >> 6)))
        out.append(UInt8(0x80 | (scalar & 0x3F)))
    case 0x800..<0x10000:
        out.append(UInt8(0xE0 | (scalar >> 12)))
        out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
        out.append(UInt8(0x80 | (scalar & 0x3F)))
    default:
        out.append(UInt8(0xF0 | (scalar >> 18)))
        out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
        out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
        out.append(UInt8(0x80 | (scalar & 0x3F)))
    }
}
