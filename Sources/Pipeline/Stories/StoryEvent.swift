import Articles
import Kafka
import Normalization
import Stories

/// Why a clean or story event could not be read by the story stage.
public enum StoryEventError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not JSON, or not an object.
    case notJSON(String)
    /// A required field is missing or has the wrong type.
    case missingField(String)

    public var description: String {
        switch self {
        case .notJSON(let why): "not a JSON object: \(why)"
        case .missingField(let name): "missing or mistyped field \(name)"
        }
    }
}

/// The parts of a clean article event (DESIGN.md "Article event") the story stage needs.
struct CleanArticle: Sendable {
    var contentHash: String
    var url: String?
    var canonicalURL: String?
    var source: String?
    var publishedAt: String?
    var parserVersion: String?
    /// Seconds since the epoch: `published_at`, else `fetched_at`, else `fallbackTime`.
    var time: Int64
    var fingerprint: UInt64

    /// Parses a clean event and fingerprints its canonical body.
    init(json bytes: [UInt8], fallbackTime: Int64) throws(StoryEventError) {
        let value: JSONValue
        do { value = try JSONReader.parse(bytes) } catch { throw .notJSON("\(error)") }
        guard value.objectValue != nil else { throw .notJSON("not an object") }
        guard let hash = value["content_hash"]?.stringValue, hash.utf8.count == 64 else { throw .missingField("content_hash") }
        guard let text = value["text"]?.stringValue else { throw .missingField("text") }
        contentHash = hash
        url = value["url"]?.stringValue
        canonicalURL = value["canonical_url"]?.stringValue ?? url
        source = value["source"]?.stringValue
        publishedAt = value["published_at"]?.stringValue
        parserVersion = value["parser_version"]?.stringValue
        let published = publishedAt.flatMap { DateParser.parse($0) }
        let fetched = value["fetched_at"]?.stringValue.flatMap { DateParser.parse($0) }
        time = (published ?? fetched)?.secondsSinceEpoch ?? fallbackTime
        // The body the event's own SimHash and hash were built from: without its captions.
        var captions: [String] = []
        if let field = value["captions"], field != .null {
            // A mistyped list would leave captions in the fingerprint without a word: unreadable.
            guard let items = field.arrayValue?.compactMap(\.stringValue), items.count == field.arrayValue?.count else {
                throw .missingField("captions")
            }
            captions = items
        }
        fingerprint = StoryFingerprint.compute(CanonicalText.normalize(validUTF8: CaptionParagraphs.hashedBody(text: text, captions: captions)))
    }

    var storyArticle: StoryArticle {
        // The clean event has no feed entry id (DESIGN.md): updates are found by canonical URL.
        StoryArticle(contentHash: contentHash, fingerprint: fingerprint, canonicalURL: canonicalURL, entryID: nil, time: time)
    }
}

/// One `articles.stories` record (issue 12): key = content hash, value = this JSON.
///
/// Fields, in this order: `schema`, `content_hash`, `story_id`, `relation`, `distance`,
/// `supersedes` (null unless an update), `version`, `url`, `canonical_url`, `source`,
/// `published_at`, `parser_version`, and what a restore needs to rebuild the index:
/// `fingerprint` (16 hex digits) and `time` (seconds, the window's clock). No wall-clock
/// field: the same decisions give byte-identical events. Headers `clean.partition` and
/// `clean.offset` say which clean event was decided (the stage's read position).
struct StoryEvent: Sendable, Hashable {
    static let schema = 1
    static let cleanPartitionHeader = "clean.partition"
    static let cleanOffsetHeader = "clean.offset"

    var decision: StoryDecision
    var url: String?
    var source: String?
    var publishedAt: String?
    var parserVersion: String?

    init(decision: StoryDecision, clean: CleanArticle) {
        self.decision = decision
        url = clean.url
        source = clean.source
        publishedAt = clean.publishedAt
        parserVersion = clean.parserVersion
    }

    func encodeJSON() -> [UInt8] {
        let d = decision
        var w = JSONWriter()
        w.beginObject()
        w.key("schema"); w.int(Self.schema)
        w.key("content_hash"); w.string(d.article.contentHash)
        w.key("story_id"); w.string(d.storyID)
        w.key("relation"); w.string(d.relation.rawValue)
        w.key("distance"); w.int(d.distance)
        w.key("supersedes"); w.optionalString(d.supersedes)
        w.key("version"); w.int(d.version)
        w.key("url"); w.optionalString(url)
        w.key("canonical_url"); w.optionalString(d.article.canonicalURL)
        w.key("source"); w.optionalString(source)
        w.key("published_at"); w.optionalString(publishedAt)
        w.key("parser_version"); w.optionalString(parserVersion)
        w.key("fingerprint"); w.string(Self.hex16(d.article.fingerprint))
        w.key("time"); w.int(d.article.time)
        w.endObject()
        return w.bytes
    }

    static func headers(cleanPartition: Int32, cleanOffset: Int64) -> [KafkaHeader] {
        [KafkaHeader(key: "content-type", string: "application/json"),
         KafkaHeader(key: cleanPartitionHeader, string: String(cleanPartition)),
         KafkaHeader(key: cleanOffsetHeader, string: String(cleanOffset))]
    }

    /// The decision a published story event holds (the restore path).
    static func decision(json bytes: [UInt8]) throws(StoryEventError) -> StoryDecision {
        let v: JSONValue
        do { v = try JSONReader.parse(bytes) } catch { throw .notJSON("\(error)") }
        guard let hash = v["content_hash"]?.stringValue else { throw .missingField("content_hash") }
        guard let story = v["story_id"]?.stringValue else { throw .missingField("story_id") }
        guard let relation = v["relation"]?.stringValue.flatMap(StoryRelation.init(rawValue:)) else { throw .missingField("relation") }
        guard let distance = v["distance"]?.intValue else { throw .missingField("distance") }
        guard let version = v["version"]?.intValue else { throw .missingField("version") }
        guard let print = v["fingerprint"]?.stringValue, let fingerprint = UInt64(print, radix: 16) else { throw .missingField("fingerprint") }
        guard let time = v["time"]?.intValue else { throw .missingField("time") }
        let article = StoryArticle(contentHash: hash, fingerprint: fingerprint, canonicalURL: v["canonical_url"]?.stringValue,
                                   entryID: nil, time: time)
        return StoryDecision(article: article, storyID: story, relation: relation, distance: Int(distance),
                             supersedes: v["supersedes"]?.stringValue, version: Int(version))
    }

    /// The clean position a story event's headers carry, if both are there.
    static func cleanPosition(_ headers: [KafkaHeader]) -> (partition: Int32, offset: Int64)? {
        func number(_ key: String) -> Int64? {
            headers.last(where: { $0.key == key })?.value.flatMap { Int64(String(decoding: $0, as: UTF8.self)) }
        }
        guard let p = number(cleanPartitionHeader), let o = number(cleanOffsetHeader), let partition = Int32(exactly: p) else { return nil }
        return (partition, o)
    }

    static func hex16(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
