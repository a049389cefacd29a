import Normalization

/// Metadata of an HTML page, each field taken from the best-ranked source that has it:
/// JSON-LD (`Article`, `NewsArticle`, `BlogPosting`... incl. `@graph`) first, then Dublin Core,
/// OpenGraph, `<meta name=...>`, Twitter cards, Parse.ly, then the document itself
/// (`<title>` with its site suffix removed, `<time datetime>`, `<html lang>`).
public struct PageMetadata: Sendable, Hashable {
    public var title: String?
    public var byline: String?
    public var siteName: String?
    public var excerpt: String?
    /// The publication date exactly as the page wrote it.
    public var publishedRaw: String?
    public var language: String?
    public var canonicalURL: String?
    public var imageURL: String?
    public var charset: String?

    public init() {}
}

/// Collects `PageMetadata` from a parsed page.
struct MetadataReader {
    let doc: HTMLDocument

    /// JSON-LD fields found in `<script type="application/ld+json">`.
    struct LinkedData {
        var title: String?
        var byline: String?
        var excerpt: String?
        var siteName: String?
        var datePublished: String?
    }

    func read() -> PageMetadata {
        var values: [String: String] = [:]
        var md = PageMetadata()
        var scripts: [Int32] = []
        var firstTime: String?
        var n = doc.firstChild[0]
        while n >= 0 {
            switch doc.tag[Int(n)] {
            case .meta:
                collectMeta(n, into: &values, metadata: &md)
            case .html:
                if md.language == nil, let l = doc.attribute(n, .lang), !l.isEmpty { md.language = l }
            case .link:
                if md.canonicalURL == nil, let rel = doc.attribute(n, .rel)?.lowercased(), rel.split(separator: " ").contains("canonical") {
                    md.canonicalURL = doc.attribute(n, .href)
                }
            case .script:
                if let t = doc.attribute(n, .type)?.lowercased(), t.hasPrefix("application/ld+json") { scripts.append(n) }
            case .time:
                if firstTime == nil, let dt = doc.attribute(n, .datetime), !dt.isEmpty {
                    if doc.hasAttribute(n, .pubdate) || (doc.attribute(n, .itemprop)?.contains("datePublished") ?? false) || firstTime == nil {
                        firstTime = dt
                    }
                }
            default: break
            }
            n = doc.following(n, within: 0)
        }
        let ld = linkedData(scripts)
        func v(_ keys: String...) -> String? {
            for k in keys { if let s = values[k], !s.isEmpty { return s } }
            return nil
        }
        md.title = ld?.title ?? v("dc:title", "dcterm:title", "og:title", "weibo:article:title", "weibo:webpage:title", "title", "twitter:title", "parsely-title")
        if md.title == nil { md.title = documentTitle() }
        var byline = ld?.byline ?? v("dc:creator", "dcterm:creator", "author", "parsely-author")
        if byline == nil, let a = values["article:author"], !a.isEmpty, !a.hasPrefix("http://"), !a.hasPrefix("https://") { byline = a }
        md.byline = byline
        md.excerpt = ld?.excerpt ?? v("dc:description", "dcterm:description", "og:description", "weibo:article:description", "weibo:webpage:description", "description", "twitter:description")
        md.siteName = ld?.siteName ?? v("og:site_name")
        md.publishedRaw = ld?.datePublished ?? v("article:published_time", "parsely-pub-date", "dc:date", "dcterm:date", "date", "pubdate", "publish-date", "article:modified_time") ?? firstTime
        md.imageURL = v("og:image", "twitter:image")
        return md
    }

    private static let metaNames: Set<String> = ["author", "creator", "pub-date", "description", "title", "site_name"]
    private static let prefixes: Set<String> = ["dc", "dcterm", "og", "twitter", "parsely", "weibo:article", "weibo:webpage"]
    private static let propertyPrefixes: Set<String> = ["article", "dc", "dcterm", "og", "twitter"]
    private static let propertyNames: Set<String> = ["author", "creator", "description", "published_time", "modified_time", "title", "site_name", "image"]

    func collectMeta(_ n: Int32, into values: inout [String: String], metadata md: inout PageMetadata) {
        if md.charset == nil, let cs = doc.attribute(n, .charset), !cs.isEmpty { md.charset = cs }
        guard let content = doc.attribute(n, .content) else { return }
        // Folded only when some key stores it (most `<meta>` elements are not read).
        var folded: String?
        func trimmed() -> String {
            if let folded { return folded }
            let f = TextBuilder.fold(content)
            folded = f
            return f
        }
        if let prop = doc.attribute(n, .property) {
            for token in prop.lowercased().split(separator: " ") {
                let parts = token.split(separator: ":", maxSplits: 1)
                if parts.count == 2, MetadataReader.propertyPrefixes.contains(String(parts[0])),
                   MetadataReader.propertyNames.contains(String(parts[1])) {
                    values[String(token)] = trimmed()
                }
            }
        }
        if let name = doc.attribute(n, .name) {
            var key = ""
            for ch in name.lowercased() where !ch.isWhitespace { key.append(ch == "." ? ":" : ch) }
            if MetadataReader.metaNames.contains(key) {
                values[key] = trimmed()
            } else if MetadataReader.prefixes.contains(where: { p in
                key.hasPrefix(p) && key.count > p.count + 1
                    && [":", "-"].contains(key[key.index(key.startIndex, offsetBy: p.count)])
                    && MetadataReader.metaNames.contains(String(key.dropFirst(p.count + 1)))
            }) {
                values[key] = trimmed()
            } else if ["date", "pubdate"].contains(key) {
                values[key] = trimmed()
            }
            if key == "dc:date" || key == "dcterm:date" || key == "publish-date" { values[key] = trimmed() }
        }
        if let he = doc.attribute(n, .httpEquiv)?.lowercased(), he == "content-type", md.charset == nil {
            md.charset = CharsetSniffer.charsetParameter(content)
        }
    }

    /// The `<title>` text with white space folded.
    func rawTitle() -> String {
        guard let t = doc.firstElement(.title) else { return "" }
        var out: [UInt8] = []
        for c in doc.children(t) where doc.tag[Int(c)] == .text {
            out.append(contentsOf: doc.source[Int(doc.lo[Int(c)])..<Int(doc.hi[Int(c)])])
            out.append(32)
        }
        return TextBuilder.fold(TextBuilder.decodedString(out[...]))
    }

    func headingTexts(_ tags: [HTMLTag]) -> [String] {
        var out: [String] = []
        for t in tags {
            for h in doc.elements(t, under: 0) { out.append(TextBuilder.fold(TextBuilder.decodedString(textBytes(h)[...]))) }
        }
        return out
    }

    func textBytes(_ n: Int32) -> [UInt8] {
        var out: [UInt8] = []
        var k = doc.firstChild[Int(n)]
        while k >= 0 {
            if doc.tag[Int(k)] == .text { out.append(contentsOf: doc.source[Int(doc.lo[Int(k)])..<Int(doc.hi[Int(k)])]) }
            k = doc.following(k, within: n)
        }
        return out
    }

    /// The document title with a " | Site Name"-style part removed (readability's rules).
    func documentTitle() -> String? {
        let orig = rawTitle()
        return TitleCleaner.clean(orig, headings: { self.headingTexts([.h1, .h2]) }, h1s: { self.headingTexts([.h1]) })
    }

    // MARK: JSON-LD

    func linkedData(_ scripts: [Int32]) -> LinkedData? {
        for s in scripts {
            var raw: [UInt8] = []
            for c in doc.children(s) where doc.tag[Int(c)] == .text {
                raw.append(contentsOf: doc.source[Int(doc.lo[Int(c)])..<Int(doc.hi[Int(c)])])
            }
            if let ld = LinkedDataParser.parse(raw, documentTitle: documentTitle() ?? "") { return ld }
        }
        return nil
    }
}

/// Removes site-name parts from a document title.
enum TitleCleaner {
    static let separators: Set<Character> = ["|", "-", "–", "—", "\\", "/", ">", "»"]
    static let hierarchical: Set<Character> = ["\\", "/", ">", "»"]

    static func wordCount(_ s: String) -> Int { s.split(omittingEmptySubsequences: false, whereSeparator: { $0.isWhitespace }).count }

    static func clean(_ orig: String, headings: () -> [String], h1s: () -> [String]) -> String? {
        if orig.isEmpty {
            let h = h1s()
            return h.count == 1 ? h[0] : nil
        }
        var cur = orig
        var hadHierarchical = false
        let chars = Array(orig)
        // " sep " positions
        var sepPositions: [Int] = []
        if chars.count >= 3 {
            for i in 1..<(chars.count - 1) where separators.contains(chars[i]) && chars[i - 1] == " " && chars[i + 1] == " " {
                sepPositions.append(i - 1)
                if hierarchical.contains(chars[i]) { hadHierarchical = true }
            }
        }
        if let last = sepPositions.last {
            cur = String(chars[..<last])
            if wordCount(cur) < 3, let first = chars.firstIndex(where: { separators.contains($0) }) {
                cur = String(chars[(first + 1)...])
            }
        } else if orig.contains(": ") {
            let trimmed = orig.trimmingSpaces
            if !headings().contains(where: { $0 == trimmed }) {
                if let lastColon = chars.lastIndex(of: ":") {
                    cur = String(chars[(lastColon + 1)...])
                    if wordCount(cur.trimmingSpaces) < 3, let firstColon = chars.firstIndex(of: ":") {
                        cur = String(chars[(firstColon + 1)...])
                    } else if let firstColon = chars.firstIndex(of: ":"), wordCount(String(chars[..<firstColon])) > 5 {
                        cur = orig
                    }
                }
            }
        } else if chars.count > 150 || chars.count < 15 {
            let h = h1s()
            if h.count == 1 { cur = h[0] }
        }
        cur = TextBuilder.fold(cur)
        let wc = wordCount(cur)
        let origWithoutSeps = String(orig.filter { !separators.contains($0) })
        if wc <= 4 && (!hadHierarchical || wc != wordCount(collapseSpaces(origWithoutSeps)) - 1) {
            cur = orig
        }
        return cur
    }

    static func collapseSpaces(_ s: String) -> String {
        // readability splits on \s+ without trimming: keep a leading/trailing empty word
        var out = ""
        var space = false
        for ch in s {
            if ch.isWhitespace { space = true; continue }
            if space { out.append(" ") }
            space = false
            out.append(ch)
        }
        if space { out.append(" ") }
        return out
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}

/// Reads the article fields of a JSON-LD block (parsed by the shared `JSONReader`).
enum LinkedDataParser {
    static let articleTypes = ["AdvertiserContentArticle", "NewsArticle", "AnalysisNewsArticle", "AskPublicNewsArticle",
                               "BackgroundNewsArticle", "BlogPosting", "DiscussionForumPosting", "LiveBlogPosting",
                               "OpinionNewsArticle", "ReportageNewsArticle", "ReviewNewsArticle", "Report", "SatiricalArticle",
                               "ScholarlyArticle", "MedicalScholarlyArticle", "SocialMediaPosting", "TechArticle"]

    static func isArticleType(_ v: JSONValue?) -> Bool {
        guard let v else { return false }
        if let s = v.stringValue { return s.hasPrefix("Article") || articleTypes.contains { s.contains($0) } }
        if let a = v.arrayValue { return a.contains { isArticleType($0) } }
        return false
    }

    static func isSchemaOrg(_ s: String) -> Bool {
        var t = s
        if t.hasSuffix("/") { t.removeLast() }
        return t == "http://schema.org" || t == "https://schema.org"
    }

    static func parse(_ raw: [UInt8], documentTitle: @autoclosure () -> String) -> MetadataReader.LinkedData? {
        var bytes = raw[...]
        // Strip a CDATA wrapper and surrounding white space.
        while let f = bytes.first, TextBuilder.isWS(f) { bytes = bytes.dropFirst() }
        if bytes.starts(with: Array("<![CDATA[".utf8)) { bytes = bytes.dropFirst(9) }
        while let l = bytes.last, TextBuilder.isWS(l) { bytes = bytes.dropLast() }
        if bytes.count >= 3, Array(bytes.suffix(3)) == Array("]]>".utf8) { bytes = bytes.dropLast(3) }
        guard var value = try? JSONReader.parse(Array(bytes), maxDepth: 64) else { return nil }
        if let list = value.arrayValue {
            guard let found = list.first(where: { isArticleType($0["@type"]) }) else { return nil }
            value = found
        }
        let context = value["@context"]
        let schemaOK = (context?.stringValue.map(isSchemaOrg) ?? false) || (context?["@vocab"]?.stringValue.map(isSchemaOrg) ?? false)
        guard schemaOK else { return nil }
        if value["@type"] == nil, let graph = value["@graph"]?.arrayValue {
            guard let found = graph.first(where: { isArticleType($0["@type"]) }) else { return nil }
            value = found
        }
        guard isArticleType(value["@type"]) else { return nil }
        var ld = MetadataReader.LinkedData()
        let name = value["name"]?.stringValue.map(clean), headline = value["headline"]?.stringValue.map(clean)
        if let name, let headline, name != headline {
            let title = documentTitle()
            let nameMatches = Similarity.text(name, title) > 0.75
            let headlineMatches = Similarity.text(headline, title) > 0.75
            ld.title = headlineMatches && !nameMatches ? headline : name
        } else {
            ld.title = name ?? headline
        }
        if let author = value["author"] {
            if let n = author["name"]?.stringValue {
                ld.byline = clean(n)
            } else if let list = author.arrayValue, list.first?["name"]?.stringValue != nil {
                ld.byline = list.compactMap { $0["name"]?.stringValue.map(clean) }.joined(separator: ", ")
            }
        }
        ld.excerpt = value["description"]?.stringValue.map(clean)
        ld.siteName = value["publisher"]?["name"]?.stringValue.map(clean)
        ld.datePublished = value["datePublished"]?.stringValue.map(clean)
        if ld.title?.isEmpty == true { ld.title = nil }
        if ld.byline?.isEmpty == true { ld.byline = nil }
        return ld
    }

    static func clean(_ s: String) -> String { TextBuilder.decodedString(Array(s.utf8)[...]) }
}
