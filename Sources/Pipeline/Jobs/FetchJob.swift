import Articles
import Normalization

/// A fetch job (DESIGN.md "Fetch job", `schema: 1`), validated.
public struct FetchJob: Sendable, Hashable {
    public var jobID: String
    public var url: String
    public var kind: DocumentKind
    /// The inline document, decoded (base64 undone), or nil when the job must be fetched.
    public var body: [UInt8]?
    public var contentType: String?
    /// Reference time for relative dates.
    public var fetchedAt: Timestamp?
    /// Publisher name hint.
    public var source: String?
    public var feedID: String?
    public var attempt: Int
    /// Conditional GET validators from `headers`.
    public var etag: String?
    public var lastModified: String?
    /// A retried job is not fetched before this time (`not_before`, RFC 3339, set on re-produce).
    public var notBefore: Timestamp?

    public init(jobID: String, url: String, kind: DocumentKind = .auto, body: [UInt8]? = nil, contentType: String? = nil,
                fetchedAt: Timestamp? = nil, source: String? = nil, feedID: String? = nil, attempt: Int = 0,
                etag: String? = nil, lastModified: String? = nil) {
        self.jobID = jobID
        self.url = url
        self.kind = kind
        self.body = body
        self.contentType = contentType
        self.fetchedAt = fetchedAt
        self.source = source
        self.feedID = feedID
        self.attempt = attempt
        self.etag = etag
        self.lastModified = lastModified
    }

    /// Decodes and validates a job message value.
    ///
    /// Required: `job_id` (string), `url` (non-empty string). Optional, each checked for type:
    /// `kind`, `body`, `body_encoding` (`utf8` | `base64`), `content_type`, `fetched_at` (RFC 3339),
    /// `source`, `feed_id` (string or integer), `attempt` (integer), `headers` (object with
    /// `etag`, `last_modified`), `not_before` (RFC 3339), `schema` (1). Unknown fields are ignored; null means absent.
    /// - Parameter maxBodyBytes: the largest decoded body accepted (larger → `body_too_large`).
    public static func decode(_ bytes: [UInt8], maxBodyBytes: Int) throws(JobError) -> FetchJob {
        // A message this large cannot hold a body under the cap (base64 is 4/3, JSON escaping
        // at most 6x for control bytes, but real bodies are text): refuse before parsing.
        if bytes.count > maxBodyBytes * 2 + 64 * 1024 {
            throw JobError(.bodyTooLarge, "job message is \(bytes.count) bytes, over twice the body cap of \(maxBodyBytes)")
        }
        let root: JobJSONValue
        do { root = try JobJSONReader.parse(bytes) } catch {
            switch error.kind {
            case .invalidUTF8: throw JobError(.invalidUTF8, "\(error.message) at byte \(error.offset)")
            case .syntax, .tooDeep: throw JobError(.notJSON, "\(error.message) at byte \(error.offset)")
            }
        }
        guard case .object(let members) = root else { throw JobError(.notObject, "job is a JSON \(root.typeName), not an object") }
        var fields: [String: JobJSONValue] = [:]
        for (key, value) in members {
            // Last one wins, as most JSON readers do; null is absence.
            if case .null = value { fields[String(decoding: key, as: UTF8.self)] = nil; continue }
            fields[String(decoding: key, as: UTF8.self)] = value
        }

        if let schema = fields["schema"] {
            guard case .number(let n) = schema else { throw JobError(.wrongType, "schema must be a number, got \(schema.typeName)") }
            guard n == Array("1".utf8) else { throw JobError(.invalidValue, "unsupported schema \(String(decoding: n, as: UTF8.self))") }
        }
        guard let jobIDValue = fields["job_id"] else { throw JobError(.missingField, "job_id is required") }
        guard case .string(let jobIDBytes) = jobIDValue else { throw JobError(.wrongType, "job_id must be a string, got \(jobIDValue.typeName)") }
        guard !jobIDBytes.isEmpty else { throw JobError(.invalidValue, "job_id is empty") }
        guard let urlValue = fields["url"] else { throw JobError(.missingField, "url is required") }
        guard case .string(let urlBytes) = urlValue else { throw JobError(.wrongType, "url must be a string, got \(urlValue.typeName)") }
        guard !urlBytes.isEmpty else { throw JobError(.invalidValue, "url is empty") }

        var job = FetchJob(jobID: String(decoding: jobIDBytes, as: UTF8.self), url: String(decoding: urlBytes, as: UTF8.self))
        if let kind = try optionalString(fields, "kind") {
            guard let k = DocumentKind(rawValue: kind) else { throw JobError(.invalidValue, "kind must be feed, article, page or auto, got \"\(kind)\"") }
            job.kind = k
        }
        let encoding = try optionalString(fields, "body_encoding") ?? "utf8"
        guard encoding == "utf8" || encoding == "base64" else {
            throw JobError(.invalidValue, "body_encoding must be utf8 or base64, got \"\(encoding)\"")
        }
        if let body = fields["body"] {
            guard case .string(let raw) = body else { throw JobError(.wrongType, "body must be a string, got \(body.typeName)") }
            if encoding == "base64" {
                guard raw.count / 4 * 3 <= maxBodyBytes + 3 else {
                    throw JobError(.bodyTooLarge, "body is about \(raw.count / 4 * 3) bytes, over the cap of \(maxBodyBytes)")
                }
                guard let decoded = Base64.decode(raw) else { throw JobError(.badBase64, "body is not valid base64") }
                job.body = decoded
            } else {
                job.body = Array(raw)
            }
            if let b = job.body, b.count > maxBodyBytes {
                throw JobError(.bodyTooLarge, "body is \(b.count) bytes, over the cap of \(maxBodyBytes)")
            }
        }
        job.contentType = try optionalString(fields, "content_type")
        job.source = try optionalString(fields, "source")
        if let fetchedAt = try optionalString(fields, "fetched_at") {
            guard let t = RFC3339Parser.parse(Array(fetchedAt.utf8)) else {
                throw JobError(.invalidValue, "fetched_at is not an RFC 3339 time: \"\(fetchedAt.prefix(64))\"")
            }
            job.fetchedAt = t
        }
        if let notBefore = try optionalString(fields, "not_before") {
            guard let t = RFC3339Parser.parse(Array(notBefore.utf8)) else {
                throw JobError(.invalidValue, "not_before is not an RFC 3339 time: \"\(notBefore.prefix(64))\"")
            }
            job.notBefore = t
        }
        if let feedID = fields["feed_id"] {
            switch feedID {
            case .string(let s): job.feedID = String(decoding: s, as: UTF8.self)
            case .number(let n): job.feedID = String(decoding: n, as: UTF8.self)
            default: throw JobError(.wrongType, "feed_id must be a string or number, got \(feedID.typeName)")
            }
        }
        if let attempt = fields["attempt"] {
            guard case .number(let n) = attempt else { throw JobError(.wrongType, "attempt must be an integer, got \(attempt.typeName)") }
            guard let a = Int(String(decoding: n, as: UTF8.self)), a >= 0 else {
                throw JobError(.invalidValue, "attempt must be a non-negative integer")
            }
            job.attempt = a
        }
        if let headers = fields["headers"] {
            guard case .object(let hs) = headers else { throw JobError(.wrongType, "headers must be an object, got \(headers.typeName)") }
            for (k, v) in hs {
                let name = String(decoding: k, as: UTF8.self)
                guard name == "etag" || name == "last_modified" else { continue }
                if case .null = v { continue }
                guard case .string(let s) = v else { throw JobError(.wrongType, "headers.\(name) must be a string, got \(v.typeName)") }
                if name == "etag" { job.etag = String(decoding: s, as: UTF8.self) } else { job.lastModified = String(decoding: s, as: UTF8.self) }
            }
        }
        return job
    }

    private static func optionalString(_ fields: [String: JobJSONValue], _ name: String) throws(JobError) -> String? {
        guard let v = fields[name] else { return nil }
        guard case .string(let s) = v else { throw JobError(.wrongType, "\(name) must be a string, got \(v.typeName)") }
        return String(decoding: s, as: UTF8.self)
    }
}

/// RFC 3339 date-time (`2026-11-29T04:30:00Z`, fractions and `±hh:mm` offsets) to whole seconds, UTC.
enum RFC3339Parser {
    static func parse(_ s: [UInt8]) -> Timestamp? {
        func num(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= s.count else { return nil }
            var v = 0
            for i in from..<(from + count) {
                let c = s[i]
                guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
                v = v * 10 + Int(c - UInt8(ascii: "0"))
            }
            return v
        }
        guard s.count >= 20, let year = num(0, 4), s[4] == UInt8(ascii: "-"), let month = num(5, 2), s[7] == UInt8(ascii: "-"),
              let day = num(8, 2), s[10] == UInt8(ascii: "T") || s[10] == UInt8(ascii: "t") || s[10] == 0x20,
              let hour = num(11, 2), s[13] == UInt8(ascii: ":"), let minute = num(14, 2), s[16] == UInt8(ascii: ":"),
              let second = num(17, 2) else { return nil }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second <= 60 else { return nil }
        var i = 19
        if i < s.count && s[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < s.count, s[i] >= UInt8(ascii: "0"), s[i] <= UInt8(ascii: "9") { i += 1 }
            guard i > start else { return nil }
        }
        guard i < s.count else { return nil }
        var offset = 0
        if s[i] == UInt8(ascii: "Z") || s[i] == UInt8(ascii: "z") {
            i += 1
        } else if s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") {
            guard let oh = num(i + 1, 2), i + 3 < s.count, s[i + 3] == UInt8(ascii: ":"), let om = num(i + 4, 2), oh < 24, om < 60 else { return nil }
            offset = (oh * 60 + om) * 60 * (s[i] == UInt8(ascii: "-") ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == s.count else { return nil }
        // Days from civil (Howard Hinnant).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
        return Timestamp(secondsSinceEpoch: seconds)
    }
}

extension FetchJob {
    /// The job as DESIGN.md JSON (`schema: 1`), fields in a fixed order: the body inline as
    /// UTF-8 text when it is valid UTF-8, else base64 with `body_encoding: "base64"`.
    public func encodeJSON() -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("schema"); w.int(1)
        w.key("job_id"); w.string(jobID)
        w.key("url"); w.string(url)
        if kind != .auto { w.key("kind"); w.string(kind.rawValue) }
        if let body {
            if String(validating: body, as: UTF8.self) != nil {
                w.key("body"); w.string(bytes: body)
            } else {
                w.key("body_encoding"); w.string("base64")
                w.key("body"); w.string(bytes: Base64.encode(body))
            }
        }
        if let contentType { w.key("content_type"); w.string(contentType) }
        if let fetchedAt { w.key("fetched_at"); w.string(Normalization.RFC3339.format(fetchedAt)) }
        if let source { w.key("source"); w.string(source) }
        if let feedID { w.key("feed_id"); w.string(feedID) }
        if attempt > 0 { w.key("attempt"); w.int(attempt) }
        if etag != nil || lastModified != nil {
            w.key("headers")
            w.beginObject()
            if let etag { w.key("etag"); w.string(etag) }
            if let lastModified { w.key("last_modified"); w.string(lastModified) }
            w.endObject()
        }
        if let notBefore { w.key("not_before"); w.string(Normalization.RFC3339.format(notBefore)) }
        w.endObject()
        return w.bytes
    }
}
