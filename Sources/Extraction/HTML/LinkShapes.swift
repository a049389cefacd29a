/// A shape of link furniture the density rules of the pruner miss: a **labelled link**, a short
/// label and one linked headline as a block of its own ("PUEDES VER: <a>¿Cómo sacar …?</a>",
/// "À lire aussi » <a>…</a>", "Read more | <a>…</a>"). The headline can be a question or end in a
/// full stop, so the "no sentence" test of link blocks lets it through; the label ending in a
/// separator says what it is, in any language.
///
/// And a **lone teaser**: a small box with a linked heading whose link comes again in the box (the
/// picture, the dek's "mehr" / "read more"): the card of another article. Runs of cards go by
/// `removeTeaserCards`; this is the single one set between two paragraphs.
///
/// Tables of contents (lists of `#` links) were tried and left: no gain on the snippet corpus, and
/// the article corpus counts a Wikipedia contents list as text.
extension ContentExtractor.Pass {
    /// Is the leaf block `n` a label ending in a separator followed by one link that ends the block?
    func isLabelledLink(_ n: Int32, _ facts: Shape) -> Bool {
        let i = Int(n)
        guard !facts.hasBlock[i], facts.text[i] > 0, facts.text[i] < 250, facts.links[i] == 1 else { return false }
        var label: [UInt8] = []
        var lettersAfter = 0
        var seenLink = false
        var emphasized = false
        var k = doc.firstChild[i]
        while k >= 0 {
            let t = doc.tag[Int(k)]
            if t == .a {
                guard !seenLink else { return false }
                seenLink = true
                k = doc.following(k, within: n, skipChildren: true)
                continue
            }
            if t == .text {
                let lo = Int(doc.lo[Int(k)]), hi = Int(doc.hi[Int(k)])
                if seenLink {
                    for j in lo..<hi where Keywords.isWordByte(doc.source[j]) { lettersAfter += 1 }
                } else {
                    label.append(contentsOf: doc.source[lo..<hi])
                    if label.count > 120 { return false }
                    if !emphasized, doc.source[lo..<hi].contains(where: Keywords.isWordByte), hasAncestor(k, below: n, where: Self.emphasisTags.contains) { emphasized = true }
                }
            }
            k = doc.following(k, within: n)
        }
        guard seenLink, lettersAfter < 3, let separator = Self.separatorAtEnd(label) else { return false }
        // "Its findings: <a>the weir holds</a>" is prose; a see-also label is set apart: bold or
        // shouted, or ended by an arrow or a bar rather than a colon.
        return emphasized || separator != UInt8(ascii: ":") || ReaderAppeal.isShouted(label, minimumLetters: 4)
    }

    /// Has `k` an ancestor below `root` (exclusive) whose tag satisfies `test`?
    func hasAncestor(_ k: Int32, below root: Int32, where test: (HTMLTag) -> Bool) -> Bool {
        var p = doc.parent[Int(k)]
        while p >= 0, p != root {
            if test(doc.tag[Int(p)]) { return true }
            p = doc.parent[Int(p)]
        }
        return false
    }

    /// Formatting elements that set a see-also label apart.
    static let emphasisTags: Set<HTMLTag> = [.b, .strong, .em, .i, .u, .mark, .span]

    /// For a label of 2–48 bytes (white space and `&nbsp;` trimmed) with a letter, ending in `:` `»`
    /// `›` `|` `→` or `>` (`&gt;`, `&raquo;`), the separator's first byte; nil for anything else.
    static func separatorAtEnd(_ raw: [UInt8]) -> UInt8? {
        var s = raw[...]
        while true {
            if let b = s.last, TextBuilder.isWS(b) { s = s.dropLast(); continue }
            if s.count >= 2, s.last == 0xA0, s[s.endIndex - 2] == 0xC2 { s = s.dropLast(2); continue }
            if s.count >= 6, s.suffix(6).elementsEqual("&nbsp;".utf8) { s = s.dropLast(6); continue }
            break
        }
        while let b = s.first, TextBuilder.isWS(b) { s = s.dropFirst() }
        guard s.count >= 2, s.count <= 48, s.contains(where: { ($0 | 0x20) >= 97 && ($0 | 0x20) <= 122 || $0 >= 0xC3 }) else { return nil }
        for sep in Self.separators where s.count >= sep.count + 2 && s.suffix(sep.count).elementsEqual(sep) {
            return sep[0]
        }
        return nil
    }

    static let separators: [[UInt8]] = [":", "»", "›", "|", "→", ">", "&gt;", "&raquo;", "&rsaquo;"].map { Array($0.utf8) }

    /// Is `n` a box of under 500 characters holding a heading whose link target is linked again
    /// in the box, with at most four links?
    func isLoneTeaser(_ n: Int32, _ facts: Shape) -> Bool {
        let i = Int(n)
        switch doc.tag[i] {
        case .div, .section, .article, .aside, .li, .figure: break
        default: return false
        }
        guard facts.hasBlock[i], facts.text[i] > 0, facts.text[i] < 500, facts.links[i] >= 2, facts.links[i] <= 4 else { return false }
        var hrefs: [ArraySlice<UInt8>] = []
        var headingHref: ArraySlice<UInt8>? = nil
        var k = doc.firstChild[i]
        while k >= 0 {
            if doc.tag[Int(k)] == .a, let r = doc.attributeRange(k, .href), r.count > 1, doc.source[r.lowerBound] != 0x23 {
                let href = doc.source[r]
                hrefs.append(href)
                if headingHref == nil, hasAncestor(k, below: n, where: \.isHeading) { headingHref = href }
            }
            k = doc.following(k, within: n)
        }
        guard let h = headingHref else { return false }
        return hrefs.lazy.filter { $0.elementsEqual(h) }.count >= 2
    }
}

extension HTMLDocument {
    /// How much the text of link `n` counts as link text in density measures: 1 for a link that
    /// goes somewhere, 0.3 for an in-page `#` link (footnotes, contents), 0 for a `javascript:`
    /// link around blocks (paragraphs, headings), a script's wrapper rather than navigation, whose
    /// text is the page's own. A `javascript:` link around a phrase is a button ("Back", "More")
    /// and counts in full.
    func linkWeight(_ n: Int32) -> Float {
        guard let r = attributeRange(n, .href) else { return 1 }
        var i = r.lowerBound
        while i < r.upperBound, TextBuilder.isWS(source[i]) { i += 1 }
        guard i < r.upperBound else { return 1 }
        if source[i] == 0x23 { return 0.3 }
        // "javascript:", compared without ASCII case.
        guard r.upperBound - i >= 11, source[i] | 0x20 == 0x6A else { return 1 }
        for (j, c) in "javascript:".utf8.enumerated() where source[i + j] | 0x20 != c { return 1 }
        return hasBlockDescendant(n) ? 0 : 1
    }

    /// Does `n` have a block element (other than `<br>`) below it?
    func hasBlockDescendant(_ n: Int32) -> Bool {
        var k = firstChild[Int(n)]
        while k >= 0 {
            let t = tag[Int(k)]
            if t != .text, t != .br, t.isBlock { return true }
            k = following(k, within: n)
        }
        return false
    }
}
