import Articles

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
        let kind = DocumentSniffer.detect(bytes, hint: context.kindHint, contentType: context.contentType)
        switch kind {
        case .feed:
            return try FeedDispatch.extract(bytes, context: context)
        case .htmlPage:
            let (utf8, warnings) = TextDecoding.toUTF8(bytes, declared: CharsetSniffer.sniff(bytes, contentType: context.contentType))
            let (article, md, treeWarnings) = try HTMLArticleExtractor().extract(utf8, context: context)
            return ExtractedDocument(kind: .htmlPage, articles: [article], warnings: warnings + treeWarnings, pageMetadata: md)
        case .textDump:
            let (utf8, warnings) = TextDecoding.toUTF8(bytes, declared: context.contentType.flatMap(CharsetSniffer.charsetParameter))
            let articles = try TextDumpExtractor().extract(utf8, context: context)
            return ExtractedDocument(kind: .textDump, articles: articles, warnings: warnings)
        }
    }
}

/// Tells binary data from text by its first bytes.
enum BinarySniffer {
    static func binaryReason(_ bytes: [UInt8]) -> String? {
        let head = bytes.prefix(2048)
        if head.count >= 2, (head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF) { return nil } // UTF-16 BOM
        let signatures: [([UInt8], String)] = [
            ([0x89, 0x50, 0x4E, 0x47], "PNG image"), ([0xFF, 0xD8, 0xFF], "JPEG image"), ([0x47, 0x49, 0x46, 0x38], "GIF image"),
            ([0x25, 0x50, 0x44, 0x46], "PDF document"), ([0x50, 0x4B, 0x03, 0x04], "ZIP archive"), ([0x1F, 0x8B], "gzip data"),
        ]
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

    static func looksUTF16(_ head: ArraySlice<UInt8>) -> Bool {
        // Every other byte NUL: UTF-16 without BOM.
        var evenNul = 0, oddNul = 0
        for (i, b) in head.enumerated() where b == 0 { if i % 2 == 0 { evenNul += 1 } else { oddNul += 1 } }
        return max(evenNul, oddNul) * 3 > head.count
    }
}

/// Decides feed vs HTML page vs plain-text dump from the bytes.
enum DocumentSniffer {
    static func detect(_ bytes: [UInt8], hint: DocumentKind, contentType: String?) -> DetectedKind {
        var i = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        while i < bytes.count, TextBuilder.isWS(bytes[i]) { i += 1 }
        let head = Array(bytes[i..<min(bytes.count, i + 2048)]).map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
        guard let first = head.first else { return .textDump }
        if first == 0x7B /* { */ {
            if Keywords("jsonfeed.org|\"items\"").matches(head) { return .feed }
            return .textDump
        }
        if first == 0x3C /* < */ {
            if Keywords("<rss|<feed|<rdf:rdf|<channel").matches(head) && !Keywords("<html|<!doctype html").matches(Array(head.prefix(512))) {
                return .feed
            }
            return .htmlPage
        }
        // Text that still carries markup further in (leading junk before <html>).
        if Keywords("<html|<body|<!doctype html").matches(head) { return .htmlPage }
        if hint == .feed, Keywords("<rss|<feed").matches(head) { return .feed }
        return .textDump
    }
}

/// Adapter to the shared charset decoder.
enum TextDecoding {
    static func toUTF8(_ bytes: [UInt8], declared: String?) -> ([UInt8], [String]) {
        // TODO(feeds): route through Normalization.CharsetDecoder.toUTF8 once merged.
        var b = bytes
        if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { b.removeFirst(3) }
        return (b, [])
    }
}

/// Adapter to the shared feed parser.
enum FeedDispatch {
    static func extract(_ bytes: [UInt8], context: ExtractionContext) throws(ExtractionError) -> ExtractedDocument {
        // TODO(feeds): route through Feeds.FeedParser.parse once merged.
        throw .notAFeed(reason: "feed parser not available in this build")
    }
}
