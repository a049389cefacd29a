import Articles

/// JSON Feed 1.0/1.1 (https://jsonfeed.org) → `ParsedFeed`.
enum JSONFeedReader {
    static func parse(_ bytes: [UInt8], context: ExtractionContext) throws(FeedError) -> ParsedFeed {
        let root: JSONValue
        do {
            root = try JSONReader.parse(bytes, maxDepth: context.limits.maxNestingDepth)
        } catch {
            if case .tooDeep = error { throw .tooDeep(limit: context.limits.maxNestingDepth) }
            throw .invalidJSON(error)
        }
        guard case .object = root else { throw .notAFeed }
        var feed = ParsedFeed(format: .jsonFeed)
        feed.title = root["title"]?.stringValue.map(fold).flatMap { $0.isEmpty ? nil : $0 }
        feed.link = root["home_page_url"]?.stringValue.flatMap { URLTools.resolve($0, against: context.url) ?? $0 }
        feed.language = root["language"]?.stringValue
        let feedAuthors = authors(root)
        let items = root["items"]?.arrayValue ?? []
        if items.count > context.limits.maxEntries { feed.warnings.append(.entriesTruncated(kept: context.limits.maxEntries)) }
        for item in items.prefix(context.limits.maxEntries) {
            guard case .object = item else { continue }
            let id = item["id"].flatMap { v -> String? in
                if let s = v.stringValue { return s }
                if let i = v.intValue { return String(i) }
                return nil
            }
            var url = item["url"]?.stringValue ?? item["external_url"]?.stringValue
            if let u = url { url = URLTools.resolve(u, against: context.url) ?? u }
            let title = item["title"]?.stringValue.map { String(decoding: HTMLText.line(Array($0.utf8)), as: Unicode.UTF8.self) } ?? ""
            var text: [UInt8] = []
            if let html = item["content_html"]?.stringValue {
                text = HTMLText.paragraphs(Array(html.utf8))
            } else if let plain = item["content_text"]?.stringValue {
                text = TextCleaner.paragraphs(TextCleaner.removeControlCharacters(UnicodeNormalizer.nfc(Array(plain.utf8))))
            } else if let s = item["summary"]?.stringValue {
                text = HTMLText.paragraphs(Array(s.utf8))
            }
            let summary = item["summary"]?.stringValue.map(fold)
            let date = item["date_published"]?.stringValue ?? item["date_modified"]?.stringValue
            var itemAuthors = authors(item)
            if itemAuthors.isEmpty { itemAuthors = feedAuthors }
            let tags = (item["tags"]?.arrayValue ?? []).compactMap { $0.stringValue.map(fold) }.filter { !$0.isEmpty }
            let image = item["image"]?.stringValue ?? item["banner_image"]?.stringValue
            feed.articles.append(Article(
                url: url, canonicalURL: url.flatMap(URLTools.canonicalize), entryID: id, title: title,
                authors: itemAuthors, source: nil,
                publishedAt: date.flatMap { DateParser.parse($0, reference: context.fetchedAt) },
                language: item["language"]?.stringValue ?? feed.language, summary: summary,
                text: String(decoding: text, as: Unicode.UTF8.self), categories: tags, feedURL: context.url,
                imageURL: image.flatMap { URLTools.resolve($0, against: context.url) ?? $0 }))
        }
        return feed
    }

    static func fold(_ s: String) -> String { Whitespace.fold(s) }

    static func authors(_ v: JSONValue) -> [String] {
        var out: [String] = []
        for a in v["authors"]?.arrayValue ?? [] { if let n = a["name"]?.stringValue.map(fold), !n.isEmpty { out.append(n) } }
        if out.isEmpty, let n = v["author"]?["name"]?.stringValue.map(fold), !n.isEmpty { out.append(n) }
        return out
    }
}
