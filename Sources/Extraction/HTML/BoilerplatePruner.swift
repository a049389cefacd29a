/// Precision pass over the chosen content, after the readability-style selection and cleaning:
/// removes what a reader would not count as the article even though it sits inside the article's
/// container.
///
/// 1. **Hinted furniture**: elements whose class/id carries a `BoilerplateHints` token (comment
///    threads, related posts, share bars, tag lines, author boxes, newsletter prompts), photo
///    credits, schema.org comments, `role=complementary|navigation|contentinfo`, `<aside>`, `<nav>`.
/// 2. **Link blocks**: leaf blocks whose text is mostly link text ("Read more: <a>…</a>", teaser
///    titles, tag lists) and containers of three or more links that are mostly link text.
/// 3. **Teaser cards**: runs of three or more sibling cards (date, linked title, dek).
/// 4. **Appeals**: the site's subscribe, follow, app and log-in prompts after the article (`ReaderAppeal`).
/// 5. **Edges** (`EdgeTrimming.swift`): blocks after the last paragraph of prose (tag lines,
///    "Related" headings, share prompts, dates, "Print"), link blocks, short fragments, post-meta
///    lines and datelines before the first one, and ad labels, credits and repeated titles anywhere.
///
/// Each removal takes with it the heading or label that introduced the removed block.
/// The core node (the top candidate) is never removed whole; its descendants can be.
extension ContentExtractor.Pass {
    /// Prunes the subtree of `content` in place; `core` is the top candidate.
    mutating func pruneBoilerplate(_ content: Int32, core: Int32) {
        // The per-node facts are computed again only after a step removed something.
        var facts = Shape()
        fill(&facts, content)
        if removeHintedFurniture(content, core: core, facts) { fill(&facts, content) }
        if removeLinkBlocks(content, core: core, facts) { fill(&facts, content) }
        if removeTeaserCards(content, core: core, facts) { fill(&facts, content) }
        // The leaf blocks are measured again only when the appeals step removed some.
        var blocks = leafBlocks(content, facts)
        if removeTrailingAppeals(blocks) { fill(&facts, content); blocks = leafBlocks(content, facts) }
        trimEdges(content, facts, blocks)
    }

    // MARK: 1. Hints

    @discardableResult
    mutating func removeHintedFurniture(_ content: Int32, core: Int32, _ lengths: Shape) -> Bool {
        let total = max(1, lengths.text[Int(content)])
        var doomed: [Int32] = []
        var classShares: [UInt64: (count: Int, text: Int)]? = nil
        var k = doc.firstChild[Int(content)]
        var before = 0  // text of the content before `k` (pre-order)
        while k >= 0 {
            let t = doc.tag[Int(k)]
            if t == .text { before += lengths.text[Int(k)] }
            if t == .text || k == core { k = doc.following(k, within: content); continue }
            let share = Float(lengths.text[Int(k)]) / Float(total)
            // A picture's caption inside the article's flow (a tenth of the text or more on either
            // side) stays for readers; captions of the lead picture and around the article go.
            var furniture = isFurniture(k, t, share: share)
            if furniture, t == .figcaption {
                let after = total - before - lengths.text[Int(k)]
                if 10 * before >= total && 10 * after >= total { inlineCaptions.append(k); furniture = false }
            }
            if furniture {
                // A weak hint on a block of prose, one of three or more of a class that together
                // hold half the text or more (`<p class="paywall">` on every paragraph after the
                // first, `<section class="report-section--ads">` around each part), names the
                // article's own blocks, not furniture in it.
                if share < 0.25, t != .aside, t != .nav, t != .figcaption, lengths.density(k) < 0.3,
                   doc.attributeRange(k, .role) == nil, doc.attributeRange(k, .itemtype) == nil,
                   let r = doc.attributeRange(k, .class), BoilerplateHints.strength(matchString(k)) == .weak {
                    if classShares == nil { classShares = textByClass(content, lengths) }
                    let group = classShares?[BoilerplateHints.hash(doc.source[r])] ?? (0, 0)
                    if group.count >= 3, Float(group.text) / Float(total) >= 0.5 { k = doc.following(k, within: content); continue }
                }
                doomed.append(k)
                before += lengths.text[Int(k)]
                k = doc.following(k, within: content, skipChildren: true)
                continue
            }
            k = doc.following(k, within: content)
        }
        let labels = pictureLabels(of: inlineCaptions, within: content)
        for n in labels where doc.parent[Int(n)] >= 0 { doc.remove(n) }
        removeWithIntroductions(doomed, within: content, core: core)
        return !doomed.isEmpty || !labels.isEmpty
    }

    /// The short labels ("Image", "Photo", "1 / 5") right before kept `captions`: what would have
    /// gone with each caption as its introduction (`removeWithIntroductions`) goes without it.
    func pictureLabels(of captions: [Int32], within content: Int32) -> [Int32] {
        captions.compactMap { caption in
            guard let b = previousElement(of: caption), isUnder(b, content), textLength(b) > 0, isIntroduction(b) else { return nil }
            return b
        }
    }

    /// Elements under `content` and their text length summed, per `class` value (hashed). An
    /// element inside another of the same class (the nearest classed ancestor) is not counted again.
    func textByClass(_ content: Int32, _ lengths: Shape) -> [UInt64: (count: Int, text: Int)] {
        var out: [UInt64: (count: Int, text: Int)] = [:]
        var k = doc.firstChild[Int(content)]
        while k >= 0 {
            if doc.tag[Int(k)] != .text, let r = doc.attributeRange(k, .class), !r.isEmpty {
                let h = BoilerplateHints.hash(doc.source[r])
                var p = doc.parent[Int(k)]
                while p >= 0, p != content, doc.attributeRange(p, .class) == nil { p = doc.parent[Int(p)] }
                let nested = p >= 0 && p != content && doc.attributeRange(p, .class).map { BoilerplateHints.hash(doc.source[$0]) } == h
                if !nested { out[h, default: (0, 0)].count += 1; out[h]?.text += lengths.text[Int(k)] }
            }
            k = doc.following(k, within: content)
        }
        return out
    }

    /// Is `n` page furniture, given the share of the content's text it holds?
    func isFurniture(_ n: Int32, _ t: HTMLTag, share: Float) -> Bool {
        switch t {
        case .aside, .nav: return share < ContentExtractor.asideWrapperShare
        case .figcaption: return share < 0.5 && isCredit(n)
        default: break
        }
        guard t.isBlock else { return false }
        let cls = doc.attributeRange(n, .class), id = doc.attributeRange(n, .id)
        let role = doc.attributeRange(n, .role), itemtype = doc.attributeRange(n, .itemtype)
        if cls == nil && id == nil && role == nil && itemtype == nil { return false }
        if let r = role {
            let role = Array(doc.source[r]).map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
            for bad in ContentExtractor.Pass.furnitureRoles where role == bad { return share < 0.8 }
        }
        if let r = itemtype, Keywords.hasToken(Array(doc.source[r]), "Comment") { return share < 0.8 }
        let match = matchString(n)
        if BoilerplateHints.isCaption(match) { return share < 0.5 && isCredit(n) }
        switch BoilerplateHints.strength(match) {
        case .strong: return share < 0.8
        case .weak: return share < 0.25 && !t.isHeading
        case .none: return false
        }
    }

    /// A caption or credit of a picture (up to a few sentences), not a section of text of its own.
    /// Captions are not article text for the content hash: two sites carrying one story caption
    /// different photos. Those around the article go; those in its flow stay in the body and are
    /// listed in `Article.captions`, which DESIGN.md's canonical text leaves out.
    func isCredit(_ n: Int32) -> Bool {
        weightedLength(innerTextBytes(n)) < 300
    }

    static let furnitureRoles: [[UInt8]] = ["complementary", "navigation", "contentinfo", "banner", "menu", "menubar"].map { Array($0.utf8) }

    // MARK: 2. Link blocks

    @discardableResult
    mutating func removeLinkBlocks(_ content: Int32, core: Int32, _ lengths: Shape) -> Bool {
        var doomed: [Int32] = []
        var proseLists: [Int32: Bool] = [:]
        var k = doc.firstChild[Int(content)]
        while k >= 0 {
            let i = Int(k)
            let t = doc.tag[i]
            guard t != .text, k != core, t.isBlock, lengths.text[i] > 0 else { k = doc.following(k, within: content); continue }
            let density = lengths.link[i] / Float(lengths.text[i])
            var drop = false
            if density >= 0.5, !t.isTablePart, !t.isHeading {
                if !lengths.hasBlock[i] {
                    // Leaf blocks: a few-character link ("link", "PDF") and linked prose (sentences,
                    // long list items) stay; some sites link whole paragraphs.
                    let length = lengths.text[i]
                    let short = t == .li ? length < 50 : length < 200 || density >= 0.8
                    drop = length >= 15 && short && sentenceEnds(innerTextBytes(k)) == 0
                    if drop, t == .li, listHoldsProse(doc.parent[i], lengths, known: &proseLists) { drop = false }
                } else if t != .li, lengths.links[i] >= 3, density >= 0.6 {
                    drop = true
                }
            }
            // "See also: <a>headline?</a>" and a lone teaser card (LinkShapes).
            if !drop, !t.isHeading { drop = isLabelledLink(k, lengths) || isLoneTeaser(k, lengths) }
            if drop {
                doomed.append(k)
                k = doc.following(k, within: content, skipChildren: true)
            } else {
                k = doc.following(k, within: content)
            }
        }
        removeWithIntroductions(doomed, within: content, core: core)
        return !doomed.isEmpty
    }

    /// Does list `list` have an item of prose (100 or more characters, under 30% link text)? Its
    /// linked items are then the article's own ("Highlights: <a>Our year in review</a>, …").
    /// `known` keeps the answers, so a list of many items is walked once, not once per item.
    func listHoldsProse(_ list: Int32, _ lengths: Shape, known: inout [Int32: Bool]) -> Bool {
        if let answer = known[list] { return answer }
        var answer = false
        if list >= 0 {
            for c in doc.children(list) where doc.tag[Int(c)] == .li {
                let text = lengths.text[Int(c)]
                if text >= 100, lengths.link[Int(c)] < 0.3 * Float(text) { answer = true; break }
            }
        }
        known[list] = answer
        return answer
    }

    /// Removes `nodes` and, for each, the heading or short label right before it that introduces
    /// it ("Related articles", "Mehr zum Thema", "Tags:"): with its block gone, it introduces nothing.
    /// A container left without text or media by the removals (the `<ul>` of removed link items,
    /// the `<blockquote>` of an embedded teaser) goes too, and its own introduction with it.
    mutating func removeWithIntroductions(_ nodes: [Int32], within content: Int32, core: Int32) {
        var removed: [(node: Int32, parent: Int32, before: Int32?)] = []
        for n in nodes where doc.parent[Int(n)] >= 0 {
            removed.append((n, doc.parent[Int(n)], previousElement(of: n)))
            doc.remove(n)
        }
        var intros: [Int32] = []
        // Whether a node still has text, asked once per node: removing a textless subtree does not
        // change the answer for its ancestors, so a long list of removed items costs one walk of
        // their parent, not one per item.
        var hasText: [Int32: Bool] = [:]
        func stillHasText(_ n: Int32) -> Bool {
            if let known = hasText[n] { return known }
            let answer = textLength(n) > 0 || holdsMedia(n)
            hasText[n] = answer
            return answer
        }
        for r in removed {
            // Inside a container an earlier climb removed: nothing left to climb from or introduce.
            guard isUnder(r.parent, content) else { continue }
            var top = r.node
            var p = r.parent
            while p >= 0, p != content, p != core, doc.parent[Int(p)] >= 0, !stillHasText(p) {
                top = p
                p = doc.parent[Int(p)]
            }
            if top == r.node {
                if let b = r.before { intros.append(b) }
            } else {
                if let b = previousElement(of: top) { intros.append(b) }
                doc.remove(top)
            }
        }
        for n in intros where isUnder(n, content) && isIntroduction(n) {
            doc.remove(n)
        }
    }

    /// Does `n` hold a picture, video or embed (a figure whose caption went is still a figure)?
    func holdsMedia(_ n: Int32) -> Bool {
        var k = doc.firstChild[Int(n)]
        while k >= 0 {
            switch doc.tag[Int(k)] {
            case .img, .picture, .video, .audio, .iframe, .svg, .object, .embed, .canvas: return true
            default: k = doc.following(k, within: n)
            }
        }
        return false
    }

    /// Is `n` still in the subtree of `root` (not in a subtree removed from it)? The content
    /// container is not attached to the document, so `isAttached` cannot answer this.
    func isUnder(_ n: Int32, _ root: Int32) -> Bool {
        var p = n
        while p >= 0, p != root { p = doc.parent[Int(p)] }
        return p == root
    }

    /// The element before `n`, skipping blank text.
    func previousElement(of n: Int32) -> Int32? {
        var p = doc.previousSibling[Int(n)]
        while p >= 0, doc.tag[Int(p)] == .text, isBlank(p) { p = doc.previousSibling[Int(p)] }
        return p >= 0 ? p : nil
    }

    /// A heading, or a short block without a sentence end (a label), of at most 80 characters, or a
    /// question of at most 40.
    func isIntroduction(_ n: Int32) -> Bool {
        let t = doc.tag[Int(n)]
        guard t.isHeading || t == .p || t == .div || t == .strong || t == .b || t == .span else { return false }
        if !t.isHeading, doc.hasBlockDescendant(n) { return false }
        let text = innerTextBytes(n)
        let length = weightedLength(text)
        guard length > 0, length <= 80 else { return false }
        let ends = sentenceEnds(text)
        // A short question is a label too ("Schon gelesen?", "Want more?").
        return ends == 0 || (ends == 1 && length <= 40 && endsWithQuestionMark(text))
    }

    func endsWithQuestionMark(_ t: [UInt8]) -> Bool {
        var i = t.count - 1
        while i >= 0, t[i] == 0x20 || t[i] == 0x0A || t[i] == 0x09 || t[i] == 0x0D { i -= 1 }
        if i >= 0, t[i] == 0x3F { return true }
        return i >= 2 && t[i - 2] == 0xEF && t[i - 1] == 0xBC && t[i] == 0x9F   // ？
    }

    /// Per-node facts of the content subtree, from one post-order pass (so no rule walks a subtree
    /// per node). Indexed by node number; only entries of the last filled subtree are meaningful.
    struct Shape {
        /// Folded text length of the subtree (plus one per text node, as `subtreeLengths`).
        var text: [Int] = []
        /// Link text length, each link's text weighted by `HTMLDocument.linkWeight`.
        var link: [Float] = []
        /// Does the node have a block element (other than `<br>`) below it?
        var hasBlock: [Bool] = []
        /// Links (`<a>`) below the node.
        var links: [Int32] = []
        /// Scratch: the subtree in pre-order.
        var order: [Int32] = []

        func density(_ n: Int32) -> Float { text[Int(n)] > 0 ? link[Int(n)] / Float(text[Int(n)]) : 0 }
    }

    /// Fills `facts` for the subtree of `root`, reusing its storage.
    func fill(_ facts: inout Shape, _ root: Int32) {
        if facts.text.count < doc.count {
            let extra = doc.count - facts.text.count
            facts.text.append(contentsOf: repeatElement(0, count: extra))
            facts.link.append(contentsOf: repeatElement(0, count: extra))
            facts.hasBlock.append(contentsOf: repeatElement(false, count: extra))
            facts.links.append(contentsOf: repeatElement(0, count: extra))
        }
        // Folded length of each text node: text nodes never change (`PageFacts`).
        facts.order.removeAll(keepingCapacity: true)
        var k = root
        while k >= 0 {
            let i = Int(k)
            facts.text[i] = 0; facts.link[i] = 0; facts.hasBlock[i] = false; facts.links[i] = 0
            facts.order.append(k)
            k = doc.following(k, within: root)
        }
        shared.countText(facts.order, doc)
        let own = shared.textLengths
        for n in facts.order.reversed() where n != root {
            let i = Int(n)
            let t = doc.tag[i]
            if t == .text {
                facts.text[i] = ownTextLength(n, own)
            } else if t == .a {
                let coeff = doc.linkWeight(n)
                facts.link[i] = Float(facts.text[i]) * coeff
                facts.links[i] += 1
            }
            let p = Int(doc.parent[i])
            facts.text[p] += facts.text[i]
            facts.link[p] += facts.link[i]
            facts.links[p] += facts.links[i]
            if facts.hasBlock[i] || (t != .text && t != .br && t.isBlock) { facts.hasBlock[p] = true }
        }
    }

    // MARK: 2b. Teaser cards

    /// Removes runs of three or more sibling "cards": elements of one tag and class that each hold
    /// blocks of their own, a link, and little text (a date, a title, a dek). Articles are not
    /// made of such runs; recent-post, related and "more from" lists are.
    @discardableResult
    mutating func removeTeaserCards(_ content: Int32, core: Int32, _ facts: Shape) -> Bool {
        var doomed: [Int32] = []
        var removed = Set<Int32>()
        var groups: [UInt64: [Int32]] = [:]
        var p = content
        while p >= 0 {
            defer { p = doc.following(p, within: content) }
            guard doc.tag[Int(p)] != .text, facts.hasBlock[Int(p)] else { continue }
            // Cards are runs of siblings: only parents with three or more card-like children.
            var cards = 0
            for c in doc.children(p) where c != core && isTeaserCard(c, facts) { cards += 1 }
            guard cards >= 3, !isInside(p, removed) else { continue }
            groups.removeAll(keepingCapacity: true)
            for c in doc.children(p) where doc.tag[Int(c)] != .text && c != core {
                var key = UInt64(doc.tag[Int(c)].rawValue)
                if let r = doc.attributeRange(c, .class) { key = BoilerplateHints.pair(key, BoilerplateHints.hash(doc.source[r])) }
                groups[key, default: []].append(c)
            }
            for (_, members) in groups where members.count >= 3 && members.allSatisfy({ isTeaserCard($0, facts) }) {
                doomed.append(contentsOf: members)
                removed.formUnion(members)
            }
        }
        removeWithIntroductions(doomed, within: content, core: core)
        return !doomed.isEmpty
    }

    func isInside(_ n: Int32, _ set: Set<Int32>) -> Bool {
        if set.isEmpty { return false }
        var p = n
        while p > 0 { if set.contains(p) { return true }; p = doc.parent[Int(p)] }
        return false
    }

    /// A short element with blocks of its own and a link.
    func isTeaserCard(_ n: Int32, _ facts: Shape) -> Bool {
        let i = Int(n)
        guard doc.tag[i] != .text, facts.hasBlock[i], facts.links[i] >= 1 else { return false }
        let length = facts.text[i]
        return length > 0 && length <= 350 && facts.density(n) >= 0.2
    }
}
