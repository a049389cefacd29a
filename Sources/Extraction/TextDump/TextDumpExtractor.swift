import Articles

/// Extracts articles from a plain-text page dump (the visible text of a page as a browser's
/// "select all, copy" or a headless text dump gives it): the main story first, then each related
/// story that carries its own prose.
///
/// Nothing is tied to one site's layout. The steps, each in its own type:
/// 1. `DumpLines`: non-empty lines, white space folded;
/// 2. `LineFeatures`: text-only features per line (length, words, stopwords of the dump's language,
///    sentence punctuation, link-like tokens, CJK characters), and repeated lines;
/// 3. `LineClassifier`: bylines, datelines, "source + relative time" lines, captions and credits,
///    boilerplate phrases; `LineQualityClassifier`: jusText classes smoothed by their neighbours;
/// 4. `PageTitle` and `StorySegmenter`: the page title and its recurrences, the prose runs, the main
///    run (the one under the page title, else the strongest), the heading of each other run;
/// 5. `StoryBuilder`: title, source, time, authors and body of each story.
public struct TextDumpExtractor: Sendable {
    public init() {}

    /// A related story needs this much prose (characters) unless its header is a clear story card.
    static let relatedMinChars = 400
    static let cardMinChars = 150
    /// Short lines that end a story when only a little prose follows them (`beforeTail`).
    static let tailGapLines = 2
    /// The most prose (characters) after such a gap that is cut as the site's furniture.
    static let maxTailChars = 1500

    public func extract(_ bytes: [UInt8], context: ExtractionContext) throws(ExtractionError) -> [Article] {
        let a = Self.analyse(bytes)
        guard !a.lines.isEmpty else { throw .noArticle(reason: "empty text dump") }
        let segmenter = StorySegmenter()
        let builder = StoryBuilder()
        let segs = segmenter.segments(segmenter.weights(a.lines, a.features, a.kinds, a.quality))
        let title = PageTitle.fromFirstLine(a.lines, a.kinds) ?? Self.headlineFirstLine(a) ?? Self.repeatedHeadline(a, segmenter)
        let barriers = a.kinds.indices.filter { a.kinds[$0] == .stop }
        let promos = a.kinds.indices.filter { a.kinds[$0] == .promo }
        guard let mainIndex = segmenter.mainSegment(segs, titleLines: title?.occurrences ?? [], barriers: barriers) else {
            return [try Self.wholeText(a, title: title, builder: builder, context: context)]
        }
        let main = segs[mainIndex]
        // The main heading: the last recurrence of the page title above the run, else the nearest heading.
        let anchor = title?.occurrences.last { $0 < main.range.lowerBound && main.range.lowerBound - $0 <= segmenter.headingWindow * 2 }
        let floor = mainIndex > 0 ? segs[mainIndex - 1].range.upperBound : 0
        let heading = anchor ?? segmenter.heading(before: main.range.lowerBound, a.lines, a.features, a.kinds, a.quality, floor: floor)
        let mainTitle = title?.text ?? heading.map { a.lines.string($0) } ?? Self.firstLine(a) ?? ""
        var articles: [Article] = []
        if let m = builder.build(a, title: mainTitle, heading: heading, run: Self.beforeTail(a, Self.beforeComments(a, main.range)), isMain: true, context: context) {
            articles.append(m)
        }
        guard !articles.isEmpty else { throw .noArticle(reason: "no story with its own text in the dump") }
        for (k, s) in segs.enumerated() where k != mainIndex {
            let floor = k > 0 ? segs[k - 1].range.upperBound : 0
            guard let last = segmenter.heading(before: s.range.lowerBound, a.lines, a.features, a.kinds, a.quality, floor: floor) else { continue }
            // A story card prints its headline more than once: the header starts at the first print.
            let h = (max(floor, last - segmenter.headingWindow)..<last).first { a.lines.equal($0, last) } ?? last
            let isCard = h != last || (h + 1..<s.range.lowerBound).contains { a.kinds[$0].isMeta }
            let prose = s.range.reduce(0) { $0 + (a.quality[$1] == .good && a.kinds[$1] == .text ? a.features[$1].chars : 0) }
            let sentences = s.range.reduce(0) { $0 + a.features[$1].sentenceEnds }
            guard sentences > 0, prose >= (isCard ? Self.cardMinChars : Self.relatedMinChars) else { continue }
            guard Self.isRelatedStory(a, s.range, heading: last, printedTwice: h != last, after: k > mainIndex ? main.range.upperBound : nil, barriers: barriers, promos: promos) else { continue }
            if let r = builder.build(a, title: a.lines.string(h), heading: h, run: s.range, isMain: false, context: context) {
                articles.append(r)
            }
        }
        return articles
    }

    /// Whether a run with the heading `heading` reads as another story rather than the site's
    /// furniture or the readers' comments: its heading does not end in a colon (a commenter's
    /// "Jane says:", a form's "Email (not published):"), its lines do not mention cookies (a consent
    /// banner), and a run after a barrier that follows the main story (its comments opening, the
    /// copyright line) is a story only when it is a story card (its headline printed twice) or a
    /// related-content label ("Related Articles") stands between that barrier and it. `mainEnd` is
    /// the end of the main run for runs below it; `barriers` and `promos` are the sorted lines of
    /// those kinds.
    static func isRelatedStory(_ a: DumpAnalysis, _ run: Range<Int>, heading: Int, printedTwice: Bool, after mainEnd: Int?, barriers: [Int], promos: [Int]) -> Bool {
        if a.lines[heading].last == 0x3A { return false }
        if run.contains(where: { mentionsCookies(a.lines[$0]) }) { return false }
        if !printedTwice, let mainEnd, let b = SortedLines.last(barriers, before: run.lowerBound), b >= mainEnd,
           !SortedLines.any(promos, in: b..<run.lowerBound) {
            return false
        }
        return true
    }

    /// Whether `line` holds "cookie" in any ASCII case.
    static func mentionsCookies(_ line: ArraySlice<UInt8>) -> Bool {
        line.indices.contains { line[$0] | 0x20 == 0x63 && CreditLine.hasPrefixIgnoringCase(line[$0...], cookie) }
    }

    static let cookie = Array("cookie".utf8)

    /// Lines, features, kinds, smoothed quality and language of a dump.
    static func analyse(_ bytes: [UInt8]) -> DumpAnalysis {
        let lines = DumpLines(bytes)
        let nLang = Stopwords.languages.count
        var counts = SIMD16<UInt16>()
        let table = Stopwords.fastTable
        var perLine: [SIMD16<UInt16>] = []
        perLine.reserveCapacity(lines.count)
        var features: [LineFeatures] = []
        features.reserveCapacity(lines.count)
        var sums = SIMD16<UInt32>()
        var words = 0, cjk = 0, kana = 0, hangul = 0
        for i in 0..<lines.count {
            counts = .zero
            let f = LineFeatures.compute(lines[i], stopwordCounts: &counts, table: table)
            perLine.append(counts)
            sums &+= SIMD16<UInt32>(truncatingIfNeeded: counts)
            words += f.words; cjk += f.cjk; kana += f.kana; hangul += f.hangul
            features.append(f)
        }
        let totals = (0..<nLang).map { Int(sums[$0]) }
        var language: String?
        var lang = -1
        if cjk > words * 2 {
            language = kana * 10 > cjk ? "ja" : hangul * 2 > cjk ? "ko" : "zh"
        } else if let best = totals.indices.max(by: { totals[$0] < totals[$1] }), totals[best] >= 5, totals[best] * 10 >= words {
            lang = best
            language = Stopwords.languages[best]
        }
        if lang >= 0 { for i in 0..<lines.count { features[i].stopwords = Int(perLine[i][lang]) } }
        let repeated = Self.repeatedLines(features)
        var scratch: [UInt8] = []
        scratch.reserveCapacity(256)
        var kinds: [LineKind] = []
        kinds.reserveCapacity(lines.count)
        for i in 0..<lines.count {
            var kind = LineClassifier.classify(lines, i, scratch: &scratch)
            if kind == .stop, Self.isPictureCredit(lines[i], features[i]) { kind = .caption }
            kinds.append(kind)
        }
        let qc = LineQualityClassifier()
        var q = (0..<lines.count).map { qc.classify(features[$0], kind: kinds[$0], repeated: repeated[$0], hasStopwords: lang >= 0) }
        q = qc.promoteNearGoodRuns(q)
        return DumpAnalysis(lines: lines, features: features, kinds: kinds, quality: qc.smooth(q, features), language: language)
    }

    /// The main run up to its comment section: cut at the first comment-count header ("11 responses
    /// to …", `CommentCount`; or a short line holding one after a word, "There are 13
    /// comments") that has two prose lines of the run before it. The main run is chosen
    /// first, so a long comment section cannot take its place.
    static func beforeComments(_ a: DumpAnalysis, _ run: Range<Int>) -> Range<Int> {
        var prose = 0
        for i in run {
            // The header may have been smoothed into prose between the story and the first comment.
            if prose >= 2, let c = a.lines[i].first, c >= 0x30 && c <= 0x39, a.lines[i].count <= 200,
               CommentCount.matches(a.lines[i]) {
                return run.lowerBound..<i
            }
            // "There are 13 comments": a short line whose count follows a word.
            if prose >= 2, a.features[i].words <= 6, a.lines[i].count <= 60,
               let d = a.lines[i].firstIndex(where: { $0 >= 0x30 && $0 <= 0x39 }), d > a.lines[i].startIndex,
               a.lines[i][d - 1] == 0x20, CommentCount.matches(a.lines[i][d...]) {
                return run.lowerBound..<i
            }
            if a.quality[i] == .good { prose += 1 }
        }
        return run
    }

    /// The main run less the furniture after the story's end. Past a gap of at least `tailGapLines`
    /// short lines ("Share", "Tags", an author's name, a date: meta lines and lines of at most three
    /// words), the run's remaining prose is the site's, not the story's (an author box, a newsletter
    /// or comment-form note, a teaser), when it is at most `maxTailChars` and under half the prose
    /// before the gap. Longer prose after a gap is the story going on after a picture or a list.
    static func beforeTail(_ a: DumpAnalysis, _ run: Range<Int>) -> Range<Int> {
        func isProse(_ i: Int) -> Bool { a.quality[i] == .good && a.kinds[i] == .text }
        let total = run.reduce(0) { $0 + (isProse($1) ? a.features[$1].chars : 0) }
        var before = 0
        var i = run.lowerBound
        while i < run.upperBound {
            if isProse(i) { before += a.features[i].chars; i += 1; continue }
            var end = i, shortLines = 0
            while end < run.upperBound, !isProse(end) {
                if a.kinds[end] != .text || a.features[end].words <= 3 { shortLines += 1 }
                end += 1
            }
            let after = total - before
            if shortLines >= tailGapLines, before > 0, after <= maxTailChars, after * 2 < before {
                return run.lowerBound..<i
            }
            i = end
        }
        return run
    }

    /// "© Jane Doe", "© dpa": a picture's credit, not the page's copyright notice (no year, no
    /// "rights", at most four words after the sign). It does not end the story it sits in.
    static func isPictureCredit(_ line: ArraySlice<UInt8>, _ f: LineFeatures) -> Bool {
        guard line.starts(with: [0xC2, 0xA9]), f.words <= 5, line.count <= 60 else { return false }
        if line.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) { return false }
        return !copyrightWords.matches(line.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 })
    }

    /// Words of a copyright notice, lower case ("All rights reserved", "Alle Rechte vorbehalten").
    static let copyrightWords = Keywords("rights|rechte|droits|derechos|diritti|copyright")

    /// Lines printed more than once: their hash is counted more than once (an open-addressing
    /// count per hash, cheaper than a `Dictionary` for one look-up per line).
    static func repeatedLines(_ features: [LineFeatures]) -> [Bool] {
        var capacity = 16
        while capacity < features.count * 2 { capacity <<= 1 }
        let shift = UInt64(64 - capacity.trailingZeroBitCount)
        var keys = [UInt64](repeating: 0, count: capacity)
        var counts = [UInt8](repeating: 0, count: capacity)
        var slots = [Int](repeating: 0, count: features.count)
        for (i, f) in features.enumerated() {
            var s = Int(truncatingIfNeeded: (f.hash &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while counts[s] != 0 && keys[s] != f.hash { s = (s + 1) & (capacity - 1) }
            keys[s] = f.hash
            counts[s] = min(counts[s] + 1, 2)
            slots[i] = s
        }
        return slots.map { counts[$0] > 1 }
    }

    /// The first title-like line printed again within the next few lines (hero + `<h1>` + card).
    static func repeatedHeadline(_ a: DumpAnalysis, _ s: StorySegmenter) -> PageTitle? {
        for i in 0..<a.lines.count where a.kinds[i] == .text && s.isTitleLike(a.features[i], a.lines[i]) {
            let hi = min(a.lines.count, i + 9)
            let again = (i + 1..<hi).filter { a.lines.equal($0, i) }
            if !again.isEmpty { return PageTitle(text: a.lines.string(i), occurrences: [i] + again) }
        }
        return nil
    }

    /// A dump without a prose run (a short or unstructured text): one story of all its text lines
    /// after the title line.
    static func wholeText(_ a: DumpAnalysis, title: PageTitle?, builder: StoryBuilder, context: ExtractionContext) throws(ExtractionError) -> Article {
        var b = builder
        b.minBodyChars = 1
        b.keepAllText = true
        let first = a.kinds.firstIndex(where: { $0 == .text })
        let start = first.map { $0 + 1 < a.lines.count ? $0 + 1 : $0 } ?? 0
        let t = title?.text ?? first.map { a.lines.string($0) } ?? ""
        // A one-line dump is its own title and body.
        let single = first == start
        guard var article = b.build(a, title: single ? "" : t, heading: nil, run: start..<a.lines.count, isMain: true, context: context) else {
            throw .noArticle(reason: "no text in the dump")
        }
        if single { article.title = t }
        return article
    }

    /// The first line that is not boilerplate, when it is short enough to be a title.
    static func firstLine(_ a: DumpAnalysis) -> String? {
        guard let i = a.kinds.firstIndex(where: { $0 == .text }), a.features[i].words <= 40 else { return nil }
        return a.lines.string(i)
    }

    /// The first line as the page title when it reads like a headline: three words or more (or a
    /// CJK line), no sentence end, and not a menu or site name (capitalised words without stopwords).
    static func headlineFirstLine(_ a: DumpAnalysis) -> PageTitle? {
        guard let i = a.kinds.firstIndex(where: { $0 != .skip }), a.kinds[i] == .text else { return nil }
        let f = a.features[i]
        guard f.words >= 3 || f.cjk >= 6, f.words <= 40, a.lines[i].count <= 300, !f.endsSentence || a.lines[i].last == 0x3F else { return nil }
        if f.cjk < 6, f.stopwords == 0, f.capitalized * 10 >= f.words * 8 { return nil }
        let occ = (i + 1..<a.lines.count).filter { a.lines.equal($0, i) }
        return PageTitle(text: a.lines.string(i), occurrences: occ)
    }

    static func stripBullet(_ s: String) -> String {
        var t = Substring(s)
        while let f = t.first, f == "•" || f == "·" || f == "-" || f == "*" || f == "–" { t.removeFirst() }
        return String(t).trimmingSpaces
    }
}
