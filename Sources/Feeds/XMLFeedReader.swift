import Articles

/// Element kinds the feed reader cares about (namespace resolved by prefix).
enum ElementKind: UInt8 {
    case other, rss, rdf, feed, channel, item, entry
    case title, link, description, contentEncoded, content, summary, guid, id
    case pubDate, published, updated, issued, modified, created, dcDate
    case author, dcCreator, name, email, category, dcSubject, language, dcLanguage
    case mediaContent, mediaThumbnail, enclosure, itunesAuthor, itunesSummary, itunesImage
    case source, image, textinput, contributor

    static let table: IntegerTable = {
        var t: [(UInt64, UInt8)] = []
        func add(_ names: [String], _ k: ElementKind) { for n in names { t.append((XMLScanner.hash(n), k.rawValue)) } }
        let plain: [(String, ElementKind)] = [
            ("rss", .rss), ("rdf", .rdf), ("feed", .feed), ("channel", .channel), ("item", .item), ("entry", .entry),
            ("title", .title), ("link", .link), ("description", .description), ("content", .content),
            ("summary", .summary), ("tagline", .other), ("subtitle", .other), ("guid", .guid), ("id", .id),
            ("pubdate", .pubDate), ("published", .published), ("updated", .updated), ("issued", .issued),
            ("modified", .modified), ("created", .created), ("author", .author), ("name", .name), ("email", .email),
            ("category", .category), ("language", .language), ("enclosure", .enclosure), ("source", .source),
            ("image", .image), ("textinput", .textinput), ("contributor", .contributor), ("body", .other),
        ]
        for (n, k) in plain {
            for prefix in ["", "atom:", "atom10:", "atom03:", "rss:", "rss1:", "a:", "rdf:"] { add([prefix + n], k) }
        }
        add(["rdf:rdf"], .rdf)
        add(["content:encoded", "encoded"], .contentEncoded)
        for dc in ["dc:", "dcterms:", "dct:"] {
            add([dc + "creator", dc + "author"], .dcCreator)
            add([dc + "date", dc + "issued", dc + "created"], .dcDate)
            add([dc + "modified"], .modified)
            add([dc + "subject"], .dcSubject)
            add([dc + "language"], .dcLanguage)
            add([dc + "identifier"], .id)
        }
        add(["media:content"], .mediaContent)
        add(["media:thumbnail"], .mediaThumbnail)
        add(["itunes:author"], .itunesAuthor)
        add(["itunes:summary"], .itunesSummary)
        add(["itunes:image"], .itunesImage)
        add(["xhtml:body", "html:body"], .other)
        return IntegerTable(t)
    }()

    @inline(__always)
    static func of(hash: UInt64) -> ElementKind { table.value(for: hash).flatMap(ElementKind.init(rawValue:)) ?? .other }

    /// Elements whose text is captured (leaf fields).
    var isCapture: Bool {
        switch self {
        case .title, .link, .description, .contentEncoded, .content, .summary, .guid, .id, .pubDate, .published,
             .updated, .issued, .modified, .created, .dcDate, .author, .dcCreator, .name, .email, .category, .dcSubject,
             .language, .dcLanguage, .itunesAuthor, .itunesSummary:
            return true
        default: return false
        }
    }

    var isStructural: Bool {
        switch self {
        case .item, .entry, .channel, .feed, .rss, .rdf: return true
        default: return false
        }
    }
}

/// Collected fields of one entry, as decoded XML text (not yet HTML-cleaned).
struct EntryFields {
    var title: [UInt8]?
    var titleIsPlainText = false
    var link: String?
    var otherLink: String?
    var guid: [UInt8]?
    var guidIsPermaLink = true
    var published: [UInt8]?
    var updated: [UInt8]?
    var authors: [[UInt8]] = []
    var itunesAuthor: [UInt8]?
    var description: [UInt8]?
    var content: [UInt8]?
    var contentIsPlainText = false
    var itunesSummary: [UInt8]?
    var categories: [[UInt8]] = []
    var imageURL: String?
    var language: [UInt8]?
    var base: String
}

/// A tolerant single-pass reader of RSS, RDF and Atom documents over UTF-8 bytes.
///
/// Not a conforming XML parser by design: no DTD processing, no entity declarations, no external
/// resources; only the predefined and HTML named references are decoded (so no expansion bombs).
/// Recovers from unescaped `&`, unknown entities, mismatched or missing end tags and truncation.
/// Runs in time linear in the input (every loop advances the cursor).
struct XMLFeedReader {
    let format: FeedFormat
    let context: ExtractionContext
    var warnings: [FeedWarning] = []
    var title: [UInt8]?
    var link: String?
    var language: [UInt8]?
    var entries: [EntryFields] = []
    var entryCapped = false

    struct Frame { var kind: ElementKind; var hash: UInt64; var base: String? }
    var stack: [Frame] = []
    var overflow = 0
    var current: EntryFields?
    var inAuthor = 0  // depth marker of Atom author/contributor
    var authorName: [UInt8]?
    var authorEmail: [UInt8]?

    init(format: FeedFormat, context: ExtractionContext) {
        self.format = format
        self.context = context
        stack.reserveCapacity(32)
    }

    var isAtom: Bool { format == .atom10 || format == .atom03 }

    var currentBase: String {
        for f in stack.reversed() { if let b = f.base { return b } }
        return context.url
    }

    func resolve(_ raw: [UInt8]) -> String? {
        let s = String(decoding: Whitespace.fold(raw), as: Unicode.UTF8.self)
        if s.isEmpty { return nil }
        return URLTools.resolve(s, against: currentBase) ?? s
    }

    mutating func run(_ b: UnsafeBufferPointer<UInt8>) {
        let n = b.count
        var i = 0
        while i < n {
            guard let lt = XMLScanner.index(of: UInt8(ascii: "<"), in: b, from: i) else { break }
            guard lt + 1 < n else { break }
            let c = b[lt + 1]
            if c == UInt8(ascii: "/") {
                var j = lt + 2
                while j < n, XMLScanner.isNameByte(b[j]) { j += 1 }
                let h = XMLScanner.hash(b, lt + 2, j)
                endElement(hash: h, offset: lt)
                i = (XMLScanner.index(of: UInt8(ascii: ">"), in: b, from: j) ?? (n - 1)) + 1
                continue
            }
            if c == UInt8(ascii: "!") {
                if lt + 3 < n, b[lt + 2] == 45, b[lt + 3] == 45 {
                    i = XMLScanner.find(b, from: lt + 4, "-->") ?? n
                } else if lt + 8 < n, b[lt + 2] == UInt8(ascii: "[") {
                    i = XMLScanner.find(b, from: lt + 3, "]]>") ?? n
                } else {
                    // DOCTYPE (internal subset skipped, never interpreted).
                    let gt = XMLScanner.index(of: UInt8(ascii: ">"), in: b, from: lt + 2) ?? n
                    if let br = XMLScanner.index(of: UInt8(ascii: "["), in: b, from: lt + 2), br < gt {
                        i = XMLScanner.find(b, from: br, "]>") ?? XMLScanner.find(b, from: br, "]") ?? n
                    } else { i = min(n, gt + 1) }
                }
                continue
            }
            if c == UInt8(ascii: "?") {
                i = XMLScanner.find(b, from: lt + 2, "?>") ?? n
                continue
            }
            guard XMLScanner.isNameByte(c), c != UInt8(ascii: "<"), c != UInt8(ascii: "&") else { i = lt + 1; continue }
            var j = lt + 1
            while j < n, XMLScanner.isNameByte(b[j]), b[j] != UInt8(ascii: "<") { j += 1 }
            let nameEnd = j
            let gt = XMLScanner.tagEnd(b, from: j)
            let selfClosing = gt > lt && gt < n && b[gt - 1] == UInt8(ascii: "/")
            let attrEnd = selfClosing ? gt - 1 : min(gt, n)
            let h = XMLScanner.hash(b, lt + 1, nameEnd)
            i = min(n, gt + 1)
            i = startElement(b, hash: h, nameStart: lt + 1, nameEnd: nameEnd, attrStart: nameEnd, attrEnd: attrEnd,
                             selfClosing: selfClosing, contentStart: i)
        }
        if !stack.isEmpty || overflow > 0 { warnings.append(.truncated) }
        if current != nil { finishEntry() }
    }

    /// Handles a start tag; returns where scanning resumes.
    mutating func startElement(_ b: UnsafeBufferPointer<UInt8>, hash h: UInt64, nameStart: Int, nameEnd: Int,
                               attrStart: Int, attrEnd: Int, selfClosing: Bool, contentStart: Int) -> Int {
        let kind = ElementKind.of(hash: h)
        let parent = stack.last?.kind ?? .other
        var base: String? = nil
        if attrEnd - attrStart > 9, let xb = XMLScanner.attribute(b, attrStart, attrEnd, "xml:base") {
            base = resolve(xb)
        }
        // Entry boundaries.
        if kind == .item || kind == .entry {
            if current != nil { finishEntry() }
            if entries.count >= context.limits.maxEntries {
                if !entryCapped { warnings.append(.entriesTruncated(kept: entries.count)); entryCapped = true }
            } else {
                var f = EntryFields(base: base ?? currentBase)
                if attrEnd > attrStart, let lang = XMLScanner.attribute(b, attrStart, attrEnd, "xml:lang") { f.language = lang }
                if format == .rdf, let about = XMLScanner.attribute(b, attrStart, attrEnd, "rdf:about") { f.guid = about }
                current = f
            }
        }
        if (kind == .feed || kind == .channel || kind == .rss), language == nil, attrEnd > attrStart,
           let lang = XMLScanner.attribute(b, attrStart, attrEnd, "xml:lang") {
            language = lang
        }
        if (kind == .author || kind == .contributor) && isAtom {
            inAuthor = stack.count + 1; authorName = nil; authorEmail = nil
        }
        // Attribute-carrying leaves.
        let inEntry = current != nil && (parent == .item || parent == .entry)
        switch kind {
        case .link where isAtom || (attrEnd > attrStart && XMLScanner.attribute(b, attrStart, attrEnd, "href") != nil):
            if let href = XMLScanner.attribute(b, attrStart, attrEnd, "href") {
                let rel = XMLScanner.attribute(b, attrStart, attrEnd, "rel").map { String(decoding: $0, as: Unicode.UTF8.self) }
                let savedBase = stack.count
                if let base { stack.append(Frame(kind: .other, hash: 0, base: base)) }
                let url = resolve(href)
                if stack.count > savedBase { stack.removeLast() }
                if rel == nil || rel == "alternate" {
                    if inEntry { if current?.link == nil { current!.link = url } }
                    else if parent == .feed || parent == .channel { if link == nil { link = url } }
                } else if inEntry, current?.otherLink == nil, rel != "self", rel != "replies", rel != "edit" {
                    current?.otherLink = url
                }
                if selfClosing { return contentStart }
                // Skip its (normally empty) content.
                return skipElement(b, hash: h, from: contentStart)
            }
        case .mediaContent, .mediaThumbnail, .enclosure, .itunesImage:
            if current != nil, current?.imageURL == nil {
                let url = XMLScanner.attribute(b, attrStart, attrEnd, kind == .itunesImage ? "href" : "url")
                let type = XMLScanner.attribute(b, attrStart, attrEnd, "type").map { String(decoding: $0, as: Unicode.UTF8.self) }
                let medium = XMLScanner.attribute(b, attrStart, attrEnd, "medium").map { String(decoding: $0, as: Unicode.UTF8.self) }
                let isImage = kind == .mediaThumbnail || kind == .itunesImage || type?.hasPrefix("image") == true
                    || medium == "image" || (kind == .mediaContent && type == nil && medium == nil)
                if isImage, let url { let r = resolve(url); current?.imageURL = r }
            }
        case .category where isAtom || (attrEnd > attrStart && selfClosing):
            if let term = XMLScanner.attribute(b, attrStart, attrEnd, "term"), inEntry {
                current?.categories.append(term)
                if selfClosing { return contentStart }
                return skipElement(b, hash: h, from: contentStart)
            }
        default: break
        }
        if kind == .guid, inEntry, let perma = XMLScanner.attribute(b, attrStart, attrEnd, "ispermalink") {
            current?.guidIsPermaLink = String(decoding: perma, as: Unicode.UTF8.self).lowercased() != "false"
        }
        if selfClosing { return contentStart }
        // Captured leaves.
        if kind.isCapture && !(isAtom && kind == .author) && wantsCapture(kind, parent: parent) {
            let (contentEnd, resume) = capture(b, hash: h, from: contentStart)
            let type = attrEnd > attrStart
                ? XMLScanner.attribute(b, attrStart, attrEnd, "type").map { String(decoding: $0, as: Unicode.UTF8.self) } : nil
            let mode = attrEnd > attrStart
                ? XMLScanner.attribute(b, attrStart, attrEnd, "mode").map { String(decoding: $0, as: Unicode.UTF8.self) } : nil
            let plain = isAtom && (type == nil || type == "text" || type == "text/plain")
            // Titles that are read as HTML later keep their entity references undecoded here, so that
            // escaped markup (`#include &lt;x&gt;`) stays text and only real markup (literal tags,
            // CDATA) is stripped. Atom `type="html"` is the exception: there escaped markup is markup.
            let escapedIsText = kind == .title && !plain && !(isAtom && (type == "html" || type == "text/html"))
            var value = escapedIsText
                ? XMLScanner.markupValue(b, contentStart, contentEnd)
                : XMLScanner.textValue(b, contentStart, contentEnd)
            let isBase64 = mode == "base64" || (format == .atom10 && type.map { t in
                t.contains("/") && !t.hasPrefix("text/") && !t.contains("xml") } == true)
            if isBase64, let decoded = Base64.decode(value), mode == "base64" || UTF8Repair.isValid(decoded) { value = UTF8Repair.repair(decoded) }
            if let base {
                stack.append(Frame(kind: .other, hash: 0, base: base))
                store(kind, parent: parent, value: value, plain: plain)
                stack.removeLast()
            } else {
                store(kind, parent: parent, value: value, plain: plain)
            }
            return resume
        }
        // Container: push.
        if stack.count >= context.limits.maxNestingDepth {
            if overflow == 0 { warnings.append(.nestingTooDeep(limit: context.limits.maxNestingDepth)) }
            overflow += 1
        } else {
            stack.append(Frame(kind: kind, hash: h, base: base))
        }
        return contentStart
    }

    func wantsCapture(_ kind: ElementKind, parent: ElementKind) -> Bool {
        switch parent {
        case .item, .entry: return current != nil
        case .channel, .feed: return kind == .title || kind == .link || kind == .language || kind == .dcLanguage
        case .author, .contributor: return inAuthor > 0 && current != nil && (kind == .name || kind == .email)
        default: return false
        }
    }

    mutating func store(_ kind: ElementKind, parent: ElementKind, value: [UInt8], plain: Bool) {
        if parent == .channel || parent == .feed {
            switch kind {
            case .title: if title == nil { title = plain ? value : HTMLText.line(value) }
            case .link: if link == nil { link = resolve(value) }
            case .language, .dcLanguage: if language == nil { language = Whitespace.fold(value) }
            default: break
            }
            return
        }
        if parent == .author || parent == .contributor {
            if parent == .author {
                if kind == .name { authorName = value } else if kind == .email { authorEmail = value }
            }
            return
        }
        guard current != nil else { return }
        switch kind {
        case .title:
            if current!.title == nil { current!.title = value; current!.titleIsPlainText = plain }
        case .link:
            if current!.link == nil { current!.link = resolve(value) }
        case .guid, .id:
            if current!.guid == nil || kind == .guid { current!.guid = value }
        case .pubDate, .published, .issued, .dcDate, .created:
            if current!.published == nil { current!.published = value }
        case .updated, .modified:
            if current!.updated == nil { current!.updated = value }
        case .author, .dcCreator:
            let a = Self.authorName(Whitespace.fold(value))
            if !a.isEmpty, !current!.authors.contains(a) { current!.authors.append(a) }
        case .itunesAuthor:
            if current!.itunesAuthor == nil { current!.itunesAuthor = Whitespace.fold(value) }
        case .description, .summary:
            if current!.description == nil { current!.description = value }
        case .contentEncoded, .content:
            if current!.content == nil { current!.content = value; current!.contentIsPlainText = plain }
        case .itunesSummary:
            if current!.itunesSummary == nil { current!.itunesSummary = value }
        case .category, .dcSubject:
            let c = Whitespace.fold(value)
            if !c.isEmpty { current!.categories.append(c) }
        case .language, .dcLanguage:
            if current!.language == nil { current!.language = Whitespace.fold(value) }
        default: break
        }
    }

    mutating func endElement(hash h: UInt64, offset: Int) {
        if overflow > 0 { overflow -= 1; return }
        guard !stack.isEmpty else { return }
        if stack[stack.count - 1].hash == h { pop(); return }
        // Mismatch: close up to a matching open element if one is near; otherwise ignore.
        var k = stack.count - 1
        while k >= 0, stack.count - k <= 16 {
            if stack[k].hash == h {
                warnings.append(.mismatchedEndTag(offset: offset))
                while stack.count > k { pop() }
                return
            }
            k -= 1
        }
        warnings.append(.mismatchedEndTag(offset: offset))
    }

    mutating func pop() {
        let f = stack.removeLast()
        if (f.kind == .item || f.kind == .entry), current != nil { finishEntry() }
        if (f.kind == .author || f.kind == .contributor), inAuthor == stack.count + 1 {
            if f.kind == .author, current != nil, let a = authorName.map(Whitespace.fold) ?? authorEmail.map(Whitespace.fold), !a.isEmpty,
               !current!.authors.contains(a) {
                current!.authors.append(a)
            }
            inAuthor = 0
        }
    }

    /// RSS `author` is "email (Name)" by the spec: keep the name when one is given.
    static func authorName(_ a: [UInt8]) -> [UInt8] {
        guard a.last == UInt8(ascii: ")"), let open = a.firstIndex(of: UInt8(ascii: "(")), open > 0 else { return a }
        let before = a[..<open]
        guard before.contains(UInt8(ascii: "@")), !before.dropLast().contains(0x20) else { return a }
        let name = Whitespace.fold(Array(a[(open + 1)..<(a.count - 1)]))
        return name.isEmpty ? a : name
    }

    mutating func finishEntry() {
        if let e = current { entries.append(e) }
        current = nil
    }

    /// Finds the end of a captured element's content. Returns (content end, resume index).
    func capture(_ b: UnsafeBufferPointer<UInt8>, hash h: UInt64, from start: Int) -> (Int, Int) {
        let n = b.count
        var i = start
        var nest = 0
        while i < n {
            guard let lt = XMLScanner.index(of: UInt8(ascii: "<"), in: b, from: i), lt + 1 < n else { return (n, n) }
            let c = b[lt + 1]
            if c == UInt8(ascii: "!") {
                if lt + 8 < n, b[lt + 2] == UInt8(ascii: "[") {
                    i = XMLScanner.find(b, from: lt + 3, "]]>") ?? n; continue
                }
                if lt + 3 < n, b[lt + 2] == 45, b[lt + 3] == 45 { i = XMLScanner.find(b, from: lt + 4, "-->") ?? n; continue }
                i = lt + 2; continue
            }
            let closing = c == UInt8(ascii: "/")
            let ns = closing ? lt + 2 : lt + 1
            var j = ns
            while j < n, XMLScanner.isNameByte(b[j]), b[j] != UInt8(ascii: "<") { j += 1 }
            if j == ns { i = lt + 1; continue }
            let nh = XMLScanner.hash(b, ns, j)
            if closing {
                if nh == h {
                    if nest == 0 {
                        let gt = XMLScanner.index(of: UInt8(ascii: ">"), in: b, from: j) ?? (n - 1)
                        return (lt, gt + 1)
                    }
                    nest -= 1
                } else if ElementKind.of(hash: nh).isStructural {
                    return (lt, lt)  // missing end tag: stop before the structural end tag
                }
            } else if nh == h {
                nest += 1
            } else {
                let k = ElementKind.of(hash: nh)
                if k == .item || k == .entry { return (lt, lt) }
            }
            i = j
        }
        return (n, n)
    }

    /// Skips the content of an element whose value is not needed.
    func skipElement(_ b: UnsafeBufferPointer<UInt8>, hash h: UInt64, from start: Int) -> Int {
        capture(b, hash: h, from: start).1
    }

    // MARK: Articles

    func articles() -> [Article] {
        let feedLanguage = language.map { String(decoding: $0, as: Unicode.UTF8.self) }
        var out: [Article] = []
        out.reserveCapacity(entries.count)
        for e in entries {
            let titleBytes: [UInt8]
            if let t = e.title {
                titleBytes = e.titleIsPlainText
                    ? Whitespace.fold(TextCleaner.removeControlCharacters(UnicodeNormalizer.nfc(UTF8Repair.repair(t))))
                    : HTMLText.line(validUTF8: t)
            } else { titleBytes = [] }
            let bodySource = e.content ?? e.description ?? e.itunesSummary
            var text: [UInt8] = []
            if let body = bodySource {
                text = (e.content != nil && e.contentIsPlainText)
                    ? TextCleaner.paragraphs(TextCleaner.removeControlCharacters(UnicodeNormalizer.nfc(UTF8Repair.repair(body))))
                    : HTMLText.paragraphs(validUTF8: body)
            }
            var summary: String? = nil
            if e.content != nil, let d = e.description ?? e.itunesSummary {
                let s = HTMLText.line(validUTF8: d)
                if !s.isEmpty { summary = String(decoding: s, as: Unicode.UTF8.self) }
            }
            let guid = e.guid.map { String(decoding: Whitespace.fold(UTF8Repair.repair($0)), as: Unicode.UTF8.self) }
            var url = e.link
            if url == nil, let g = guid, e.guidIsPermaLink, g.hasPrefix("http://") || g.hasPrefix("https://") { url = g }
            if url == nil { url = e.otherLink }
            let dateBytes = e.published ?? e.updated
            let published = dateBytes.flatMap { DateParser.parse($0, reference: context.fetchedAt) }
            var authors = e.authors.map { String(decoding: HTMLText.line($0), as: Unicode.UTF8.self) }.filter { !$0.isEmpty }
            if authors.isEmpty, let ia = e.itunesAuthor, !ia.isEmpty { authors = [String(decoding: HTMLText.line(ia), as: Unicode.UTF8.self)] }
            var cats: [String] = []
            for c in e.categories {
                let s = String(decoding: Whitespace.fold(UTF8Repair.repair(HTMLEntities.decode(c))), as: Unicode.UTF8.self)
                if !s.isEmpty, !cats.contains(s) { cats.append(s) }
            }
            out.append(Article(
                url: url, canonicalURL: url.flatMap(URLTools.canonicalize), entryID: guid?.isEmpty == false ? guid : nil,
                title: String(decoding: titleBytes, as: Unicode.UTF8.self), authors: authors, source: nil,
                publishedAt: published, language: e.language.map { String(decoding: $0, as: Unicode.UTF8.self) } ?? feedLanguage,
                summary: summary, text: String(decoding: text, as: Unicode.UTF8.self), categories: cats,
                feedURL: context.url, imageURL: e.imageURL))
        }
        return out
    }
}

/// Minimal base64 decoding (Atom `mode="base64"`).
enum Base64 {
    static func decode(_ s: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        var acc: UInt32 = 0, bits = 0
        for c in s {
            let v: UInt32
            switch c {
            case 65...90: v = UInt32(c - 65)
            case 97...122: v = UInt32(c - 71)
            case 48...57: v = UInt32(c + 4)
            case UInt8(ascii: "+"): v = 62
            case UInt8(ascii: "/"): v = 63
            case UInt8(ascii: "="), 0x20, 0x0A, 0x0D, 0x09: continue
            default: return nil
            }
            acc = acc << 6 | v; bits += 6
            if bits >= 8 { bits -= 8; out.append(UInt8((acc >> UInt32(bits)) & 0xFF)) }
        }
        return out
    }
}
