import Articles
import Feeds

/// Why a document produced no articles.
public enum ExtractionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The document has no bytes.
    case empty
    /// The document exceeds `ExtractionLimits.maxDocumentBytes`.
    case tooLarge(bytes: Int, limit: Int)
    /// The bytes are not text (NUL bytes, control characters, an image or archive signature).
    case binary(reason: String)
    /// The page holds no article (index page, login wall, error page, too little text).
    case noArticle(reason: String)
    /// The document looked like a feed but the feed parser rejected it (the parser's typed error).
    case feed(FeedError)

    public var description: String {
        switch self {
        case .empty: return "empty document"
        case .tooLarge(let b, let l): return "document of \(b) bytes exceeds the \(l)-byte limit"
        case .binary(let r): return "binary data, not a document (\(r))"
        case .noArticle(let r): return "no article: \(r)"
        case .feed(let e): return "feed rejected: \(e)"
        }
    }

    /// A short stable code for metrics and DLQ headers.
    public var code: String {
        switch self {
        case .empty: return "empty"
        case .tooLarge: return "too_large"
        case .binary: return "binary"
        case .noArticle: return "no_article"
        case .feed(.notAFeed): return "not_a_feed"
        case .feed(.tooLarge): return "too_large"
        case .feed: return "bad_feed"
        }
    }
}

/// What a document turned out to be.
public enum DetectedKind: String, Sendable, Hashable {
    case feed
    case htmlPage = "html"
    case textDump = "text"
}

/// The result of `DocumentExtractor.extract`: the articles, what the document was, and any
/// malformed-input observations (recovered markup errors, dropped nesting, charset repair).
public struct ExtractedDocument: Sendable {
    public var kind: DetectedKind
    public var articles: [Article]
    public var warnings: [String]
    /// For HTML pages: the metadata as found on the page (raw date string, byline as written...).
    public var pageMetadata: PageMetadata?
    /// For feeds: the feed's own title.
    public var feedTitle: String?
    /// For feeds: the parsed feed (format, charset, recovery warnings), for `FeedCorpusFormatter`.
    public var feed: ParsedFeed?

    public init(kind: DetectedKind, articles: [Article], warnings: [String] = [], pageMetadata: PageMetadata? = nil, feedTitle: String? = nil, feed: ParsedFeed? = nil) {
        self.feed = feed
        self.kind = kind
        self.articles = articles
        self.warnings = warnings
        self.pageMetadata = pageMetadata
        self.feedTitle = feedTitle
    }
}
