import Articles
import Normalization

/// Turns an HTML page into one article: main content, title, byline, date, language, canonical URL.
public struct HTMLArticleExtractor: Sendable {
    public init() {}

    /// Extracts the page's article from UTF-8 bytes (decode legacy charsets before calling).
    public func extract(_ bytes: [UInt8], context: ExtractionContext) throws(ExtractionError) -> (Article, PageMetadata, [String]) {
        let doc = HTMLParser.parse(bytes, limits: context.limits)
        let md = MetadataReader(doc: doc).read()
        let title = md.title ?? ""
        // A page cut short by the work caps that yields nothing is reported as too complex, not as
        // a page without an article: the cause is the markup, and the DLQ record should say so.
        func noArticle(_ reason: String) -> ExtractionError {
            guard let at = doc.truncatedAt else { return .noArticle(reason: reason) }
            return .tooComplex(reason: "tree truncated at byte \(at) of \(bytes.count) by the work caps, and \(reason) before it")
        }
        guard let result = ContentExtractor(articleTitle: title, metadataHasByline: md.byline != nil).extract(doc) else {
            throw noArticle("no text content found")
        }
        var metadata = md
        if metadata.byline == nil { metadata.byline = result.byline }
        do {
            try NoArticleRules.check(text: result.text, textLength: result.textLength, linkDensity: result.linkDensity, title: title, doc: doc)
        } catch {
            if case .noArticle(let reason) = error { throw noArticle(reason) }
            throw error
        }
        let authors = Bylines.authors(from: metadata.byline)
        var published = DateAdapter.parse(metadata.publishedRaw, reference: context.fetchedAt)
        if published == nil {
            for candidate in DateCandidates.collect(doc) {
                if let t = DateAdapter.parse(candidate, reference: context.fetchedAt) { published = t; break }
            }
        }
        let article = Article(
            url: context.url.isEmpty ? nil : context.url,
            canonicalURL: metadata.canonicalURL.flatMap { context.url.isEmpty ? $0 : (URLTools.resolve($0, against: context.url) ?? $0) },
            title: UnicodeNormalizer.nfc(TextBuilder.fold(title)),
            authors: authors,
            source: metadata.siteName ?? context.sourceHint,
            publishedAt: published,
            language: metadata.language,
            summary: metadata.excerpt,
            // NFC as DESIGN.md's canonical text: pages mix composed and decomposed spellings (and
            // Bengali U+09DF, which NFC decomposes), and consumers compare text, not hashes.
            text: UnicodeNormalizer.nfc(result.text),
            captions: result.captions.map(UnicodeNormalizer.nfc),
            imageURL: metadata.imageURL.flatMap { context.url.isEmpty ? $0 : (URLTools.resolve($0, against: context.url) ?? $0) }
        )
        return (article, metadata, doc.warnings)
    }
}

/// Rules that tell a page with no article (index, login wall, error page) from an article.
enum NoArticleRules {
    /// Content whose share of link text is above this is an index or navigation page.
    static let maxLinkDensity: Float = 0.6

    static let wallWords = Keywords("page not found|404 |error 404|not found|sign in|log in|login|access denied|403 forbidden|subscribe to continue|an error occurred|error 500|server error")

    static let wallPhrases = Keywords("subscribe to continue|subscribe to read|sign in to continue|log in to continue|login to continue|sign in to read|create a free account to|this content is for subscribers|already a subscriber|to continue reading, please|enable javascript and cookies to continue")

    static func check(text: String, textLength: Int, linkDensity: Float, title: String, doc: HTMLDocument) throws(ExtractionError) {
        if textLength == 0 { throw .noArticle(reason: "no text content found") }
        var headings = title.lowercased()
        if let h1 = doc.firstElement(.h1) {
            var k = doc.firstChild[Int(h1)]
            var bytes: [UInt8] = []
            while k >= 0 {
                if doc.tag[Int(k)] == .text { bytes.append(contentsOf: doc.source[Int(doc.lo[Int(k)])..<Int(doc.hi[Int(k)])]); bytes.append(32) }
                k = doc.following(k, within: h1)
            }
            headings += " | " + String(decoding: bytes.prefix(300), as: UTF8.self).lowercased()
        }
        if textLength < 600, wallWords.matches(Array(headings.utf8)) {
            throw .noArticle(reason: "error or login page (\"\(title)\")")
        }
        if textLength < 1200, wallPhrases.matches(Array(text.lowercased().utf8)) {
            throw .noArticle(reason: "login or subscription wall with \(textLength) characters of teaser")
        }
        if linkDensity > maxLinkDensity {
            throw .noArticle(reason: "content is mostly links (index or navigation page)")
        }
        // Index pages: a list of short headline-like blocks and no paragraph of prose.
        // Ideographic scripts pack a word into one or two characters: weigh them double.
        var longest = 0, paragraphs = 0, blocks = 0, n = 0
        var newlines = 0
        // Scalars read off the UTF-8 bytes: a lead byte starts one; U+2E80 and above are the
        // lead bytes E3–F4 and E2 followed by BA or more.
        var utf8 = text
        utf8.withUTF8 { bytes in
            for (i, b) in bytes.enumerated() where b & 0xC0 != 0x80 {
                if b == 0x0A { newlines += 1; continue }
                if newlines >= 2 {
                    blocks += 1; if n >= 80 { paragraphs += 1 }; longest = max(longest, n); n = 0
                } else if newlines == 1 { n += 1 }
                newlines = 0
                n += b >= 0xE3 || (b == 0xE2 && i + 1 < bytes.count && bytes[i + 1] >= 0xBA) ? 2 : 1
            }
        }
        blocks += 1; if n >= 80 { paragraphs += 1 }; longest = max(longest, n)
        if blocks >= 8 && paragraphs == 0 && longest < 80 {
            throw .noArticle(reason: "no paragraph of prose among \(blocks) short blocks (index or navigation page)")
        }
    }
}

/// Splits a byline ("By Jane Doe and John Roe", "Doe, Jane") into author names.
enum Bylines {
    static func authors(from byline: String?) -> [String] {
        guard var s = byline.map(TextBuilder.fold), !s.isEmpty else { return [] }
        for prefix in ["By ", "by ", "BY ", "Par ", "par ", "Von ", "von ", "Por ", "por ", "Written by ", "Posted by "] where s.hasPrefix(prefix) {
            s = String(s.dropFirst(prefix.count))
        }
        if s.hasPrefix("http://") || s.hasPrefix("https://") { return [] }
        var parts: [String] = []
        for chunk in s.split(separator: ",") {
            for piece in chunk.replacingAnd().split(separator: "\u{1}") {
                let name = String(piece).trimmingSpaces
                if !name.isEmpty { parts.append(name) }
            }
        }
        return parts
    }
}

extension Substring {
    /// Replaces " and " / " & " separators by \u{1}.
    func replacingAnd() -> String {
        var out = ""
        let words = self.split(separator: " ", omittingEmptySubsequences: true)
        for (i, w) in words.enumerated() {
            if (w == "and" || w == "&" || w == "und" || w == "et" || w == "y") && i > 0 && i < words.count - 1 {
                out.append("\u{1}")
            } else {
                if !out.isEmpty && out.last != "\u{1}" { out.append(" ") }
                out.append(contentsOf: w)
            }
        }
        return out
    }
}

/// Dates go through the shared tolerant parser of the Normalization module.
enum DateAdapter {
    static func parse(_ raw: String?, reference: Timestamp?) -> Timestamp? {
        guard let raw, !raw.isEmpty else { return nil }
        return DateParser.parse(Array(raw.utf8), reference: reference)
    }
}
