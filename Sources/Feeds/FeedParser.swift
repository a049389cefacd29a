import Articles

/// Parses RSS 0.9x/2.0, RSS 1.0 (RDF), Atom 0.3/1.0 and JSON Feed 1.0/1.1 documents into articles.
public enum FeedParser {
    /// Parses `bytes` (any supported charset) as a feed.
    ///
    /// Entries become `Article`s: titles HTML-stripped and entity-decoded (escaped markup such as
    /// `&lt;stdio.h&gt;` stays text; only literal and CDATA markup is stripped, and Atom
    /// `type="html"` titles are read as HTML), content turned into
    /// paragraph text, links resolved against `xml:base` and `context.url`, dates parsed (relative
    /// ones against `context.fetchedAt`), `source` set to the feed title or `context.sourceHint`.
    public static func parse(_ bytes: [UInt8], context: ExtractionContext) throws(FeedError) -> ParsedFeed {
        let limits = context.limits
        guard bytes.count <= limits.maxDocumentBytes else {
            throw .tooLarge(bytes: bytes.count, limit: limits.maxDocumentBytes)
        }
        let declared = sniffDeclaredCharset(bytes) ?? httpCharset(context.contentType)
        let decoded: (bytes: [UInt8], charset: String)
        do { decoded = try CharsetDecoder.toUTF8(bytes, declared: declared) } catch { throw .encoding(error) }
        guard let format = FeedFormat.detect(decoded.bytes) else { throw .notAFeed }
        var feed: ParsedFeed
        if format == .jsonFeed {
            feed = try JSONFeedReader.parse(decoded.bytes, context: context)
        } else {
            var reader = XMLFeedReader(format: format, context: context)
            decoded.bytes.withUnsafeBufferPointer { reader.run($0) }
            feed = ParsedFeed(format: format, charset: decoded.charset, warnings: reader.warnings, articles: reader.articles())
            feed.title = reader.title.map { String(decoding: $0, as: Unicode.UTF8.self) }.flatMap { $0.isEmpty ? nil : $0 }
            feed.link = reader.link
            feed.language = reader.language.map { String(decoding: $0, as: Unicode.UTF8.self) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        feed.charset = decoded.charset
        let source = feed.title ?? context.sourceHint
        for i in feed.articles.indices where feed.articles[i].source == nil { feed.articles[i].source = source }
        return feed
    }

    /// The `encoding` of an XML declaration at the start of `bytes`, if any (ASCII-compatible or UTF-16 input).
    public static func sniffDeclaredCharset(_ bytes: [UInt8]) -> String? {
        var head = Array(bytes.prefix(512))
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { head.removeFirst(3) }
        // UTF-16 without BOM: drop NULs for sniffing.
        if head.count > 1, head[1] == 0 || head[0] == 0 { head = head.filter { $0 != 0 } }
        guard head.starts(with: Array("<?xml".utf8)) else { return nil }
        guard let end = head.firstIndex(of: UInt8(ascii: ">")) else { return nil }
        let decl = String(decoding: head[..<end], as: Unicode.UTF8.self)
        guard let r = decl.range(of: "encoding") else { return nil }
        var rest = decl[r.upperBound...].drop(while: { $0 == " " || $0 == "=" })
        guard let q = rest.first, q == "\"" || q == "'" else { return nil }
        rest = rest.dropFirst()
        let value = rest.prefix(while: { $0 != q })
        return value.isEmpty ? nil : String(value)
    }

    /// The `charset=` parameter of a Content-Type value.
    public static func httpCharset(_ contentType: String?) -> String? {
        guard let ct = contentType?.lowercased(), let r = ct.range(of: "charset=") else { return nil }
        let v = ct[r.upperBound...].prefix(while: { $0 != ";" && $0 != " " })
        let t = v.trimmingCharacters(in: "\"'")
        return t.isEmpty ? nil : t
    }
}

extension StringProtocol {
    func range(of needle: String) -> Range<Index>? {
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(needle) { return i..<index(i, offsetBy: needle.count) }
            i = index(after: i)
        }
        return nil
    }

    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
