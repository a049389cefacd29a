#if canImport(Glibc)
import Glibc
#endif

/// Turns an HTML fragment into clean text: tags stripped, `script`/`style` content dropped, block
/// elements ending paragraphs, entities decoded, control characters removed, white space folded
/// inside paragraphs, and paragraphs joined by one blank line. Never fails; output is valid UTF-8.
public enum HTMLText {
    /// Paragraph text of an HTML fragment (paragraphs separated by `"\n\n"`).
    public static func paragraphs(_ html: [UInt8]) -> [UInt8] { convert(html, separator: [0x0A, 0x0A]) }

    /// Single-line text of an HTML fragment (for titles): everything folded onto one line.
    public static func line(_ html: [UInt8]) -> [UInt8] { convert(html, separator: [0x20]) }

    static func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c | 0x20 : c }

    /// Up to 8 lower-cased name bytes packed little-endian (longer names never match a known tag).
    static func pack(_ s: String) -> UInt64 {
        var v: UInt64 = 0
        for (k, c) in s.utf8.enumerated() where k < 8 { v |= UInt64(c) << UInt64(8 * k) }
        return v
    }

    /// Tag classes: 1 = block (ends a paragraph), 2 = skipped with its content, 3 = word separator,
    /// 4 = skipped with its content when it ends within `captionMaxBytes`, else a block
    /// (`<figcaption>`: a picture's caption or credit is not article text, as in pages, and two
    /// feeds carrying one story with and without a photo would otherwise hash differently; an
    /// unclosed one must not swallow the rest of the entry).
    static let tagClasses = IntegerTable(
        ["p", "br", "li", "ul", "ol", "tr", "hr", "dd", "dt", "dl", "h1", "h2", "h3", "h4", "h5", "h6",
         "div", "pre", "table", "section", "article", "header", "footer", "figure", "blockquo",
         "aside", "nav", "main", "address", "center", "tbody", "thead", "caption", "details", "summary", "form"]
            .map { (pack($0), UInt8(1)) }
        + ["script", "style", "noscript", "template"].map { (pack($0), UInt8(2)) }
        + ["img", "td", "th"].map { (pack($0), UInt8(3)) }
        + [(pack("figcapti"), UInt8(4))])

    /// The longest `<figcaption>` dropped whole (bytes of markup and text).
    static let captionMaxBytes = 2048
    static let captionEndTag = Array("</figcapti".utf8)

    /// `paragraphs` for input already known to be valid UTF-8 (skips the validation pass).
    public static func paragraphs(validUTF8 html: [UInt8]) -> [UInt8] { convert(html, separator: [0x0A, 0x0A], valid: true) }

    /// `line` for input already known to be valid UTF-8.
    public static func line(validUTF8 html: [UInt8]) -> [UInt8] { convert(html, separator: [0x20], valid: true) }

    static func convert(_ html: [UInt8], separator: [UInt8], valid: Bool = false) -> [UInt8] {
        let src = valid ? html : UTF8Repair.repair(html)
        var out: [UInt8] = []
        out.reserveCapacity(src.count)
        var para: [UInt8] = []
        para.reserveCapacity(256)
        func flush() {
            guard !para.isEmpty else { return }
            let t = TextSink.cleanFold(para, decodeEntities: true)
            if !t.isEmpty {
                if !out.isEmpty { out.append(contentsOf: separator) }
                out.append(contentsOf: t)
            }
            para.removeAll(keepingCapacity: true)
        }
        src.withUnsafeBufferPointer { b in
            let n = b.count
            var i = 0
            while i < n {
                guard let hit = memchr(b.baseAddress! + i, 0x3C, n - i) else {
                    para.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<n])); break
                }
                let lt = b.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if lt > i { para.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<lt])) }
                i = lt
                guard i + 1 < n else { para.append(0x3C); i += 1; continue }
                let d = b[i + 1]
                if d == UInt8(ascii: "!") {
                    if i + 3 < n, b[i + 2] == 45, b[i + 3] == 45 {
                        i = find(b, from: i + 4, "-->") ?? n
                    } else if i + 8 < n, b[i + 2] == UInt8(ascii: "["), b[i + 3] == UInt8(ascii: "C") {
                        let end = find(b, from: i + 9, "]]>").map { $0 - 3 } ?? n
                        if end > i + 9 { para.append(contentsOf: UnsafeBufferPointer(rebasing: b[(i + 9)..<end])) }
                        i = min(n, end + 3)
                    } else {
                        i = (find(b, from: i + 2, ">") ?? n)
                    }
                    continue
                }
                let closing = d == UInt8(ascii: "/")
                let nameStart = closing ? i + 2 : i + 1
                guard nameStart < n, HTMLEntities.isAlnum(b[nameStart]) || b[nameStart] == UInt8(ascii: "?") else {
                    para.append(0x3C); i += 1; continue
                }
                var j = nameStart
                var packed: UInt64 = 0
                var len = 0
                while j < n, HTMLEntities.isAlnum(b[j]) || b[j] == UInt8(ascii: ":") || b[j] == UInt8(ascii: "-") {
                    if b[j] == UInt8(ascii: ":") { packed = 0; len = 0 }  // drop a namespace prefix
                    else { if len < 8 { packed |= UInt64(lower(b[j])) << UInt64(8 * len) }; len += 1 }
                    j += 1
                }
                if len > 8 && len != 10 { packed = 0 }  // only figcaption/blockquote (10) are longer known names
                // end of tag, respecting quotes
                var k = j
                if let gt = memchr(b.baseAddress! + j, 0x3E, n - j) {
                    let g = b.baseAddress!.distance(to: gt.assumingMemoryBound(to: UInt8.self))
                    var quoted = false
                    var q = j
                    while q < g { if b[q] == 34 || b[q] == 39 { quoted = true; break }; q += 1 }
                    if quoted {
                        var quote: UInt8 = 0
                        while k < n {
                            let x = b[k]
                            if quote != 0 { if x == quote { quote = 0 } } else if x == 34 || x == 39 { quote = x } else if x == 62 { break }
                            k += 1
                        }
                    } else { k = g }
                } else { k = n }
                i = min(n, k + 1)
                let tagClass = tagClasses.value(for: packed) ?? 0
                if !closing, tagClass == 2 {
                    var endTag: [UInt8] = [UInt8(ascii: "<"), UInt8(ascii: "/")]
                    var x = packed
                    while x != 0 { endTag.append(UInt8(x & 0xFF)); x >>= 8 }
                    i = findCaseInsensitive(b, from: i, endTag) ?? n
                    if i < n { i = (find(b, from: i, ">") ?? n) }
                    continue
                }
                if !closing, tagClass == 4 {
                    let window = UnsafeBufferPointer(rebasing: b[..<min(n, i + captionMaxBytes)])
                    if let end = findCaseInsensitive(window, from: i, captionEndTag) {
                        flush()
                        i = find(b, from: end, ">") ?? n
                        continue
                    }
                    flush()
                    continue
                }
                if tagClass == 1 { flush() } else if tagClass == 3 { para.append(0x20) }
            }
        }
        flush()
        return UnicodeNormalizer.nfc(out)
    }

    /// Index just past the first occurrence of `needle` at or after `from` (``ByteSearch/find(_:from:_:)``).
    @inline(__always)
    static func find(_ b: UnsafeBufferPointer<UInt8>, from: Int, _ needle: StaticString) -> Int? {
        ByteSearch.find(b, from: from, needle)
    }

    /// Index of the first case-insensitive occurrence of `needle` (ASCII, lower-case) at or after `from`.
    static func findCaseInsensitive(_ b: UnsafeBufferPointer<UInt8>, from: Int, _ needle: [UInt8]) -> Int? {
        let m = needle.count
        var i = from
        while i + m <= b.count {
            if b[i] == needle[0] {
                var ok = true
                for k in 1..<m where lower(b[i + k]) != needle[k] { ok = false; break }
                if ok { return i }
            }
            i += 1
        }
        return nil
    }
}
