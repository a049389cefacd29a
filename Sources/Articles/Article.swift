@_exported import Normalization

/// One article as extracted from a document, before hashing and event encoding.
///
/// Every extractor (feeds, HTML pages, plain-text dumps) produces this shape. Text fields are
/// already normalized for display: entities decoded, HTML stripped, valid UTF-8, white space
/// folded inside paragraphs; `text` holds paragraphs separated by one blank line (`"\n\n"`).
public struct Article: Sendable, Hashable {
    /// The article's own link, absolute (for feeds: the entry's `link`).
    public var url: String?
    /// `<link rel=canonical>`/`og:url` for pages; for feeds the canonicalized `url`.
    public var canonicalURL: String?
    /// Feed entry identity (`guid`, Atom `id`, JSON Feed `id`), carried through unchanged.
    public var entryID: String?
    public var title: String
    public var authors: [String]
    /// Publisher name (feed title, `og:site_name`, a "Source + time" line...).
    public var source: String?
    /// Publication time, UTC.
    public var publishedAt: Timestamp?
    /// BCP 47 tag as found (`en`, `en-US`), or nil.
    public var language: String?
    public var summary: String?
    /// Clean body: paragraphs separated by a blank line.
    public var text: String
    /// Paragraphs of `text` that are picture captions in the article's flow. They stay in the body
    /// for readers; the canonical text (content hash, SimHash, word count) leaves them out, as
    /// DESIGN.md asks, so the same story with other photos hashes the same.
    public var captions: [String]
    public var categories: [String]
    /// The feed this entry came from, if any.
    public var feedURL: String?
    /// Lead image (`media:content`, `og:image`...), if any.
    public var imageURL: String?

    public init(
        url: String? = nil, canonicalURL: String? = nil, entryID: String? = nil,
        title: String, authors: [String] = [], source: String? = nil,
        publishedAt: Timestamp? = nil, language: String? = nil, summary: String? = nil,
        text: String, captions: [String] = [], categories: [String] = [], feedURL: String? = nil, imageURL: String? = nil
    ) {
        self.url = url
        self.canonicalURL = canonicalURL
        self.entryID = entryID
        self.title = title
        self.authors = authors
        self.source = source
        self.publishedAt = publishedAt
        self.language = language
        self.summary = summary
        self.text = text
        self.captions = captions
        self.categories = categories
        self.feedURL = feedURL
        self.imageURL = imageURL
    }
}

// `Timestamp` lives in Normalization (date parsing produces it) and is re-exported from here.

/// What the caller knows about a document before it is parsed.
public struct ExtractionContext: Sendable, Hashable {
    /// The URL the document was fetched from (base for relative links).
    public var url: String
    /// Reference time for relative dates ("2 days ago"); nil means relative dates are dropped.
    public var fetchedAt: Timestamp?
    /// Publisher-name hint from the job (`source`).
    public var sourceHint: String?
    /// `Content-Type` as declared by the job or the HTTP response (may carry `charset=`).
    public var contentType: String?
    /// The job's `kind` hint. Detection from the bytes wins when they disagree.
    public var kindHint: DocumentKind
    public var limits: ExtractionLimits

    public init(
        url: String, fetchedAt: Timestamp? = nil, sourceHint: String? = nil, contentType: String? = nil,
        kindHint: DocumentKind = .auto, limits: ExtractionLimits = .init()
    ) {
        self.url = url
        self.fetchedAt = fetchedAt
        self.sourceHint = sourceHint
        self.contentType = contentType
        self.kindHint = kindHint
        self.limits = limits
    }
}

/// The job-level document kind (DESIGN.md `kind`).
public enum DocumentKind: String, Sendable, Hashable, CaseIterable {
    case feed, article, page, auto
}

/// Caps that keep a parse bounded whatever the input.
public struct ExtractionLimits: Sendable, Hashable {
    /// Largest document accepted, in bytes.
    public var maxDocumentBytes: Int
    /// Deepest element nesting followed; deeper content is flattened or dropped.
    public var maxNestingDepth: Int
    /// Most entries read from one feed; the rest are ignored and reported.
    public var maxEntries: Int
    /// Most nodes (elements and text runs) in an HTML page's tree; the page is read from the tree
    /// built so far, with a warning. Bounds the tree's memory (about 30 bytes a node, plus the
    /// content scorer's per-node arrays) whatever the input.
    public var maxHTMLNodes: Int
    /// Work budget of an HTML page's tree, in steps: the sum of every node's depth (what the
    /// content scorer's per-node subtree and ancestor walks cost) plus the open-element stack
    /// steps of the tree builder. When it runs out the tree is truncated there, with a warning,
    /// so a page costs time linear in its size however it is nested.
    public var maxHTMLTreeWork: Int

    public init(maxDocumentBytes: Int = 10 << 20, maxNestingDepth: Int = 512, maxEntries: Int = 10_000,
                maxHTMLNodes: Int = 300_000, maxHTMLTreeWork: Int = 8_000_000) {
        self.maxDocumentBytes = maxDocumentBytes
        self.maxNestingDepth = maxNestingDepth
        self.maxEntries = maxEntries
        self.maxHTMLNodes = maxHTMLNodes
        self.maxHTMLTreeWork = maxHTMLTreeWork
    }
}
