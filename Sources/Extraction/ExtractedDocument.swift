import Articles
import Feeds

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
