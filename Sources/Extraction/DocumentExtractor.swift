import Articles
import Feeds
import Normalization

/// The one entry point the worker calls: detects what the bytes are (feed, HTML page,
/// plain-text page dump) and extracts their articles.
///
/// `context.kindHint` and `context.contentType` are hints only; the bytes decide.
public struct DocumentExtractor: Sendable {
    public init() {}

    public func extract(_ bytes: [UInt8], context: ExtractionContext) throws(ExtractionError) -> ExtractedDocument {
        if bytes.isEmpty { throw .empty }
        if bytes.count > context.limits.maxDocumentBytes {
            throw .tooLarge(bytes: bytes.count, limit: context.limits.maxDocumentBytes)
        }
        if let reason = BinarySniffer.binaryReason(bytes) { throw .binary(reason: reason) }
        // UTF-16 (with or without BOM) is converted first so that detection sees the markup.
        var text: Text
        if let label = BinarySniffer.utf16Label(bytes) {
            let (utf8, warnings) = TextDecoding.toUTF8(bytes, declared: label)
            text = Text(bytes: utf8, isUTF8: true, warnings: warnings)
        } else {
            text = Text(bytes: bytes, isUTF8: false, warnings: [])
        }
        let kind = DocumentSniffer.detect(text.bytes, hint: context.kindHint, contentType: context.contentType)
        switch kind {
        case .feed:
            do {
                // The feed parser does its own charset handling from the original bytes.
                let doc = try FeedDispatch.extract(bytes, context: context)
                // A "feed" without entries whose bytes carry HTML page markers is read as a page.
                if doc.articles.isEmpty, DocumentSniffer.hasPageMarkers(text.bytes),
                   let page = try? extractPage(text, context: context) {
                    return page
                }
                return doc
            } catch .notAFeed {
                // The sniffer saw feed markers but the parser disagrees: read it as a page.
                return try extractPage(text, context: context)
            } catch {
                throw .feed(error)
            }
        case .htmlPage:
            return try extractPage(text, context: context)
        case .textDump:
            if !text.isUTF8 {
                let (utf8, warnings) = TextDecoding.toUTF8(bytes, declared: context.contentType.flatMap(CharsetSniffer.charsetParameter))
                text = Text(bytes: utf8, isUTF8: true, warnings: warnings)
            }
            let articles = try TextDumpExtractor().extract(text.bytes, context: context)
            return ExtractedDocument(kind: .textDump, articles: articles, warnings: text.warnings)
        }
    }

    /// Document bytes, possibly already converted to UTF-8.
    struct Text {
        var bytes: [UInt8]
        var isUTF8: Bool
        var warnings: [String]
    }
}

extension DocumentExtractor {
    func extractPage(_ text: Text, context: ExtractionContext) throws(ExtractionError) -> ExtractedDocument {
        var utf8 = text.bytes, warnings = text.warnings
        if !text.isUTF8 {
            (utf8, warnings) = TextDecoding.toUTF8(text.bytes, declared: CharsetSniffer.sniff(text.bytes, contentType: context.contentType))
        }
        let (article, md, treeWarnings) = try HTMLArticleExtractor().extract(utf8, context: context)
        return ExtractedDocument(kind: .htmlPage, articles: [article], warnings: warnings + treeWarnings, pageMetadata: md)
    }
}

/// Tells binary data from text by its first bytes.
enum BinarySniffer {
    /// File signatures, built once (not per document).
    static let signatures: [([UInt8], String)] = [
        ([0x89, 0x50, 0x4E, 0x47], "PNG image"), ([0xFF, 0xD8, 0xFF], "JPEG image"), ([0x47, 0x49, 0x46, 0x38], "GIF image"),
        ([0x25, 0x50, 0x44, 0x46], "PDF document"), ([0x50, 0x4B, 0x03, 0x04], "ZIP archive"), ([0x1F, 0x8B], "gzip data"),
    ]

    static func binaryReason(_ bytes: [UInt8]) -> String? {
        let head = bytes.prefix(2048)
        if head.count >= 2, (head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF) { return nil } // UTF-16 BOM
        for (sig, name) in signatures where head.starts(with: sig) { return name }
        var control = 0
        var nul = 0
        for b in head {
            if b == 0 { nul += 1 } else if b < 0x20 && b != 9 && b != 10 && b != 13 && b != 12 { control += 1 }
        }
        if nul > 0 && !looksUTF16(head) { return "\(nul) NUL bytes in the first \(head.count)" }
        if control * 10 > head.count { return "\(control) control bytes in the first \(head.count)" }
        return nil
    }

    /// "utf-16le"/"utf-16be" for UTF-16 text (a BOM, or every other byte NUL), else nil.
    static func utf16Label(_ bytes: [UInt8]) -> String? {
        let head = bytes.prefix(512)
        if head.count >= 2, head[0] == 0xFF, head[1] == 0xFE { return "utf-16le" }
        if head.count >= 2, head[0] == 0xFE, head[1] == 0xFF { return "utf-16be" }
        guard head.count >= 4, looksUTF16(head) else { return nil }
        var evenNul = 0, oddNul = 0
        for (i, b) in head.enumerated() where b == 0 { if i % 2 == 0 { evenNul += 1 } else { oddNul += 1 } }
        return oddNul > evenNul ? "utf-16le" : "utf-16be"
    }

    static func looksUTF16(_ head: ArraySlice<UInt8>) -> Bool {
        // Every other byte NUL: UTF-16 without BOM.
        var evenNul = 0, oddNul = 0
        for (i, b) in head.enumerated() where b == 0 { if i % 2 == 0 { evenNul += 1 } else { oddNul += 1 } }
        return max(evenNul, oddNul) * 3 > head.count
    }
}

/// Decides feed vs HTML page vs plain-text dump from the bytes.
enum DocumentSniffer {
    static let pageMarkers = Keywords("<html|<body|<!doctype html")
    /// The other marker lists of `detect`, built once (not per document).
    static let jsonFeedMarkers = Keywords("jsonfeed.org|\"items\"")
    static let feedMarkers = Keywords("<rss|<feed|<rdf:rdf|<channel")
    static let htmlMarkers = Keywords("<html|<!doctype html")
    static let rssMarkers = Keywords("<rss|<feed")

    static func hasPageMarkers(_ bytes: [UInt8]) -> Bool {
        pageMarkers.matches(Array(bytes.prefix(8192)).map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 })
    }

    static func detect(_ bytes: [UInt8], hint: DocumentKind, contentType: String?) -> DetectedKind {
        if FeedFormat.detect(bytes) != nil { return .feed }
        var i = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        while i < bytes.count, TextBuilder.isWS(bytes[i]) { i += 1 }
        // Every marker below opens with "<": a head that neither opens with "{" or "<" nor holds a "<"
        // is a text dump (without lower-casing a copy of it).
        if i < bytes.count, bytes[i] != 0x7B, bytes[i] != 0x3C, !bytes[i..<min(bytes.count, i + 2048)].contains(0x3C) { return .textDump }
        let head = Array(bytes[i..<min(bytes.count, i + 2048)]).map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
        guard let first = head.first else { return .textDump }
        if first == 0x7B /* { */ {
            if jsonFeedMarkers.matches(head) { return .feed }
            return .textDump
        }
        if first == 0x3C /* < */ {
            if feedMarkers.matches(head) && !htmlMarkers.matches(Array(head.prefix(512))) {
                return .feed
            }
            return .htmlPage
        }
        // Text that still carries markup further in (leading junk before <html>).
        if pageMarkers.matches(head) { return .htmlPage }
        if hint == .feed, rssMarkers.matches(head) { return .feed }
        return .textDump
    }
}

/// Charset conversion goes through the shared iconv-based decoder of the Normalization module.
enum TextDecoding {
    static func toUTF8(_ bytes: [UInt8], declared: String?) -> ([UInt8], [String]) {
        // Non-ASCII bytes that form valid UTF-8 are UTF-8 whatever the page declares: pages are often
        // re-saved as UTF-8 with their old <meta charset> left in, and valid multi-byte UTF-8 by chance
        // in a legacy charset is vanishingly rare on real text. (UTF-16 declarations are left to the decoder.)
        if let declared, !declared.lowercased().hasPrefix("utf-16"), bytes.contains(where: { $0 >= 0x80 }), UTF8Repair.isValid(bytes) {
            var b = bytes
            if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { b.removeFirst(3) }
            let isUTF8Label = sameCharset(declared, "utf-8")
            return (b, isUTF8Label ? [] : ["declared charset \(declared) ignored: the bytes are valid UTF-8"])
        }
        do {
            let (utf8, charset) = try CharsetDecoder.toUTF8(bytes, declared: declared)
            var b = utf8
            if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { b.removeFirst(3) }
            var warnings: [String] = []
            if let declared, !sameCharset(declared, charset) { warnings.append("declared charset \(declared) not used; decoded as \(charset)") }
            return (b, warnings)
        } catch {
            // Unknown label: fall back to the bytes as UTF-8 (invalid sequences become U+FFFD when strings are built).
            if let (utf8, _) = try? CharsetDecoder.toUTF8(bytes, declared: nil) { return (utf8, ["charset \(declared ?? "?") not convertible (\(error)); decoded without it"]) }
            return (bytes, ["charset conversion failed (\(error))"])
        }
    }

    static func sameCharset(_ a: String, _ b: String) -> Bool {
        func norm(_ s: String) -> String { String(s.lowercased().filter { $0.isLetter || $0.isNumber }) }
        let x = norm(a), y = norm(b)
        return x == y || (["utf8", "unicode11utf8"].contains(x) && y == "utf8") || (["latin1", "iso88591", "usascii", "ascii"].contains(x) && y == "windows1252")
    }
}

/// Feeds go to the shared `FeedParser` of the Feeds module.
enum FeedDispatch {
    static func extract(_ bytes: [UInt8], context: ExtractionContext) throws(FeedError) -> ExtractedDocument {
        let feed = try FeedParser.parse(bytes, context: context)
        var warnings = feed.warnings.map { "malformed feed: \($0)" }
        if feed.articles.count >= context.limits.maxEntries { warnings.append("entries beyond \(context.limits.maxEntries) ignored") }
        // An entry with no title, text, link or id says nothing: as an article it would be an empty
        // event, and every such entry of every feed would share its content hash.
        let articles = feed.articles.filter { !isEmptyEntry($0) }
        if articles.count < feed.articles.count {
            warnings.append("\(feed.articles.count - articles.count) empty entries skipped (no title, text, link or id)")
        }
        return ExtractedDocument(kind: .feed, articles: articles, warnings: warnings, feedTitle: feed.title, feed: feed)
    }

    /// No title, no text (white space aside), no link and no id.
    static func isEmptyEntry(_ a: Article) -> Bool {
        a.url == nil && a.entryID == nil && isBlank(a.title) && isBlank(a.text)
    }

    static func isBlank(_ s: String) -> Bool {
        s.utf8.allSatisfy { $0 <= 0x20 }
    }
}
