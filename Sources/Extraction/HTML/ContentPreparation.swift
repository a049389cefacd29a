/// Preparation of the tree for scoring and the node tests of the content pass: script-like
/// elements and `<br>` chains, visibility, bylines, title headers, empty and phrasing-only blocks.
extension ContentExtractor.Pass {
    // MARK: Preparation

    /// Drops script/style-like elements and turns `<br><br>` runs into paragraphs.
    mutating func prepare() {
        var n = doc.firstChild[0]
        while n >= 0 {
            switch doc.tag[Int(n)] {
            case .script, .style, .noscript, .template, .svg, .head, .select, .textarea, .iframe, .object, .embed, .button, .input, .canvas, .dialog, .frameset, .rt, .rp:
                if doc.tag[Int(n)] == .head { n = doc.following(n, within: 0, skipChildren: true); continue }
                let next = doc.following(n, within: 0, skipChildren: true)
                doc.remove(n)
                n = next
                continue
            case .font:
                doc.setTag(n, .span)
            case .br:
                replaceBrChain(n)
            default: break
            }
            n = doc.following(n, within: 0)
        }
    }

    func nextNonBlank(_ n: Int32) -> Int32 {
        var k = n
        while k >= 0, doc.tag[Int(k)] == .text, isBlank(k) { k = doc.nextSibling[Int(k)] }
        return k
    }

    func isBlank(_ textNode: Int32) -> Bool {
        let i = Int(textNode)
        for k in Int(doc.lo[i])..<Int(doc.hi[i]) where !TextBuilder.isWS(doc.source[k]) { return false }
        return true
    }

    mutating func replaceBrChain(_ br: Int32) {
        guard doc.parent[Int(br)] >= 0 else { return }
        var next = nextNonBlank(doc.nextSibling[Int(br)])
        var replaced = false
        while next >= 0, doc.tag[Int(next)] == .br {
            replaced = true
            let after = doc.nextSibling[Int(next)]
            doc.remove(next)
            next = nextNonBlank(after)
        }
        guard replaced else { return }
        let p = doc.createElement(.p)
        doc.replace(br, with: p)
        var k = doc.nextSibling[Int(p)]
        while k >= 0 {
            if doc.tag[Int(k)] == .br {
                let ne = nextNonBlank(doc.nextSibling[Int(k)])
                if ne >= 0, doc.tag[Int(ne)] == .br { break }
            }
            if !isPhrasing(k) { break }
            let sib = doc.nextSibling[Int(k)]
            doc.remove(k)
            doc.appendChild(k, to: p)
            k = sib
        }
        // Trailing white space and a final <br> stay out.
        while doc.lastChild[Int(p)] >= 0 {
            let l = doc.lastChild[Int(p)]
            if (doc.tag[Int(l)] == .text && isBlank(l)) || doc.tag[Int(l)] == .br { doc.remove(l) } else { break }
        }
    }

    // MARK: Node tests

    func matchString(_ n: Int32) -> [UInt8] {
        var s: [UInt8] = []
        if let r = doc.attributeRange(n, .class) { s.append(contentsOf: doc.source[r]) }
        if let r = doc.attributeRange(n, .id) { s.append(32); s.append(contentsOf: doc.source[r]) }
        for k in 0..<s.count where s[k] >= 65 && s[k] <= 90 { s[k] |= 0x20 }
        return s
    }

    func isProbablyVisible(_ n: Int32) -> Bool {
        if let r = doc.attributeRange(n, .style) {
            var s: [UInt8] = []
            for b in doc.source[r] where !TextBuilder.isWS(b) { s.append(b >= 65 && b <= 90 ? b | 0x20 : b) }
            if ContentExtractor.hiddenStyle.matches(s) { return false }
        }
        if doc.hasAttribute(n, .hidden) { return false }
        if let r = doc.attributeRange(n, .ariaHidden), Array(doc.source[r]) == Array("true".utf8) {
            if let c = doc.attributeRange(n, .class), ContentExtractor.Pass.fallbackImage.matches(Array(doc.source[c])) { return true }
            return false
        }
        return true
    }

    func isDialog(_ n: Int32) -> Bool {
        if let r = doc.attributeRange(n, .role), Array(doc.source[r]) == Array("dialog".utf8) { return true }
        return false
    }

    /// The class of an `aria-hidden` image that is still shown (`isProbablyVisible`).
    static let fallbackImage = Keywords("fallback-image")
    static let authorWord = Keywords("author")
    static let nameWord = Keywords("name")

    /// The byline text if `n` is a byline node (rel=author, itemprop=author, byline-ish class/id,
    /// under 100 characters); an `itemprop=name` descendant gives the name alone.
    mutating func bylineText(_ n: Int32, _ match: [UInt8]) -> String? {
        var hinted = false
        if let r = doc.attributeRange(n, .rel), Array(doc.source[r]) == Array("author".utf8) { hinted = true }
        if !hinted, let r = doc.attributeRange(n, .itemprop), ContentExtractor.Pass.authorWord.matches(Array(doc.source[r])) { hinted = true }
        if !hinted, ContentExtractor.bylineHint.matches(match) { hinted = true }
        guard hinted else { return nil }
        let length = textLength(n)
        guard length > 0, length < 100 else { return nil }
        var source = n
        var k = doc.firstChild[Int(n)]
        while k >= 0 {
            if doc.tag[Int(k)] != .text, let r = doc.attributeRange(k, .itemprop), ContentExtractor.Pass.nameWord.matches(Array(doc.source[r])) {
                source = k; break
            }
            k = doc.following(k, within: n)
        }
        let text = TextBuilder.fold(TextBuilder.decodedString(innerTextBytes(source)[...]))
        return text.isEmpty ? nil : text
    }

    mutating func headerDuplicatesTitle(_ n: Int32) -> Bool {
        guard !title.isEmpty else { return false }
        let heading = TextBuilder.decodedString(innerTextBytes(n)[...])
        if titleTokens == nil { titleTokens = Set(Similarity.tokens(title)) }
        return Similarity.text(titleTokens!, heading) > 0.75
    }

    func isWithoutContent(_ n: Int32) -> Bool {
        var k = doc.firstChild[Int(n)]
        var elements = 0, brhr = 0
        while k >= 0 {
            let t = doc.tag[Int(k)]
            if t == .text { if !isBlank(k) { return false } } else { elements += 1; if t == .br || t == .hr { brhr += 1 } }
            k = doc.nextSibling[Int(k)]
        }
        if elements == 0 { return true }
        if elements == brhr { return true }
        return false
    }

    func hasAncestor(_ n: Int32, _ t: HTMLTag, maxDepth: Int = 3, filter: ((Int32) -> Bool)? = nil) -> Bool {
        var p = doc.parent[Int(n)]
        var depth = 0
        while p > 0 {
            if maxDepth > 0 && depth > maxDepth { return false }
            if doc.tag[Int(p)] == t && (filter == nil || filter!(p)) { return true }
            p = doc.parent[Int(p)]
            depth += 1
        }
        return false
    }

    func isAttached(_ n: Int32) -> Bool {
        var p = n
        while p > 0 { p = doc.parent[Int(p)] }
        return p == 0
    }

    func ancestorsOf(_ n: Int32, maxDepth: Int) -> [Int32] {
        var out: [Int32] = []
        var p = doc.parent[Int(n)]
        while p > 0 {
            out.append(p)
            if maxDepth > 0 && out.count == maxDepth { break }
            p = doc.parent[Int(p)]
        }
        return out
    }

    func elementChildCount(_ n: Int32) -> Int {
        var c = 0
        for k in doc.children(n) where doc.tag[Int(k)] != .text { c += 1 }
        return c
    }

    func singleChild(_ n: Int32, _ t: HTMLTag) -> Int32? {
        var found: Int32 = -1
        for k in doc.children(n) {
            if doc.tag[Int(k)] == .text { if !isBlank(k) { return nil }; continue }
            if found >= 0 { return nil }
            found = k
        }
        return found >= 0 && doc.tag[Int(found)] == t ? found : nil
    }

    func isDivToPElement(_ t: HTMLTag) -> Bool {
        switch t {
        case .a, .blockquote, .dl, .div, .img, .ol, .p, .pre, .table, .ul, .select: return true
        default: return false
        }
    }

    func hasChildBlock(_ n: Int32) -> Bool {
        var k = doc.firstChild[Int(n)]
        while k >= 0 {
            if isDivToPElement(doc.tag[Int(k)]) { return true }
            k = doc.following(k, within: n)
        }
        return false
    }

    func isPhrasing(_ n: Int32) -> Bool {
        let t = doc.tag[Int(n)]
        if t == .a || t == .del || t == .ins {
            for c in doc.children(n) where !isPhrasing(c) { return false }
            return true
        }
        switch t {
        case .iframe, .canvas, .video, .picture, .a: return false
        default: return t.isPhrasing
        }
    }

    /// Wraps runs of phrasing children of a div into `<p>` elements.
    mutating func wrapPhrasingRuns(_ div: Int32) {
        var p: Int32 = -1
        var k = doc.firstChild[Int(div)]
        var hasBlock = false
        for c in doc.children(div) where !isPhrasing(c) { hasBlock = true; break }
        guard hasBlock else { return }
        while k >= 0 {
            let next = doc.nextSibling[Int(k)]
            if isPhrasing(k) {
                if p >= 0 {
                    doc.remove(k); doc.appendChild(k, to: p)
                } else if !(doc.tag[Int(k)] == .text && isBlank(k)) {
                    p = doc.createElement(.p)
                    doc.replace(k, with: p)
                    doc.appendChild(k, to: p)
                }
            } else if p >= 0 {
                while doc.lastChild[Int(p)] >= 0, doc.tag[Int(doc.lastChild[Int(p)])] == .text, isBlank(doc.lastChild[Int(p)]) {
                    doc.remove(doc.lastChild[Int(p)])
                }
                p = -1
            }
            k = next
        }
    }

    mutating func removeAndNext(_ n: Int32, _ within: Int32) -> Int32 {
        let next = doc.following(n, within: within, skipChildren: true)
        doc.remove(n)
        return next
    }
}
