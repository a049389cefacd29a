/// Proximity of candidates to the page's title heading (the first `<h1>`/`<h2>` whose text
/// matches the metadata title, which the content pass removes as a duplicate of the title).
///
/// A page can hold more than one article-like block: the next story of an endless-scroll page,
/// a long list of names under a short letter. The block that holds the title heading, or starts
/// right after it, is the page's article; a block that starts far from it, or before it, is not.
/// Positions are counts of visible characters (non-white-space, script and style text excluded)
/// before a node in the original page, so that furniture the pass removed still counts as distance.
struct TitleProximity {
    /// Characters before each node of the original tree, in document order (-1: not visited).
    let start: [Int32]
    /// Characters before the first node after each node's subtree.
    let end: [Int32]

    /// Did the walk cover the whole page (false: it stopped early, see `init(_:until:_:)`)?
    let isComplete: Bool

    /// Walks `doc` once in document order.
    init(_ doc: HTMLDocument) {
        self.init(doc, until: -1, -1)
    }

    /// Walks `doc` in document order, stopping as soon as `distance(of: c, from: heading)` is
    /// known (the start of `c` and `heading`, the end of `heading`, and the end of `c` when `c`
    /// starts no later than `heading`); a negative `c` walks the whole page. Only that distance
    /// may be read from a walk that stopped early (`isComplete` false).
    init(_ doc: HTMLDocument, until c: Int32, _ heading: Int32) {
        var start = [Int32](repeating: -1, count: doc.count)
        var end = [Int32](repeating: -1, count: doc.count)
        var pos: Int32 = 0
        var complete = true
        let stopEarly = c >= 0 && heading >= 0 && Int(c) < doc.count && Int(heading) < doc.count
        let ci = Int(max(c, 0)), hi = Int(max(heading, 0))
        doc.source.withUnsafeBufferPointer { src in
            var n = doc.firstChild[0]
            while n >= 0 {
                let i = Int(n)
                start[i] = pos
                let t = doc.tag[i]
                var skip = false
                switch t {
                case .text:
                    for j in Int(doc.lo[i])..<Int(doc.hi[i]) {
                        let b = src[j]
                        if b & 0xC0 != 0x80 && !TextBuilder.isWS(b) { pos += 1 }
                    }
                case .script, .style, .noscript, .template, .head: skip = true
                default: break
                }
                if skip || doc.firstChild[i] < 0 { end[i] = pos }
                // Close the subtrees this step leaves.
                var next = skip ? -1 : doc.firstChild[i]
                if next < 0 {
                    var cur = n
                    while cur >= 0 && cur != 0 {
                        end[Int(cur)] = pos
                        let ns = doc.nextSibling[Int(cur)]
                        if ns >= 0 { next = ns; break }
                        cur = doc.parent[Int(cur)]
                    }
                }
                n = next
                if stopEarly, start[ci] >= 0, start[hi] >= 0, end[hi] >= 0, start[ci] > start[hi] || end[ci] >= 0 {
                    if n >= 0 { complete = false }
                    break
                }
            }
        }
        self.start = start
        self.end = end
        self.isComplete = complete
    }

    /// Characters between the end of `heading` and the start of `c`: 0 when `c` holds the heading,
    /// nil when `c` starts before it without holding it or is not a node of the original tree.
    func distance(of c: Int32, from heading: Int32) -> Int? {
        let ci = Int(c), hi = Int(heading)
        guard ci < start.count, hi < start.count, start[ci] >= 0, start[hi] >= 0 else { return nil }
        if start[ci] <= start[hi] && end[ci] >= end[hi] && c <= heading { return 0 }
        if start[ci] >= end[hi] && c > heading { return Int(start[ci] - end[hi]) }
        return nil
    }
}

extension ContentExtractor.Pass {
    /// Characters of text between the title heading and a candidate that still make it the
    /// block under the title (a byline, a share bar, a picture caption).
    static let nearTitle = 300
    /// Characters between the title heading and the top candidate beyond which the candidate is
    /// elsewhere on the page (another story, a block of its own), not the body under a long header.
    static let farFromTitle = 1000
    /// Score share of the top candidate the block under the title must reach to replace it.
    static let nearTitleScoreShare: Float = 0.4
    /// Paragraph prose (`paragraphProse`) the block under the title must hold to replace it.
    static let nearTitleProse = 300

    /// The candidate to start from instead of `top` when `top` lies far from the title heading:
    /// after it, with more than `farFromTitle` characters between, or before it. The replacement
    /// is the best-scored candidate that holds the heading or starts at most `nearTitle`
    /// characters after it, is not an ancestor of `top` (a wrapper of both blocks), holds
    /// `nearTitleProse` characters of paragraphs and scores at least `nearTitleScoreShare` of `top`.
    func nearTitle(_ top: Int32, _ candidates: [Int32]) -> Int32 {
        guard titleHeading >= 0 else { return top }
        let topScore = score[Int(top)]
        guard topScore > 0 else { return top }
        // Most pages: the top candidate holds the heading or starts soon after it, which the part
        // of the page up to them tells.
        if holdsTitleHeading(top) { return top }
        let quick = TitleProximity(original, until: top, titleHeading)
        if let d = quick.distance(of: top, from: titleHeading), d <= Self.farFromTitle { return top }
        let prox = quick.isComplete ? quick : shared.proximity
        var best: Int32 = -1
        for c in candidates where c != top && doc.tag[Int(c)] != .body {
            guard let d = prox.distance(of: c, from: titleHeading), d <= Self.nearTitle else { continue }
            if best >= 0 && score[Int(c)] <= score[Int(best)] { continue }
            if !isAttached(c) || doc.isAncestor(c, of: top) { continue }
            best = c
        }
        guard best >= 0, score[Int(best)] >= Self.nearTitleScoreShare * topScore,
              paragraphProse(best) >= Self.nearTitleProse else { return top }
        return best
    }

    /// Is `c` the title heading or one of its ancestors in the original page, with the heading
    /// in the text `TitleProximity` counts (no script-like element above it)? Then
    /// `distance(of: c, from: titleHeading)` is 0 whatever the rest of the page holds.
    func holdsTitleHeading(_ c: Int32) -> Bool {
        guard c > 0, c <= titleHeading, Int(titleHeading) < original.count else { return false }
        var found = false
        var cur = titleHeading
        var last = cur
        while cur >= 0 {
            switch original.tag[Int(cur)] {
            case .script, .style, .noscript, .template, .head: return false
            default: break
            }
            if cur == c { found = true }
            last = cur
            cur = original.parent[Int(cur)]
        }
        return found && last == 0
    }
}
