/// jusText-style quality of a dump line: prose, boilerplate, or too short to tell.
enum LineQuality: Sendable, Equatable {
    case good, nearGood, short, bad
}

/// Classifies lines by length, stopword density and link-like tokens, then decides the short and
/// near-good lines from their neighbours (the context-sensitive pass of jusText).
///
/// Thresholds are those of jusText scaled to the small stopword lists of `Stopwords` (which cover
/// fewer function words, so densities run lower); CJK characters count three times towards length,
/// and in dumps whose language has no list, sentence punctuation stands in for stopwords (length
/// alone for scripts written without either: Thai, Lao, Khmer, Myanmar).
struct LineQualityClassifier: Sendable {
    var lengthLow = 70
    var lengthHigh = 150
    var stopwordsLow = 0.20
    var stopwordsHigh = 0.25
    var maxSeparatorDensity = 0.2

    /// The context-free class of one line.
    func classify(_ f: LineFeatures, kind: LineKind, repeated: Bool, hasStopwords: Bool) -> LineQuality {
        switch kind {
        case .skip, .stop, .promo, .caption: return .bad
        case .sourceTime, .time, .source, .byline, .dateline: return .short
        case .text: break
        }
        let words = max(f.words, 1)
        if f.separators > 0, Double(f.separators) / Double(words) > maxSeparatorDensity { return .bad }
        if f.urls * 3 > words { return .bad }
        let length = f.weight
        // A line printed twice or more (menus in header and footer, card titles) is not prose unless long.
        if repeated && length < lengthHigh { return .bad }
        if length < lengthLow { return f.separators > 0 ? .bad : .short }
        let prose: Double
        if f.unspaced * 2 > f.chars {
            // Thai, Lao, Khmer, Myanmar: no stopwords between spaces and (nearly) no sentence marks
            // to count. A long line without separators or links is prose; a medium one is near it.
            prose = length > lengthHigh ? stopwordsHigh : stopwordsLow
        } else if !hasStopwords || f.cjk * 2 > f.chars {
            // No stopword list: sentences and commas per 40 characters of text stand in for stopwords.
            prose = Double(f.sentenceEnds + f.commas) * 40 / Double(max(f.weight, 1)) * 0.3 + (f.endsSentence ? 0.1 : 0)
        } else {
            prose = f.stopwordDensity
        }
        if prose >= stopwordsHigh { return length > lengthHigh ? .good : .nearGood }
        if prose >= stopwordsLow { return .nearGood }
        return .bad
    }

    /// Resolves `.short` and `.nearGood` lines from their neighbours; the result holds only `.good` and `.bad`.
    /// `barrier[i]` lines (boilerplate that ends a story) count as bad neighbours.
    func smooth(_ q: [LineQuality], _ features: [LineFeatures]) -> [LineQuality] {
        let n = q.count
        // Nearest non-short neighbour class on each side, ignoring near-good lines or not.
        func prev(_ i: Int, ignoreNearGood: Bool) -> LineQuality {
            var k = i - 1
            while k >= 0 {
                let c = q[k]
                if c == .short || (ignoreNearGood && c == .nearGood) { k -= 1; continue }
                return c
            }
            return .bad
        }
        func next(_ i: Int, ignoreNearGood: Bool) -> LineQuality {
            var k = i + 1
            while k < n {
                let c = q[k]
                if c == .short || (ignoreNearGood && c == .nearGood) { k += 1; continue }
                return c
            }
            return .bad
        }
        var out = q
        for i in 0..<n where q[i] == .short {
            let p = prev(i, ignoreNearGood: true), x = next(i, ignoreNearGood: true)
            if p == .good && x == .good { out[i] = .good }
            else if p == .bad && x == .bad { out[i] = .bad }
            else if (p == .bad && prev(i, ignoreNearGood: false) == .nearGood) || (x == .bad && next(i, ignoreNearGood: false) == .nearGood) { out[i] = .good }
            // A short full sentence next to prose ("Reporting by ... contributed.") reads with it.
            else if (p == .good || x == .good) && features[i].endsSentence && features[i].words >= 3 && features[i].separators == 0 && isNextTo(q, i, .good) { out[i] = .good }
            else { out[i] = .bad }
        }
        for i in 0..<n where q[i] == .nearGood {
            let p = prev(i, ignoreNearGood: true), x = next(i, ignoreNearGood: true)
            out[i] = p == .bad && x == .bad ? .bad : .good
        }
        return out
    }
}

extension LineQualityClassifier {
    /// Whether the line just before or after `i` has class `c`.
    func isNextTo(_ q: [LineQuality], _ i: Int, _ c: LineQuality) -> Bool {
        (i > 0 && q[i - 1] == c) || (i + 1 < q.count && q[i + 1] == c)
    }

    /// Near-good lines next to another near-good or good line (short lines between them ignored)
    /// become good: a run of medium paragraphs is prose as a block even when no line is long.
    func promoteNearGoodRuns(_ q: [LineQuality]) -> [LineQuality] {
        var out = q
        for i in q.indices where q[i] == .nearGood {
            var p = i - 1
            while p >= 0, q[p] == .short { p -= 1 }
            var n = i + 1
            while n < q.count, q[n] == .short { n += 1 }
            if (p >= 0 && (q[p] == .nearGood || q[p] == .good)) || (n < q.count && (q[n] == .nearGood || q[n] == .good)) { out[i] = .good }
        }
        return out
    }
}
