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

    static func isBlock(_ name: ArraySlice<UInt8>) -> Bool {
        switch name.count {
        case 1: return name.first == UInt8(ascii: "p")
        case 2:
            let a = name[name.startIndex], b = name[name.startIndex + 1]
            if a == UInt8(ascii: "h") && b >= 49 && b <= 54 { return true }
            switch (a, b) {
            case (UInt8(ascii: "b"), UInt8(ascii: "r")), (UInt8(ascii: "l"), UInt8(ascii: "i")), (UInt8(ascii: "u"), UInt8(ascii: "l")),
                 (UInt8(ascii: "o"), UInt8(ascii: "l")), (UInt8(ascii: "t"), UInt8(ascii: "r")), (UInt8(ascii: "h"), UInt8(ascii: "r")),
                 (UInt8(ascii: "d"), UInt8(ascii: "d")), (UInt8(ascii: "d"), UInt8(ascii: "t")), (UInt8(ascii: "d"), UInt8(ascii: "l")),
                 (UInt8(ascii: "t"), UInt8(ascii: "d")), (UInt8(ascii: "t"), UInt8(ascii: "h")):
                return true
            default: return false
            }
        default:
            let s = String(decoding: name, as: Unicode.UTF8.self)
            switch s {
            case "div", "pre", "table", "section", "article", "header", "footer", "figure", "figcaption", "blockquote",
                 "aside", "nav", "main", "address", "center", "tbody", "thead", "caption", "details", "summary", "form":
                return true
            default: return false
            }
        }
    }

    static func convert(_ html: [UInt8], separator: [UInt8]) -> [UInt8] {
        let src = UTF8Repair.repair(html)
        var out: [UInt8] = []
        out.reserveCapacity(src.count)
        var para: [UInt8] = []
        func flush() {
            guard !para.isEmpty else { return }
            var t = HTMLEntities.decode(para)
            t = TextCleaner.removeControlCharacters(t)
            t = Whitespace.fold(t)
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
                let c = b[i]
                if c != UInt8(ascii: "<") { para.append(c); i += 1; continue }
                guard i + 1 < n else { para.append(c); i += 1; continue }
                let d = b[i + 1]
                if d == UInt8(ascii: "!") {
                    // comment or doctype
                    if i + 3 < n, b[i + 2] == 45, b[i + 3] == 45 {
                        i = find(b, from: i + 4, "-->") ?? n
                    } else if i + 8 < n, b[i + 2] == UInt8(ascii: "["), b[i + 3] == UInt8(ascii: "C") {
                        let end = find(b, from: i + 9, "]]>").map { $0 - 3 } ?? n
                        para.append(contentsOf: UnsafeBufferPointer(rebasing: b[(i + 9)..<max(i + 9, end)]))
                        i = min(n, end + 3)
                    } else {
                        i = (find(b, from: i + 2, ">") ?? n)
                    }
                    continue
                }
                let closing = d == UInt8(ascii: "/")
                let nameStart = closing ? i + 2 : i + 1
                guard nameStart < n, HTMLEntities.isAlnum(b[nameStart]) || b[nameStart] == UInt8(ascii: "?") else {
                    para.append(c); i += 1; continue
                }
                var j = nameStart
                var name: [UInt8] = []
                while j < n, HTMLEntities.isAlnum(b[j]) || b[j] == UInt8(ascii: ":") || b[j] == UInt8(ascii: "-") {
                    if name.count < 16 { name.append(lower(b[j])) }
                    j += 1
                }
                // end of tag, respecting quotes
                var k = j
                var quote: UInt8 = 0
                while k < n {
                    let x = b[k]
                    if quote != 0 { if x == quote { quote = 0 } } else if x == 34 || x == 39 { quote = x } else if x == 62 { break }
                    k += 1
                }
                i = min(n, k + 1)
                if let colon = name.lastIndex(of: UInt8(ascii: ":")) { name = Array(name[(colon + 1)...]) }
                if !closing, name == Array("script".utf8) || name == Array("style".utf8) || name == Array("noscript".utf8)
                    || name == Array("template".utf8) {
                    // skip to the closing tag
                    let endTag = [UInt8(ascii: "<"), UInt8(ascii: "/")] + name
                    i = findCaseInsensitive(b, from: i, endTag) ?? n
                    if i < n { i = (find(b, from: i, ">") ?? n) }
                    continue
                }
                if isBlock(name[...]) { flush() } else if name == Array("img".utf8) || name == Array("td".utf8) {
                    para.append(0x20)
                } else {
                    // inline tags: keep word boundaries only where the markup had them
                }
            }
        }
        flush()
        return UnicodeNormalizer.nfc(out)
    }

    /// Index just past the first occurrence of `needle` at or after `from`.
    static func find(_ b: UnsafeBufferPointer<UInt8>, from: Int, _ needle: StaticString) -> Int? {
        let m = needle.utf8CodeUnitCount
        let p = needle.utf8Start
        var i = from
        let n = b.count
        while i + m <= n {
            guard let hit = memchr(b.baseAddress! + i, Int32(p[0]), n - i) else { return nil }
            let h = b.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if h + m > n { return nil }
            var ok = true
            for k in 1..<m where b[h + k] != p[k] { ok = false; break }
            if ok { return h + m }
            i = h + 1
        }
        return nil
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
