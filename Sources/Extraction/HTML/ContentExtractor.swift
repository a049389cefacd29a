import Articles

/// Finds the main content of a page: the readability family of heuristics (paragraph scoring
/// propagated to ancestors, class/id hints, link density, sibling merging, conditional cleaning
/// of lists, tables and divs), applied to an `HTMLDocument`.
struct ContentExtractor {
    struct Flags: OptionSet {
        let rawValue: Int
        static let stripUnlikelys = Flags(rawValue: 1)
        static let weightClasses = Flags(rawValue: 2)
        static let cleanConditionally = Flags(rawValue: 4)
        /// The boilerplate pruner (`BoilerplatePruner`) after the content is chosen.
        static let pruneBoilerplate = Flags(rawValue: 8)
        static let all: Flags = [.stripUnlikelys, .weightClasses, .cleanConditionally, .pruneBoilerplate]
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
        /// Paragraph prose (non-link characters of paragraphs of 80+ characters) of the largest
        /// subtree the pass dropped as an unlikely candidate.
        var strippedProse: Int = 0
        /// Paragraphs of `text` that are picture captions (see `BoilerplatePruner.isCredit`).
        var captions: [String] = []
    }

    static let unlikely = Keywords("-ad-|ai2html|banner|breadcrumbs|combx|comment|community|cover-wrap|disqus|extra|footer|gdpr|header|legends|menu|related|remark|replies|rss|shoutbox|sidebar|skyscraper|social|sponsor|supplemental|ad-break|agegate|pagination|pager|popup|yom-remote|cookie|newsletter|subscribe|promo|overlay|modal")
    static let maybeCandidate = Keywords("and|article|body|column|content|main|mathjax|shadow")
    static let positive = Keywords("article|body|content|entry|hentry|h-entry|main|page|pagination|post|text|blog|story")
    static let negative = Keywords("-ad-|hidden|banner|combx|comment|com-|contact|footer|gdpr|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|tags|widget|cookie|newsletter")
    static let bylineHint = Keywords("byline|author|dateline|writtenby|p-author")
    static let shareHint = Keywords("share|sharedaddy")
    static let videoHosts = Keywords("//www.youtube|//youtube|//www.dailymotion|//dailymotion|//player.vimeo|//www.youtube-nocookie|//youtube-nocookie")

    static let hiddenStyle = Keywords("display:none|visibility:hidden")
    let charThreshold = 500
    /// An `<aside>` (or `<nav>`) holding this share of the content or more is the article's
    /// wrapper, misnamed by its theme, not furniture in it.
    static let asideWrapperShare: Float = 0.5
    let nTopCandidates = 5
    var articleTitle: String
    /// When the page's metadata names the author, visible byline nodes stay in the body.
    var metadataHasByline = false

    // MARK: Entry

    /// Runs the extraction with progressively relaxed flags until enough text is found.
    func extract(_ original: HTMLDocument) -> Result? {
        var attempts: [Result] = []
        var flags = Flags.all
        let facts = PageFacts(original)
        for step in 0..<4 {
            var pass = Pass(facts: facts, flags: flags, title: articleTitle, owner: self)
            if let r = pass.run() {
                // A wrapper whose class only sounds like furniture ("above-footer") can hold the
                // article: when the result is short and a dropped subtree had more than three times
                // its prose, the pass kept a side box and the next, less strict pass decides.
                let lostArticle = flags.contains(.stripUnlikelys) && r.textLength < 2 * charThreshold
                    && r.strippedProse > 3 * r.textLength
                // A result that is mostly link text (a pass that kept a list of teasers and dropped
                // the prose beside it) would be refused as an index page: the less strict passes
                // may still find the page's prose.
                let linkHeavy = r.linkDensity > NoArticleRules.maxLinkDensity
                if r.textLength >= charThreshold && !lostArticle && !linkHeavy { return withLead(r, original) }
                attempts.append(r)
            }
            switch step {
            case 0: flags.remove(.stripUnlikelys)
            case 1: flags.remove(.weightClasses)
            case 2: flags.remove(.cleanConditionally)
            default: break
            }
        }
        let prose = attempts.filter { $0.linkDensity <= NoArticleRules.maxLinkDensity }
        var best = (prose.isEmpty ? attempts : prose).max { $0.textLength < $1.textLength }
        // Pruning must not turn an article into an index page: when every pass left mostly link
        // text, the prose may be what the pruner took (a story set out like a teaser card). One
        // more pass without it decides; a real index page stays mostly links and is refused.
        if let b = best, b.linkDensity > NoArticleRules.maxLinkDensity {
            var pass = Pass(facts: facts, flags: Flags.all.subtracting(.pruneBoilerplate), title: articleTitle, owner: self)
            if let r = pass.run(), r.textLength > 0, r.linkDensity <= NoArticleRules.maxLinkDensity { best = r }
        }
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
        if !out.captions.isEmpty {
            // A caption that reads the same as the lead is not left out of the hash (the lead would
            // go with it). The body's own paragraphs were checked when it was rendered.
            let bytes = Array(lead.text.utf8)
            let leadKeys = Set(CaptionParagraphs.ranges(bytes).map { CaptionParagraphs.key(bytes[$0]) })
            out.captions.removeAll { leadKeys.contains(CaptionParagraphs.key($0)) }
        }
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
        var strippedProse = 0
        /// `<figcaption>`s the pruner kept because they sit in the article's flow (`Article.captions`).
        var inlineCaptions: [Int32] = []
        /// The title's words for `headerDuplicatesTitle`, split at the first heading.
        var titleTokens: Set<String>?
        /// The heading the walk removed as the page's title (`headerDuplicatesTitle`), or -1.
        var titleHeading: Int32 = -1
        /// What the passes of one extraction share.
        let shared: PageFacts
        /// The page as parsed: node positions for `TitleProximity`.
        var original: HTMLDocument { shared.original }

        /// A pass over `facts.original`, sharing `facts` with the other passes of its extraction.
        init(facts: PageFacts, flags: Flags, title: String, owner: ContentExtractor) {
            self.doc = facts.original
            self.shared = facts
            self.flags = flags
            self.title = title
            self.owner = owner
        }

        /// A pass over `doc` on its own.
        init(doc: HTMLDocument, flags: Flags, title: String, owner: ContentExtractor) {
            self.init(facts: PageFacts(doc), flags: flags, title: title, owner: owner)
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
                    titleHeading = node
                    node = removeAndNext(node, page); continue
                }
                if flags.contains(.stripUnlikelys) {
                    if ContentExtractor.unlikely.matches(match), !ContentExtractor.maybeCandidate.matches(match),
                       !hasAncestor(node, .table), !hasAncestor(node, .code), t != .body, t != .a {
                        strippedProse = max(strippedProse, paragraphProse(node))
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
                topCandidate = nearTitle(top[0], candidates)
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
            if flags.contains(.pruneBoilerplate) { pruneBoilerplate(content, core: topCandidate) }
            var (text, len) = renderText(content)
            var captions = renderCaptions(inlineCaptions, under: content)
            // A caption that reads the same as a paragraph of the article would take that
            // paragraph out of the hash too: the page's captions then go, as they went before.
            if !captions.isEmpty, CaptionParagraphs.standsAsParagraph(in: text, captions: captions) {
                for n in inlineCaptions where isUnder(n, content) { doc.remove(n) }
                (text, len) = renderText(content)
                captions = []
            }
            var seen: Set<String> = []
            captions = captions.filter { seen.insert($0).inserted }
            return Result(doc: doc, root: content, text: text, textLength: len, byline: byline, linkDensity: linkDensity(content),
                          strippedProse: strippedProse, captions: captions)
        }
    }
}
