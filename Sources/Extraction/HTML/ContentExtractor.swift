/// Finds the main content of a page: the readability family of heuristics (paragraph scoring
/// propagated to ancestors, class/id hints, link density, sibling merging, conditional cleaning
/// of lists, tables and divs), applied to an `HTMLDocument`.
struct ContentExtractor {
    struct Flags: OptionSet {
        let rawValue: Int
        static let stripUnlikelys = Flags(rawValue: 1)
        static let weightClasses = Flags(rawValue: 2)
        static let cleanConditionally = Flags(rawValue: 4)
        static let all: Flags = [.stripUnlikelys, .weightClasses, .cleanConditionally]
    }

    /// The extracted content: the container node and its plain text.
    struct Result {
        var doc: HTMLDocument
        var root: Int32
        var text: String
        var textLength: Int
        var byline: String?
        /// Share of the content's text inside links.
        var linkDensity: Float
    }

    static let unlikely = Keywords("-ad-|ai2html|banner|breadcrumbs|combx|comment|community|cover-wrap|disqus|extra|footer|gdpr|header|legends|menu|related|remark|replies|rss|shoutbox|sidebar|skyscraper|social|sponsor|supplemental|ad-break|agegate|pagination|pager|popup|yom-remote|cookie|newsletter|subscribe|promo")
    static let maybeCandidate = Keywords("and|article|body|column|content|main|mathjax|shadow")
    static let positive = Keywords("article|body|content|entry|hentry|h-entry|main|page|pagination|post|text|blog|story")
    static let negative = Keywords("-ad-|hidden|banner|combx|comment|com-|contact|footer|gdpr|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|tags|widget|cookie|newsletter")
    static let bylineHint = Keywords("byline|author|dateline|writtenby|p-author")
    static let shareHint = Keywords("share|sharedaddy")
    static let videoHosts = Keywords("//www.youtube|//youtube|//www.dailymotion|//dailymotion|//player.vimeo|//www.youtube-nocookie|//youtube-nocookie")

    static let hiddenStyle = Keywords("display:none|visibility:hidden")
    let charThreshold = 500
    let nTopCandidates = 5
    var articleTitle: String
    /// When the page's metadata names the author, visible byline nodes stay in the body.
    var metadataHasByline = false

    // MARK: Entry

    /// Runs the extraction with progressively relaxed flags until enough text is found.
    func extract(_ original: HTMLDocument) -> Result? {
        var attempts: [Result] = []
        var flags = Flags.all
        for step in 0..<4 {
            var pass = Pass(doc: original, flags: flags, title: articleTitle, owner: self)
            if let r = pass.run() {
                if r.textLength >= charThreshold { return withLead(r, original) }
                attempts.append(r)
            }
            switch step {
            case 0: flags.remove(.stripUnlikelys)
            case 1: flags.remove(.weightClasses)
            case 2: flags.remove(.cleanConditionally)
            default: break
            }
        }
        let best = attempts.max { $0.textLength < $1.textLength }
        guard let best, best.textLength > 0 else { return nil }
        return withLead(best, original)
    }

    /// Puts the article's lead in front of the body when the page prints it outside the body's
    /// container (see `LeadParagraph`).
    func withLead(_ r: Result, _ original: HTMLDocument) -> Result {
        guard let lead = LeadParagraph.find(in: original, before: r.doc, content: r.root, owner: self) else { return r }
        var out = r
        out.text = lead.text + "\n\n" + r.text
        out.textLength += lead.length + 2
        return out
    }

    /// One pass of the algorithm over a private copy of the tree.
    struct Pass {
        var doc: HTMLDocument
        let flags: Flags
        let title: String
        let owner: ContentExtractor
        var score: [Float] = []
        var initialized: [Bool] = []
        var byline: String?
        var dataTable: [Int32: Bool] = [:]

        init(doc: HTMLDocument, flags: Flags, title: String, owner: ContentExtractor) {
            self.doc = doc
            self.flags = flags
            self.title = title
            self.owner = owner
        }

        mutating func ensureCapacity() {
            if score.count < doc.count {
                score.append(contentsOf: repeatElement(0, count: doc.count - score.count))
                initialized.append(contentsOf: repeatElement(false, count: doc.count - initialized.count))
            }
        }

        var body: Int32 { doc.firstElement(.body) ?? 0 }

        mutating func run() -> Result? {
            prepare()
            let page = body
            ensureCapacity()
            var toScore: [Int32] = []
            var removeTitleHeader = true
            // 1. Walk: drop hidden/unlikely nodes, turn divs of text into paragraphs, collect nodes to score.
            var node = doc.firstChild[Int(page)]
            while node >= 0 {
                let t = doc.tag[Int(node)]
                if t == .text { node = doc.following(node, within: page); continue }
                let match = matchString(node)
                if !isProbablyVisible(node) || isDialog(node) {
                    node = removeAndNext(node, page); continue
                }
                if byline == nil, !owner.metadataHasByline, let b = bylineText(node, match) {
                    byline = b
                    node = removeAndNext(node, page); continue
                }
                if removeTitleHeader, (t == .h1 || t == .h2), headerDuplicatesTitle(node) {
                    removeTitleHeader = false
                    node = removeAndNext(node, page); continue
                }
                if flags.contains(.stripUnlikelys) {
                    if ContentExtractor.unlikely.matches(match), !ContentExtractor.maybeCandidate.matches(match),
                       !hasAncestor(node, .table), !hasAncestor(node, .code), t != .body, t != .a {
                        node = removeAndNext(node, page); continue
                    }
                    if let role = doc.attribute(node, .role)?.lowercased(),
                       ["menu", "menubar", "complementary", "navigation", "alert", "alertdialog", "dialog"].contains(role) {
                        node = removeAndNext(node, page); continue
                    }
                    if t == .nav {
                        node = removeAndNext(node, page); continue
                    }
                }
                if (t == .div || t == .section || t == .header || t.isHeading) && isWithoutContent(node) {
                    node = removeAndNext(node, page); continue
                }
                switch t {
                case .section, .h2, .h3, .h4, .h5, .h6, .p, .td, .pre: toScore.append(node)
                default: break
                }
                if t == .div {
                    wrapPhrasingRuns(node)
                    ensureCapacity()
                    if let only = singleChild(node, .p), linkDensity(node) < 0.25 {
                        doc.replace(node, with: only)
                        node = only
                        toScore.append(node)
                    } else if !hasChildBlock(node) {
                        doc.setTag(node, .p)
                        toScore.append(node)
                    }
                }
                node = doc.following(node, within: page)
            }
            ensureCapacity()
            // 2. Score paragraphs into their ancestors.
            var candidates: [Int32] = []
            for el in toScore {
                guard isAttached(el), doc.parent[Int(el)] >= 0 else { continue }
                let (len, commas) = textStats(el)
                if len < 25 { continue }
                let ancestors = ancestorsOf(el, maxDepth: 5)
                if ancestors.isEmpty { continue }
                // Commas count up to ten: a cell or list of names ("A, Univ. X, B, Univ. Y, …")
                // otherwise outscores the prose it follows (measured 5–20 alike).
                let contentScore: Float = 1 + Float(min(commas, 10)) + Float(min(len / 100, 3))
                for (level, a) in ancestors.enumerated() {
                    if doc.parent[Int(a)] < 0 && a != 0 { break }
                    if !initialized[Int(a)] { initializeNode(a); candidates.append(a) }
                    let divider: Float = level == 0 ? 1 : (level == 1 ? 2 : Float(level * 3))
                    score[Int(a)] += contentScore / divider
                }
            }
            // 3. Best candidates after link-density scaling.
            var top: [Int32] = []
            let lengths = subtreeLengths(page)
            for c in candidates {
                let total = lengths.text[Int(c)]
                score[Int(c)] *= (1 - (total > 0 ? lengths.link[Int(c)] / Float(total) : 0))
                let s = score[Int(c)]
                var inserted = false
                for k in 0..<min(top.count, owner.nTopCandidates) where s > score[Int(top[k])] {
                    top.insert(c, at: k); inserted = true; break
                }
                if !inserted { top.append(c) }
                if top.count > owner.nTopCandidates { top.removeLast() }
            }
            var topCandidate: Int32
            if top.isEmpty || doc.tag[Int(top[0])] == .body || top[0] == page {
                // Wrap the whole page.
                topCandidate = doc.createElement(.div)
                ensureCapacity()
                var k = doc.firstChild[Int(page)]
                while k >= 0 { let nx = doc.nextSibling[Int(k)]; doc.remove(k); doc.appendChild(k, to: topCandidate); k = nx }
                doc.appendChild(topCandidate, to: page)
                initializeNode(topCandidate)
            } else {
                topCandidate = top[0]
                let topScore = score[Int(topCandidate)]
                var alternatives: [[Int32]] = []
                for k in 1..<top.count where topScore > 0 && score[Int(top[k])] / topScore >= 0.75 {
                    alternatives.append(ancestorsOf(top[k], maxDepth: 0))
                }
                if alternatives.count >= 3 {
                    var p = doc.parent[Int(topCandidate)]
                    while p >= 0 && doc.tag[Int(p)] != .body && p != 0 {
                        let lists = alternatives.filter { $0.contains(p) }.count
                        if lists >= 3 { topCandidate = p; break }
                        p = doc.parent[Int(p)]
                    }
                }
                if !initialized[Int(topCandidate)] { initializeNode(topCandidate) }
                var p = doc.parent[Int(topCandidate)]
                var lastScore = score[Int(topCandidate)]
                let threshold = lastScore / 3
                while p >= 0 && doc.tag[Int(p)] != .body && p != 0 {
                    if !initialized[Int(p)] { p = doc.parent[Int(p)]; continue }
                    let ps = score[Int(p)]
                    if ps < threshold { break }
                    if ps > lastScore { topCandidate = p; break }
                    lastScore = ps
                    p = doc.parent[Int(p)]
                }
                p = doc.parent[Int(topCandidate)]
                while p >= 0 && doc.tag[Int(p)] != .body && p != 0 && elementChildCount(p) == 1 {
                    topCandidate = p
                    p = doc.parent[Int(p)]
                }
                if !initialized[Int(topCandidate)] { initializeNode(topCandidate) }
            }
            // 4. Merge qualifying siblings.
            let content = doc.createElement(.div)
            ensureCapacity()
            let topScore = score[Int(topCandidate)]
            let siblingThreshold = max(10, topScore * 0.2)
            let parentOfTop = doc.parent[Int(topCandidate)]
            let topClass = doc.attributeRange(topCandidate, .class).map { Array(doc.source[$0]) } ?? []
            var siblings: [Int32] = []
            if parentOfTop >= 0 {
                for c in doc.children(parentOfTop) where doc.tag[Int(c)] != .text { siblings.append(c) }
            } else {
                siblings = [topCandidate]
            }
            for s in siblings {
                var append = s == topCandidate
                if !append {
                    var bonus: Float = 0
                    if !topClass.isEmpty, let r = doc.attributeRange(s, .class), Array(doc.source[r]) == topClass {
                        bonus += topScore * 0.2
                    }
                    if initialized[Int(s)] && score[Int(s)] + bonus >= siblingThreshold {
                        append = true
                    } else if doc.tag[Int(s)] == .p {
                        let ld = linkDensity(s)
                        let text = innerTextBytes(s)
                        let len = utf8Length(text)
                        if len > 80 && ld < 0.25 { append = true }
                        else if len < 80 && len > 0 && ld == 0 && hasSentenceEnd(text) { append = true }
                    }
                }
                if append {
                    let t = doc.tag[Int(s)]
                    if t != .div && t != .article && t != .section && t != .p { doc.setTag(s, .div) }
                    doc.remove(s)
                    doc.appendChild(s, to: content)
                }
            }
            prepArticle(content)
            pruneBoilerplate(content, core: topCandidate)
            let (text, len) = renderText(content)
            return Result(doc: doc, root: content, text: text, textLength: len, byline: byline, linkDensity: linkDensity(content))
        }

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
                if let c = doc.attributeRange(n, .class), Keywords("fallback-image").matches(Array(doc.source[c])) { return true }
                return false
            }
            return true
        }

        func isDialog(_ n: Int32) -> Bool {
            if let r = doc.attributeRange(n, .role), Array(doc.source[r]) == Array("dialog".utf8) { return true }
            return false
        }

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

        func headerDuplicatesTitle(_ n: Int32) -> Bool {
            guard !title.isEmpty else { return false }
            let heading = TextBuilder.decodedString(innerTextBytes(n)[...])
            return Similarity.text(title, heading) > 0.75
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

        // MARK: Scores

        func classWeight(_ n: Int32) -> Float {
            guard flags.contains(.weightClasses) else { return 0 }
            var w: Float = 0
            for attr in [HTMLAttribute.class, .id] {
                guard let r = doc.attributeRange(n, attr), !r.isEmpty else { continue }
                var s = Array(doc.source[r])
                for k in 0..<s.count where s[k] >= 65 && s[k] <= 90 { s[k] |= 0x20 }
                if ContentExtractor.negative.matches(s) || Keywords.hasToken(s, "hid") { w -= 25 }
                if ContentExtractor.positive.matches(s) { w += 25 }
            }
            return w
        }

        mutating func initializeNode(_ n: Int32) {
            ensureCapacity()
            initialized[Int(n)] = true
            var s: Float
            switch doc.tag[Int(n)] {
            case .div, .article: s = 5
            case .pre, .td, .blockquote: s = 3
            case .address, .ol, .ul, .dl, .dd, .dt, .li, .form: s = -3
            case .h1, .h2, .h3, .h4, .h5, .h6, .th: s = -5
            default: s = 0
            }
            score[Int(n)] = s + classWeight(n)
        }

        // MARK: Text measures

        /// Text of the subtree with white space folded and trimmed (raw bytes, references encoded).
        func innerTextBytes(_ n: Int32) -> [UInt8] {
            var out: [UInt8] = []
            var space = false
            if doc.tag[Int(n)] == .text { appendText(n, &out, &space); return out }
            var k = doc.firstChild[Int(n)]
            while k >= 0 {
                if doc.tag[Int(k)] == .text { appendText(k, &out, &space) }
                k = doc.following(k, within: n)
            }
            return out
        }

        func appendText(_ k: Int32, _ out: inout [UInt8], _ space: inout Bool) {
            let i = Int(k)
            for j in Int(doc.lo[i])..<Int(doc.hi[i]) {
                let b = doc.source[j]
                if TextBuilder.isWS(b) { space = true; continue }
                if space && !out.isEmpty { out.append(32) }
                space = false
                out.append(b)
            }
        }

        /// (character count of the folded text, comma count).
        func textStats(_ n: Int32) -> (Int, Int) {
            let t = innerTextBytes(n)
            var commas = 0
            var i = 0
            while i < t.count {
                let b = t[i]
                if b == 0x2C { commas += 1 }
                else if b == 0xEF, i + 2 < t.count, t[i + 1] == 0xBC, t[i + 2] == 0x8C { commas += 1 }   // U+FF0C
                else if b == 0xD8, i + 1 < t.count, t[i + 1] == 0x8C { commas += 1 }                       // U+060C
                i += 1
            }
            return (utf8Length(t), commas)
        }

        /// Character count of the folded, trimmed text of the subtree, without building it.
        func textLength(_ n: Int32) -> Int {
            var state = FoldCounter()
            if doc.tag[Int(n)] == .text { state.add(doc, n); return state.count }
            var k = doc.firstChild[Int(n)]
            while k >= 0 {
                if doc.tag[Int(k)] == .text { state.add(doc, k) }
                k = doc.following(k, within: n)
            }
            return state.count
        }

        func utf8Length(_ t: [UInt8]) -> Int {
            var c = 0
            for b in t where b & 0xC0 != 0x80 { c += 1 }
            return c
        }

        func linkDensity(_ n: Int32) -> Float {
            var total = FoldCounter()
            var linkLen: Float = 0
            var k = doc.firstChild[Int(n)]
            while k >= 0 {
                let t = doc.tag[Int(k)]
                if t == .text { total.add(doc, k) }
                else if t == .a {
                    var coeff: Float = 1
                    if let r = doc.attributeRange(k, .href), r.count > 0, doc.source[r.lowerBound] == 0x23 { coeff = 0.3 }
                    let before = total.count
                    var j = doc.firstChild[Int(k)]
                    while j >= 0 {
                        if doc.tag[Int(j)] == .text { total.add(doc, j) }
                        j = doc.following(j, within: k)
                    }
                    linkLen += Float(total.count - before) * coeff
                    k = doc.following(k, within: n, skipChildren: true)
                    continue
                }
                k = doc.following(k, within: n)
            }
            return total.count > 0 ? linkLen / Float(total.count) : 0
        }

        /// Folded text length and (weighted) link-text length of every subtree, in one post-order pass.
        func subtreeLengths(_ root: Int32) -> (text: [Int], link: [Float]) {
            var text = [Int](repeating: 0, count: doc.count)
            var link = [Float](repeating: 0, count: doc.count)
            // Pre-order list, then accumulate children into parents in reverse.
            var order: [Int32] = []
            var k = doc.firstChild[Int(root)]
            while k >= 0 { order.append(k); k = doc.following(k, within: root) }
            for n in order.reversed() {
                let i = Int(n)
                if doc.tag[i] == .text {
                    var c = FoldCounter(); c.add(doc, n); text[i] = c.count + (c.count > 0 ? 1 : 0)
                } else if doc.tag[i] == .a {
                    var coeff: Float = 1
                    if let r = doc.attributeRange(n, .href), r.count > 0, doc.source[r.lowerBound] == 0x23 { coeff = 0.3 }
                    link[i] = Float(text[i]) * coeff
                }
                let p = Int(doc.parent[i])
                if p >= 0 { text[p] += text[i]; link[p] += link[i] }
            }
            return (text, link)
        }

        func hasSentenceEnd(_ t: [UInt8]) -> Bool {
            for i in 0..<t.count where t[i] == 0x2E {
                if i + 1 == t.count || t[i + 1] == 32 { return true }
            }
            return false
        }

        func count(_ t: HTMLTag, under n: Int32) -> Int {
            var c = 0
            var k = doc.firstChild[Int(n)]
            while k >= 0 { if doc.tag[Int(k)] == t { c += 1 }; k = doc.following(k, within: n) }
            return c
        }

        // MARK: Cleaning

        mutating func prepArticle(_ content: Int32) {
            ensureCapacity()
            markDataTables(content)
            cleanConditionally(content, .form)
            cleanConditionally(content, .fieldset)
            removeAll(content) { t, _ in t == .object || t == .embed || t == .footer || t == .link || t == .aside }
            // Share bars.
            for child in Array(doc.children(content)) where doc.tag[Int(child)] != .text {
                var k = doc.firstChild[Int(child)]
                while k >= 0 {
                    if doc.tag[Int(k)] != .text, ContentExtractor.shareHint.matches(matchString(k)), textLength(k) < owner.charThreshold {
                        k = removeAndNext(k, child); continue
                    }
                    k = doc.following(k, within: child)
                }
            }
            removeAll(content) { t, _ in t == .iframe || t == .input || t == .textarea || t == .select || t == .button }
            // Headers with negative class weight.
            let me = self
            removeAll(content) { t, n in (t == .h1 || t == .h2) && me.classWeight(n) < 0 }
            cleanConditionally(content, .table)
            cleanConditionally(content, .ul)
            cleanConditionally(content, .div)
            // Empty paragraphs.
            let me2 = self
            removeAll(content) { t, n in
                t == .p && me2.count(.img, under: n) == 0 && me2.count(.embed, under: n) == 0 && me2.count(.object, under: n) == 0
                    && me2.count(.iframe, under: n) == 0 && me2.textLength(n) == 0
            }
        }

        mutating func removeAll(_ root: Int32, _ pred: (HTMLTag, Int32) -> Bool) {
            var doomed: [Int32] = []
            var k = doc.firstChild[Int(root)]
            while k >= 0 {
                let t = doc.tag[Int(k)]
                if t != .text, pred(t, k) { doomed.append(k); k = doc.following(k, within: root, skipChildren: true); continue }
                k = doc.following(k, within: root)
            }
            for n in doomed { doc.remove(n) }
        }

        mutating func markDataTables(_ root: Int32) {
            for table in doc.elements(.table, under: root) {
                dataTable[table] = isDataTable(table)
            }
        }

        func isDataTable(_ table: Int32) -> Bool {
            if let r = doc.attributeRange(table, .role), Array(doc.source[r]) == Array("presentation".utf8) { return false }
            if count(.caption, under: table) > 0 || count(.thead, under: table) > 0 || count(.tfoot, under: table) > 0 || count(.th, under: table) > 0 || count(.colgroup, under: table) > 0 {
                return true
            }
            if count(.table, under: table) > 0 { return false }
            let rows = count(.tr, under: table)
            var cols = 0
            for tr in doc.elements(.tr, under: table) { cols = max(cols, count(.td, under: tr)) }
            if rows >= 10 || cols > 4 { return true }
            return rows * cols > 10
        }

        mutating func cleanConditionally(_ root: Int32, _ tag: HTMLTag) {
            guard flags.contains(.cleanConditionally) else { return }
            let nodes = doc.elements(tag, under: root)
            for node in nodes.reversed() where isAttached(node) {
                if shouldRemoveConditionally(node, tag) { doc.remove(node) }
            }
        }

        func shouldRemoveConditionally(_ node: Int32, _ tag: HTMLTag) -> Bool {
            var isList = tag == .ul || tag == .ol
            let innerLen = textLength(node)
            if !isList {
                var listLen = 0
                var k = doc.firstChild[Int(node)]
                while k >= 0 {
                    let t = doc.tag[Int(k)]
                    if t == .ul || t == .ol { listLen += textLength(k); k = doc.following(k, within: node, skipChildren: true); continue }
                    k = doc.following(k, within: node)
                }
                isList = innerLen > 0 && Float(listLen) / Float(innerLen) > 0.9
            }
            if tag == .table, dataTable[node] == true { return false }
            if hasAncestor(node, .table, maxDepth: -1, filter: { self.dataTable[$0] == true }) { return false }
            if hasAncestor(node, .code, maxDepth: -1) { return false }
            let weight = classWeight(node)
            if weight < 0 { return true }
            let (_, commas) = textStats(node)
            guard commas < 10 else { return false }
            let p = count(.p, under: node)
            let img = count(.img, under: node)
            let li = count(.li, under: node) - 100
            let input = count(.input, under: node)
            var headingLen = 0
            var k = doc.firstChild[Int(node)]
            while k >= 0 {
                if doc.tag[Int(k)].isHeading { headingLen += textLength(k); k = doc.following(k, within: node, skipChildren: true); continue }
                k = doc.following(k, within: node)
            }
            let headingDensity: Float = innerLen > 0 ? Float(headingLen) / Float(innerLen) : 0
            var embeds = 0
            for t in [HTMLTag.object, .embed, .iframe] {
                for e in doc.elements(t, under: node) {
                    if let r = doc.attributeRange(e, .src), ContentExtractor.videoHosts.matches(Array(doc.source[r])) { continue }
                    embeds += 1
                }
            }
            let ld = linkDensity(node)
            let isFigureChild = hasAncestor(node, .figure, maxDepth: -1)
            var remove = false
            if !isFigureChild && img > 1 && Float(p) / Float(img) < 0.5 { remove = true }
            if !isList && li > p { remove = true }
            if input > p / 3 { remove = true }
            if !isList && !isFigureChild && headingDensity < 0.9 && innerLen < 25 && (img == 0 || img > 2) && ld > 0 { remove = true }
            if !isList && weight < 25 && ld > 0.2 { remove = true }
            if weight >= 25 && ld > 0.5 { remove = true }
            if (embeds == 1 && innerLen < 75) || embeds > 1 { remove = true }
            if isList && remove {
                // Keep image galleries: every item holds exactly one image.
                for c in doc.children(node) where doc.tag[Int(c)] != .text {
                    if elementChildCount(c) > 1 { return remove }
                }
                let liCount = count(.li, under: node)
                if img == liCount { return false }
            }
            return remove
        }

        // MARK: Output

        /// Plain text of the content: block elements become paragraphs separated by a blank line.
        func renderText(_ root: Int32) -> (String, Int) {
            var tb = TextBuilder()
            render(root, &tb)
            let s = tb.string()
            return (s, s.unicodeScalars.count)
        }

        /// MathML: every token element is its own word.
        func renderSpaced(_ n: Int32, _ tb: inout TextBuilder) {
            var k = doc.firstChild[Int(n)]
            while k >= 0 {
                if doc.tag[Int(k)] == .text {
                    tb.appendRaw([32][...])
                    tb.appendRaw(doc.source[Int(doc.lo[Int(k)])..<Int(doc.hi[Int(k)])])
                    tb.appendRaw([32][...])
                }
                k = doc.following(k, within: n)
            }
        }

        func render(_ n: Int32, _ tb: inout TextBuilder) {
            var k = doc.firstChild[Int(n)]
            while k >= 0 {
                let t = doc.tag[Int(k)]
                if t == .text {
                    let i = Int(k)
                    tb.appendRaw(doc.source[Int(doc.lo[i])..<Int(doc.hi[i])])
                } else if t == .br {
                    tb.lineBreak()
                } else if t == .img || t == .script || t == .style {
                } else if t == .math {
                    renderSpaced(k, &tb)
                } else if t.isBlock {
                    tb.paragraphBreak()
                    render(k, &tb)
                    tb.paragraphBreak()
                } else {
                    render(k, &tb)
                }
                k = doc.nextSibling[Int(k)]
            }
        }
    }
}

/// Counts characters of text as white-space-folded and trimmed, across text nodes.
struct FoldCounter {
    var count = 0
    var pendingSpace = false

    @inline(__always)
    mutating func add(_ doc: HTMLDocument, _ n: Int32) {
        let i = Int(n)
        let lo = Int(doc.lo[i]), hi = Int(doc.hi[i])
        doc.source.withUnsafeBufferPointer { buf in
            var j = lo
            while j < hi {
                let b = buf[j]
                if b == 32 || b == 9 || b == 10 || b == 13 || b == 12 {
                    pendingSpace = true
                } else if b & 0xC0 != 0x80 {
                    if pendingSpace && count > 0 { count += 1 }
                    pendingSpace = false
                    count += 1
                }
                j += 1
            }
        }
    }
}

/// Word-overlap similarity used to match a heading against the title.
enum Similarity {
    static func tokens(_ s: String) -> [String] {
        s.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }

    /// 1 − (share of `b`'s characters in words that `a` lacks).
    static func text(_ a: String, _ b: String) -> Double {
        let ta = Set(tokens(a)), tb = tokens(b)
        guard !ta.isEmpty, !tb.isEmpty else { return 0 }
        let uniq = tb.filter { !ta.contains($0) }
        let all = tb.joined(separator: " ").count
        guard all > 0 else { return 0 }
        return 1 - Double(uniq.joined(separator: " ").count) / Double(all)
    }
}
