/// The paragraphs of an article's `text` that are picture captions (`Article.captions`), and the
/// body without them that DESIGN.md's canonical text is built from.
///
/// Paragraphs are the runs between blank lines ("\n\n", taken left to right) on the bytes, and a
/// paragraph is compared with a caption by its folded form (`Whitespace.fold`), so a caption that
/// ends in an encoded line break still matches its paragraph.
public enum CaptionParagraphs {
    /// `text` without its paragraphs that read as one of `captions`: what the content hash, the
    /// SimHash and `word_count` are computed from, and what the story stage fingerprints. When the
    /// captions are all there is (a gallery's captions are its content), the whole text.
    public static func hashedBody(text: String, captions: [String]) -> [UInt8] {
        let bytes = Array(text.utf8)
        guard !captions.isEmpty else { return bytes }
        let listed = Set(captions.map(key))
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for range in ranges(bytes) where !listed.contains(key(bytes[range])) {
            if !out.isEmpty { out.append(0x0A); out.append(0x0A) }
            out.append(contentsOf: bytes[range])
        }
        return Whitespace.fold(out).isEmpty ? bytes : out
    }

    /// Whether a caption also stands in `text` as a paragraph of the article: printed more often
    /// than it is listed (a caption printed twice is listed twice). Leaving such a caption out of
    /// the hash would take that paragraph out too.
    public static func standsAsParagraph(in text: String, captions: [String]) -> Bool {
        var listed: [[UInt8]: Int] = [:]
        for c in captions { listed[key(c), default: 0] += 1 }
        let bytes = Array(text.utf8)
        for range in ranges(bytes) {
            let p = key(bytes[range])
            guard let n = listed[p] else { continue }
            if n == 0 { return true }
            listed[p] = n - 1
        }
        return false
    }

    /// The paragraphs of `bytes`, as ranges.
    public static func ranges(_ bytes: [UInt8]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = 0, i = 0
        while i + 1 < bytes.count {
            if bytes[i] == 0x0A, bytes[i + 1] == 0x0A {
                out.append(start..<i)
                i += 2
                start = i
            } else {
                i += 1
            }
        }
        out.append(start..<bytes.count)
        return out
    }

    /// The form paragraphs and captions are compared in: white space folded and trimmed.
    public static func key(_ paragraph: ArraySlice<UInt8>) -> [UInt8] { Whitespace.fold(Array(paragraph)) }

    /// `key` of a caption.
    public static func key(_ caption: String) -> [UInt8] { Whitespace.fold(Array(caption.utf8)) }
}
