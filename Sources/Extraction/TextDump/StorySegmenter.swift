/// A run of lines that reads as prose: the body of one story before its lines are filtered.
struct ProseSegment: Sendable, Equatable {
    var range: Range<Int>
    /// Sum of the line weights over the run.
    var score: Int
}

/// Finds the prose runs of a dump and the heading line of each.
///
/// Every line gets a weight: prose lines (jusText "good") add their length, boilerplate lines
/// subtract a fixed cost plus part of their length, and lines that end a story (copyright,
/// "Comments", "Related articles"...) are barriers no run crosses. The runs are the maximal-sum
/// segments between barriers, found again and again on what is left on both sides (the body-text
/// extraction of Finn et al. over lines instead of tags).
struct StorySegmenter: Sendable {
    /// A run must score at least this to count.
    var minScore = 80
    /// Fixed cost of a boilerplate line.
    var badLineCost = 25
    /// Cost of a promotion or section-header line (a box inside or after a story).
    var promoCost = 150
    /// An anchored run scoring this much is a whole story: runs past a barrier after it (its
    /// comments, the footer) cannot be the main run. A shorter one may be the header of the story
    /// (the dek and byline, then a "Comments" link, then the text).
    var minStoryScore = 600
    /// How far (in lines) a line printing the page title may sit before the run it anchors: far
    /// enough for a video player's or a gallery's lines between the headline and the text (no run
    /// may lie between them).
    var anchorWindow = 100
    /// How far (in lines) a heading may sit before its run.
    var headingWindow = 10

    /// The weight of each line; nil for a barrier.
    func weights(_ lines: DumpLines, _ features: [LineFeatures], _ kinds: [LineKind], _ quality: [LineQuality]) -> [Int?] {
        let storyStart = storyHeaders(lines, features, kinds)
        var w: [Int?] = []
        w.reserveCapacity(features.count)
        for i in features.indices {
            if kinds[i] == .stop || storyStart[i] { w.append(nil); continue }
            if kinds[i].isMeta { w.append(0); continue }
            if kinds[i] == .promo { w.append(-promoCost); continue }
            let len = features[i].weight
            if quality[i] == .good { w.append(len); continue }
            // Menus and link lists pay for their length; other long non-prose lines (code, tables,
            // lists inside an article) only the fixed cost.
            let f = features[i]
            let linky = f.separators > 0 || f.urls > 0 || f.words <= 4
            w.append(-(linky ? min(len, 200) / 2 + badLineCost : badLineCost))
        }
        return w
    }

    /// Lines that open a story card: a headline printed again within the next few lines with a
    /// source, time or byline line among or right after its prints. Runs do not cross them.
    func storyHeaders(_ lines: DumpLines, _ features: [LineFeatures], _ kinds: [LineKind]) -> [Bool] {
        var out = [Bool](repeating: false, count: lines.count)
        for i in 0..<lines.count where kinds[i] == .text && !features[i].endsSentence && isTitleLike(features[i], lines[i]) {
            let hi = min(lines.count, i + 9)
            guard let last = (i + 1..<hi).last(where: { lines.equal($0, i) }) else { continue }
            if (i + 1..<min(lines.count, last + 3)).contains(where: { kinds[$0].isMeta }) { out[i] = true }
        }
        return out
    }

    /// All maximal-sum runs scoring at least `minScore`, by position.
    func segments(_ weights: [Int?]) -> [ProseSegment] {
        var out: [ProseSegment] = []
        var start = 0
        for i in 0...weights.count where i == weights.count || weights[i] == nil {
            collect(weights, start..<i, into: &out)
            start = i + 1
        }
        return out.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }

    private func collect(_ w: [Int?], _ r: Range<Int>, into out: inout [ProseSegment]) {
        guard !r.isEmpty else { return }
        var best = 0, bestLo = r.lowerBound, bestHi = r.lowerBound
        var cur = 0, curLo = r.lowerBound
        for i in r {
            let x = w[i] ?? 0
            if cur <= 0 { cur = x; curLo = i } else { cur += x }
            if cur > best { best = cur; bestLo = curLo; bestHi = i + 1 }
        }
        guard best >= minScore else { return }
        out.append(ProseSegment(range: bestLo..<bestHi, score: best))
        collect(w, r.lowerBound..<bestLo, into: &out)
        collect(w, bestHi..<r.upperBound, into: &out)
    }

    /// The main run: the first run after a line printing the page title (starting within
    /// `anchorWindow` lines of it), or the run containing it, weighs five times its score; the best
    /// weighted score wins. Only the first run after a title line is its story: a later run (the
    /// comment form, a list of recent posts) is not anchored by it. A run that follows the best
    /// anchored run past a barrier (the comments opening, the copyright line) is the comment section
    /// or the footer of that story and cannot take its place, however long, when the anchored run
    /// scores `minStoryScore`. `segs`, `titleLines` and `barriers` are sorted by position.
    func mainSegment(_ segs: [ProseSegment], titleLines: [Int], barriers: [Int] = []) -> Int? {
        var values: [(anchored: Bool, value: Int)] = []
        for (k, s) in segs.enumerated() {
            let previousEnd = k > 0 ? segs[k - 1].range.upperBound : 0
            // Binary searches over the sorted title lines: a dump may print its title on every other line.
            let above = max(previousEnd, s.range.lowerBound - anchorWindow)..<s.range.lowerBound
            let anchored = SortedLines.any(titleLines, in: above) || SortedLines.any(titleLines, in: s.range)
            values.append((anchored, anchored ? s.score * 5 : s.score))
        }
        let bestAnchored = values.indices.filter { values[$0].anchored }.max { values[$0].value < values[$1].value }
        var best: Int?
        for k in values.indices {
            if let a = bestAnchored, segs[a].score >= minStoryScore, k > a,
               SortedLines.any(barriers, in: segs[a].range.upperBound..<segs[k].range.lowerBound) { continue }
            if best == nil || values[k].value > values[best!].value { best = k }
        }
        return best
    }

    /// The heading of a run starting at `start`: the nearest title-like text line above it, past
    /// meta lines, captions and short name lines, not crossing prose or a barrier.
    func heading(before start: Int, _ lines: DumpLines, _ features: [LineFeatures], _ kinds: [LineKind], _ quality: [LineQuality], floor: Int) -> Int? {
        var k = start - 1
        while k >= max(floor, start - headingWindow) {
            defer { k -= 1 }
            switch kinds[k] {
            case .stop, .promo: return nil
            case .skip, .caption, .sourceTime, .time, .source, .byline, .dateline: continue
            case .text: break
            }
            let f = features[k]
            if f.words <= 2 && f.cjk < 6 { continue }
            if isTitleLike(f, lines[k]) { return k }
            if quality[k] == .good { return nil }
        }
        return nil
    }

    /// 3–35 words, at most 250 bytes, not ending in a full stop.
    func isTitleLike(_ f: LineFeatures, _ b: ArraySlice<UInt8>) -> Bool {
        (f.words >= 3 || f.cjk >= 6) && f.words <= 35 && b.count <= 250 && b.last != 0x2E && f.separators == 0
    }
}


/// Look-ups in a sorted list of line numbers, by binary search (per-run checks stay logarithmic
/// however many title lines or barriers a hostile dump prints).
enum SortedLines {
    /// The position of the first line number at least `line`.
    static func lowerBound(_ lines: [Int], _ line: Int) -> Int {
        var lo = 0, hi = lines.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if lines[mid] < line { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Whether a line number of `lines` lies in `range`.
    static func any(_ lines: [Int], in range: Range<Int>) -> Bool {
        guard !range.isEmpty else { return false }
        let k = lowerBound(lines, range.lowerBound)
        return k < lines.count && lines[k] < range.upperBound
    }

    /// The last line number of `lines` before `line`.
    static func last(_ lines: [Int], before line: Int) -> Int? {
        let k = lowerBound(lines, line)
        return k > 0 ? lines[k - 1] : nil
    }
}
