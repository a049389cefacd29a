import Articles

/// The syndication format of a document, detected from its bytes.
public enum FeedFormat: String, Sendable, Hashable, CaseIterable {
    case rss = "rss"        // RSS 0.9x / 2.0
    case rdf = "rdf"        // RSS 1.0 / RSS 0.90 (RDF)
    case atom10 = "atom10"
    case atom03 = "atom03"
    case jsonFeed = "json"

    /// Detects the format from the first bytes (after BOM, white space, XML declaration, comments,
    /// doctype). Nil when the bytes do not start a feed (HTML, plain text, other XML).
    public static func detect(_ bytes: [UInt8]) -> FeedFormat? {
        bytes.withUnsafeBufferPointer { b in
            var i = 0
            let n = min(b.count, 64 << 10)
            if n >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { i = 3 }
            while i < n {
                let c = b[i]
                if Whitespace.isASCIISpace(c) || c == 0 { i += 1; continue }
                if c == UInt8(ascii: "{") { return jsonFeedLooksValid(b, from: i, limit: n) ? .jsonFeed : nil }
                guard c == UInt8(ascii: "<"), i + 1 < n else { return nil }
                let d = b[i + 1]
                if d == UInt8(ascii: "?") || d == UInt8(ascii: "!") {
                    // skip PI, comment, doctype
                    if d == UInt8(ascii: "!"), i + 3 < n, b[i + 2] == 45, b[i + 3] == 45 {
                        i = XMLScanner.find(b, from: i + 4, "-->") ?? n
                    } else {
                        let gt = XMLScanner.find(b, from: i + 2, ">") ?? n
                        if let br = XMLScanner.index(of: UInt8(ascii: "["), in: b, from: i + 2), br < gt {
                            i = XMLScanner.find(b, from: br, "]>") ?? XMLScanner.find(b, from: br, "]") ?? n
                        } else { i = gt }
                    }
                    continue
                }
                // root element name
                var j = i + 1
                var name: [UInt8] = []
                while j < n, !Whitespace.isASCIISpace(b[j]), b[j] != UInt8(ascii: ">"), b[j] != UInt8(ascii: "/") {
                    name.append(b[j] >= 65 && b[j] <= 90 ? b[j] | 0x20 : b[j]); j += 1
                }
                let local = name.lastIndex(of: UInt8(ascii: ":")).map { Array(name[($0 + 1)...]) } ?? name
                switch String(decoding: local, as: Unicode.UTF8.self) {
                case "rss": return .rss
                case "rdf": return .rdf
                case "feed":
                    // Atom 0.3 carries version="0.3" or the purl.org namespace.
                    let end = XMLScanner.find(b, from: j, ">") ?? n
                    let tag = String(decoding: UnsafeBufferPointer(rebasing: b[j..<end]), as: Unicode.UTF8.self)
                    return tag.contains("purl.org/atom/ns#") || tag.contains("version=\"0.3\"") || tag.contains("version='0.3'")
                        ? .atom03 : .atom10
                case "channel": return .rss  // RSS 0.9x fragments without <rss>
                default: return nil
                }
            }
            return nil
        }
    }

    static func jsonFeedLooksValid(_ b: UnsafeBufferPointer<UInt8>, from: Int, limit: Int) -> Bool {
        let head = String(decoding: UnsafeBufferPointer(rebasing: b[from..<min(limit, from + 4096)]), as: Unicode.UTF8.self)
        return head.contains("jsonfeed.org/version") || (head.contains("\"items\"") && head.contains("\"version\""))
    }
}

/// Why a document could not be parsed as a feed.
public enum FeedError: Error, Sendable, Hashable {
    /// The bytes are not RSS, RDF, Atom or JSON Feed (e.g. an HTML page).
    case notAFeed
    /// Larger than `ExtractionLimits.maxDocumentBytes`.
    case tooLarge(bytes: Int, limit: Int)
    /// JSON Feed nested deeper than `ExtractionLimits.maxNestingDepth`.
    case tooDeep(limit: Int)
    /// The bytes could not be converted to UTF-8.
    case encoding(CharsetError)
    /// A JSON Feed that is not valid JSON.
    case invalidJSON(JSONError)
}

/// Something recovered from while parsing; the feed is `isMalformed` when any is present.
public enum FeedWarning: Sendable, Hashable {
    /// An end tag that did not match the open element.
    case mismatchedEndTag(offset: Int)
    /// The document ended with open elements (truncated).
    case truncated
    /// An element's text was cut short by a structural tag (missing end tag).
    case unclosedElement(offset: Int)
    /// Elements deeper than the nesting cap were flattened.
    case nestingTooDeep(limit: Int)
    /// More entries than the cap; the rest were ignored.
    case entriesTruncated(kept: Int)
    /// A bare `&` or an undeclared entity in text.
    case badEntity(offset: Int)
}

/// The result of parsing one feed document.
public struct ParsedFeed: Sendable, Hashable {
    public var format: FeedFormat
    public var title: String?
    public var link: String?
    public var language: String?
    /// The charset the bytes were decoded from.
    public var charset: String
    public var warnings: [FeedWarning]
    /// True when the parser had to recover from broken markup.
    public var isMalformed: Bool { !warnings.isEmpty }
    /// Entries in document order.
    public var articles: [Article]

    public init(format: FeedFormat, title: String? = nil, link: String? = nil, language: String? = nil,
                charset: String = "utf-8", warnings: [FeedWarning] = [], articles: [Article] = []) {
        self.format = format
        self.title = title
        self.link = link
        self.language = language
        self.charset = charset
        self.warnings = warnings
        self.articles = articles
    }
}
