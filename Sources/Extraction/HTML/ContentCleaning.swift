/// Conditional cleaning of the chosen content (readability's `prepArticle`): forms, share bars,
/// embeds, negative headers, data tables, and lists/tables/divs judged by their counts and links.
extension ContentExtractor.Pass {
    // MARK: Cleaning

    mutating func prepArticle(_ content: Int32) {
        ensureCapacity()
        markDataTables(content)
        cleanConditionally(content, .form)
        cleanConditionally(content, .fieldset)
        var asides: [Int32] = []
        removeAll(content) { t, n in
            if t == .aside { asides.append(n); return false }
            return t == .object || t == .embed || t == .footer || t == .link
        }
        // An <aside> holding half the content or more is the article's own wrapper, misnamed.
        if !asides.isEmpty {
            let contentLength = Float(textLength(content))
            for n in asides where isUnder(n, content) && Float(textLength(n)) < ContentExtractor.asideWrapperShare * contentLength { doc.remove(n) }
        }
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
}
