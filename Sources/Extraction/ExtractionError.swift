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
    /// The page's markup exceeds the work caps of `ExtractionLimits` (nodes, nesting, tree work)
    /// and the part read within them holds no article.
    case tooComplex(reason: String)
    /// The document looked like a feed but the feed parser rejected it (the parser's typed error).
    case feed(FeedError)

    public var description: String {
        switch self {
        case .empty: return "empty document"
        case .tooLarge(let b, let l): return "document of \(b) bytes exceeds the \(l)-byte limit"
        case .binary(let r): return "binary data, not a document (\(r))"
        case .noArticle(let r): return "no article: \(r)"
        case .tooComplex(let r): return "document too complex: \(r)"
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
        case .tooComplex: return "too_complex"
        case .feed(.notAFeed): return "not_a_feed"
        case .feed(.tooLarge): return "too_large"
        case .feed: return "bad_feed"
        }
    }
}
