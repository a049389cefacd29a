/// The version string stamped on every event; bump it when extraction output changes.
public enum ParserVersion {
    /// Raised whenever extraction output for the same input changes (1.1.0: boilerplate pruning of
    /// issue 10, text dumps of issue 14, NFC bodies; 1.2.0: the later pruning and text-dump rules,
    /// captions in the article's flow kept in `text`), so replays can tell old events from new.
    public static let current = "feedworker-parser/1.2.0"
}

/// One clean article event (DESIGN.md "Article event", `schema: 1`), ready to encode.
///
/// Built from an `Article` plus job metadata; contains no wall-clock values of its own, so the same
/// input and parser version always produce byte-identical JSON.
public struct ArticleEvent: Sendable, Hashable {
    public static let schema = 1

    /// Equal to `contentHash`.
    public var articleID: String
    /// SHA-256 hex (64 characters) of the canonical text.
    public var contentHash: String
    /// 64-bit SimHash of the canonical body, 16 lower-case hex characters.
    public var simhash: String
    public var url: String?
    public var canonicalURL: String?
    public var title: String
    public var authors: [String]
    public var source: String?
    /// RFC 3339 UTC, or nil.
    public var publishedAt: String?
    public var language: String?
    public var summary: String?
    public var text: String
    /// Paragraphs of `text` left out of the canonical text (picture captions in the article's
    /// flow, `Article.captions`); encoded only when there are some.
    public var captions: [String]
    public var wordCount: Int
    public var categories: [String]
    public var feedURL: String?
    public var jobID: String
    /// RFC 3339 UTC of the job's fetch time.
    public var fetchedAt: String?
    public var parserVersion: String
    /// The raw 64-bit SimHash (not encoded separately; `simhash` is its hex).
    public var simhashValue: UInt64

    /// The canonical text of an article and its content hash: the first half of building an
    /// event, enough to know whether the event is needed at all (the extract stage's known
    /// candidates are skipped before their SimHash, fields and JSON).
    public struct CanonicalContent: Sendable {
        /// The canonical body (captions left out, normalized).
        public let body: [UInt8]
        /// Title + blank line + body, normalized: what is hashed.
        public let text: [UInt8]
        /// SHA-256 of `text`, 32 bytes.
        public let digest: [UInt8]
        /// `digest` in hex: the event's `content_hash`.
        public let contentHash: String

        /// Computes the canonical text and content hash of `article`.
        public init(article: Article) {
            let titleBytes = Array(article.title.utf8)
            let bodyBytes = CaptionParagraphs.hashedBody(text: article.text, captions: article.captions)
            let canonicalBody = CanonicalText.normalize(validUTF8: bodyBytes)
            var canonical = CanonicalText.normalize(validUTF8: titleBytes)
            canonical.append(0x0A); canonical.append(0x0A)
            canonical.append(contentsOf: canonicalBody)
            body = canonicalBody
            text = canonical
            digest = SHA256.digest(canonical)
            contentHash = Hex.encode(digest)
        }
    }

    /// Computes the canonical text, content hash, SimHash and word count of `article`.
    public init(article: Article, jobID: String, fetchedAt: Timestamp?, parserVersion: String = ParserVersion.current) {
        self.init(article: article, content: CanonicalContent(article: article), jobID: jobID, fetchedAt: fetchedAt,
                  parserVersion: parserVersion)
    }

    /// The event of `article` whose canonical text and hash are already computed (`content` must
    /// be `CanonicalContent(article: article)`: package-only, so no outside caller can pair an
    /// article with another article's hash).
    package init(article: Article, content: CanonicalContent, jobID: String, fetchedAt: Timestamp?,
                parserVersion: String = ParserVersion.current) {
        let canonicalBody = content.body
        let hash = content.contentHash
        let sim = SimHash.compute(canonicalBody.isEmpty ? content.text : canonicalBody)
        self.articleID = hash
        self.contentHash = hash
        self.simhashValue = sim
        self.simhash = Hex.encode(sim)
        self.url = article.url
        self.canonicalURL = article.canonicalURL ?? article.url.flatMap(URLTools.canonicalize)
        self.title = article.title
        self.authors = article.authors
        self.source = article.source
        self.publishedAt = article.publishedAt.map(RFC3339.format)
        self.language = article.language
        self.summary = article.summary
        self.text = article.text
        self.captions = article.captions
        // The canonical body is folded: words are the single-space separated runs.
        // Local unsafe loop (issue 11: this loop went from 1% to 3% of `bench feeds` once -Ounchecked
        // was removed): `i` runs over 0..<b.count, so every read is in bounds, and the count is at most
        // b.count, far below Int.max, so the wrapping `&+=` cannot wrap.
        let spaces = canonicalBody.withUnsafeBufferPointer { b -> Int in
            var n = 0
            for i in 0..<b.count {
                // Branch-free "is space": for x = byte ^ 0x20, bit 7 of x | (0 &- x) is set iff x ≠ 0.
                let x = b[i] ^ 0x20
                n &+= 1 &- Int((x | (0 &- x)) >> 7)
            }
            return n
        }
        let words = canonicalBody.isEmpty ? 0 : 1 + spaces
        self.wordCount = words
        self.categories = article.categories
        self.feedURL = article.feedURL
        self.jobID = jobID
        self.fetchedAt = fetchedAt.map(RFC3339.format)
        self.parserVersion = parserVersion
    }

    /// Number of white-space separated words in `text`.
    public static func countWords(_ text: [UInt8]) -> Int {
        var count = 0
        var inWord = false
        text.withUnsafeBufferPointer { b in
            var i = 0
            while i < b.count {
                let c = b[i]
                let l = c < 0x80 ? (Whitespace.isASCIISpace(c) ? 1 : 0)
                    : (c == 0xC2 || c == 0xE1 || c == 0xE2 || c == 0xE3 || c == 0xEF) ? Whitespace.spaceLength(b, at: i) : 0
                if l > 0 { inWord = false; i += l; continue }
                if !inWord { count += 1; inWord = true }
                i += 1
            }
        }
        return count
    }

    /// The event as JSON: fixed field order, no insignificant white space, valid UTF-8.
    public func encodeJSON() -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("schema"); w.int(Self.schema)
        w.key("article_id"); w.string(articleID)
        w.key("content_hash"); w.string(contentHash)
        w.key("simhash"); w.string(simhash)
        w.key("url"); w.optionalString(url)
        w.key("canonical_url"); w.optionalString(canonicalURL)
        w.key("title"); w.string(title)
        w.key("authors"); w.stringArray(authors)
        w.key("source"); w.optionalString(source)
        w.key("published_at"); w.optionalString(publishedAt)
        w.key("language"); w.optionalString(language)
        w.key("summary"); w.optionalString(summary)
        w.key("text"); w.string(text)
        if !captions.isEmpty { w.key("captions"); w.stringArray(captions) }
        w.key("word_count"); w.int(wordCount)
        w.key("categories"); w.stringArray(categories)
        w.key("feed_url"); w.optionalString(feedURL)
        w.key("job_id"); w.string(jobID)
        w.key("fetched_at"); w.optionalString(fetchedAt)
        w.key("parser_version"); w.string(parserVersion)
        w.endObject()
        return w.bytes
    }
}
