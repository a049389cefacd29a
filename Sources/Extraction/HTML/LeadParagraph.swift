/// The lead of an article (standfirst, dek, intro, excerpt) when the page prints it in the
/// article's header, outside the container the body was taken from.
///
/// Found by its markup, not its words: an element marked as a lead by a class/id token (`lead`,
/// `intro`, `excerpt`, `standfirst`, `subtitle`, `dek`, `chapo`, …) that sits after the page's
/// `<h1>` and before the body's first text, shares a container with both, and reads as prose
/// (a sentence or more, few links).
enum LeadParagraph {
    struct Found {
        var node: Int32
        var text: String
        var length: Int
    }

    static let hintTokens: TokenHashSet = BoilerplateHints.tokenSet("""
        lead lede leadin intro introduction teaser excerpt standfirst summary subtitle subheadline subline \
        subhead dek deck abstract chapo chapeau sapo leader description descr
        """)

    /// - Parameters:
    ///   - original: the parsed page, before the content pass changed it (node numbers are shared).
    ///   - pass: the content pass's tree, whose `content` node holds the body.
    static func find(in original: HTMLDocument, before pass: HTMLDocument, content: Int32, owner: ContentExtractor) -> Found? {
        // The body's first text node with visible text: an original node, so it has a place in `original`.
        // A body that opens with an <h1> has its header inside: no lead is printed outside it.
        var start: Int32 = -1
        var k = pass.firstChild[Int(content)]
        while k >= 0 {
            if pass.tag[Int(k)] == .h1 { return nil }
            if pass.tag[Int(k)] == .text, Int(k) < original.count, !isBlank(pass, k) { start = k; break }
            k = pass.following(k, within: content)
        }
        guard start >= 0 else { return nil }
        var startAncestors = Set<Int32>()
        var p = original.parent[Int(start)]
        while p >= 0 { startAncestors.insert(p); p = original.parent[Int(p)] }

        let reader = ContentExtractor.Pass(doc: original, flags: [], title: "", owner: owner)
        var heading: Int32 = -1
        var n = original.firstChild[0]
        while n >= 0, n != start {
            let t = original.tag[Int(n)]
            if t == .head || t == .script || t == .style || t == .template || t == .noscript {
                n = original.following(n, within: 0, skipChildren: true); continue
            }
            if t == .h1 { heading = n; n = original.following(n, within: 0, skipChildren: true); continue }
            if heading >= 0, t != .text, !startAncestors.contains(n), isLeadTag(t), hasClassOrID(original, n), hasLeadHint(reader.matchString(n)) {
                if let found = accept(n, heading: heading, startAncestors: startAncestors, reader: reader) { return found }
                n = original.following(n, within: 0, skipChildren: true); continue
            }
            n = original.following(n, within: 0)
        }
        return nil
    }

    static func isLeadTag(_ t: HTMLTag) -> Bool {
        switch t {
        case .p, .div, .section, .h2, .h3, .span, .strong, .b: return true
        default: return false
        }
    }

    static func hasLeadHint(_ match: [UInt8]) -> Bool {
        var found = false
        BoilerplateHints.forEachName(match) { tokens in
            if tokens.contains(where: { hintTokens.contains($0) }) { found = true }
        }
        return found
    }

    static func hasClassOrID(_ doc: HTMLDocument, _ n: Int32) -> Bool {
        doc.attributeRange(n, .class) != nil || doc.attributeRange(n, .id) != nil
    }

    static func accept(_ n: Int32, heading: Int32, startAncestors: Set<Int32>, reader: ContentExtractor.Pass) -> Found? {
        let doc = reader.doc
        guard reader.isProbablyVisible(n) else { return nil }
        let text = reader.innerTextBytes(n)
        let length = reader.weightedLength(text)
        guard length >= 60, length <= 800, reader.linkDensity(n) < 0.3 else { return nil }
        guard reader.sentenceEnds(text) >= 1 || length >= 120 else { return nil }
        // The lead, the heading and the body share a container below <body>.
        var lca = doc.parent[Int(n)]
        while lca >= 0, !startAncestors.contains(lca) { lca = doc.parent[Int(lca)] }
        guard lca > 0, doc.tag[Int(lca)] != .body, doc.tag[Int(lca)] != .html else { return nil }
        var h = doc.parent[Int(heading)]
        while h >= 0, h != lca { h = doc.parent[Int(h)] }
        guard h == lca else { return nil }
        let (rendered, count) = reader.renderText(n)
        guard count > 0 else { return nil }
        return Found(node: n, text: rendered, length: count)
    }

    static func isBlank(_ doc: HTMLDocument, _ n: Int32) -> Bool {
        let i = Int(n)
        for k in Int(doc.lo[i])..<Int(doc.hi[i]) where !TextBuilder.isWS(doc.source[k]) { return false }
        return true
    }
}
