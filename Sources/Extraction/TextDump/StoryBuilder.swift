import Articles
import Normalization

/// Everything the extractor knows about a dump's lines, shared by the story-building steps.
struct DumpAnalysis: Sendable {
    var lines: DumpLines
    var features: [LineFeatures]
    var kinds: [LineKind]
    /// Smoothed jusText class: `.good` or `.bad`.
    var quality: [LineQuality]
    /// ISO 639-1 code of the dump's language, when guessed.
    var language: String?
}

/// Turns a heading, the lines between it and its prose run, and the run into an `Article`.
///
/// Source, relative time, dateline and authors come from the meta lines of the header zone and of
/// the run; the body is the run's prose lines (jusText "good", plain text, not the headline again).
struct StoryBuilder: Sendable {
    /// Bodies shorter than this (in characters) make no story.
    var minBodyChars = 80
    /// Keep every plain-text line of the run, prose or not (for dumps without prose runs).
    var keepAllText = false

    /// A long non-prose line inside a run (code, a table row, a list): kept with the body.
    func isInlineBlock(_ f: LineFeatures) -> Bool {
        f.words >= 6 && f.separators == 0 && f.urls == 0
    }

    /// A standfirst between the headline and the story's prose: a sentence of eight words or more
    /// with function words, no menu separators or links.
    func isLead(_ f: LineFeatures) -> Bool {
        f.words >= 8 && f.endsSentence && f.separators == 0 && f.urls == 0 && f.stopwordDensity >= 0.15 && f.chars <= 600
    }

    /// "By Jane Doe, a reporter who …", "Von …", "Par …", "Por …": a byline with the author's
    /// note, not a standfirst.
    static func opensWithBy(_ line: ArraySlice<UInt8>) -> Bool {
        byPrefixes.contains { line.starts(with: $0) }
    }

    static let byPrefixes = ["By ", "Von ", "Par ", "Por "].map { Array($0.utf8) }

    /// Whether a line sits in a promotion box (right before or after a promotion line).
    func nextToPromo(_ a: DumpAnalysis, _ i: Int) -> Bool {
        (i > 0 && a.kinds[i - 1] == .promo) || (i + 1 < a.kinds.count && a.kinds[i + 1] == .promo)
    }

    func build(_ a: DumpAnalysis, title: String, heading: Int?, run: Range<Int>, isMain: Bool, context: ExtractionContext) -> Article? {
        let headerStart = heading.map { $0 + 1 } ?? run.lowerBound
        var source: String?
        var relative: String?
        var dated: String?
        var authors: [String] = []
        var body: [Int] = []
        var bodyChars = 0
        let titleBytes = Array(title.utf8)
        for i in headerStart..<run.upperBound {
            let kind = a.kinds[i]
            switch kind {
            case .sourceTime(let s, let t):
                if source == nil, let s { source = s }
                if relative == nil { relative = t }
            case .time(let t):
                if relative == nil { relative = t }
            case .source(let s):
                if source == nil { source = s }
            case .byline(let names):
                if authors.isEmpty { authors = names }
            case .dateline(let d):
                if dated == nil, let d { dated = d }
            case .caption, .skip, .stop, .promo:
                continue
            case .text:
                if a.lines[i].elementsEqual(titleBytes) { continue }
                // The main story's standfirst between its headline and its prose, as `LeadParagraph` in pages.
                if i < run.lowerBound, isMain, heading != nil, isLead(a.features[i]), !Self.opensWithBy(a.lines[i]) {
                    body.append(i)
                    bodyChars += a.features[i].chars
                    continue
                }
                if i < run.lowerBound || !(keepAllText || a.quality[i] == .good || (isInlineBlock(a.features[i]) && !nextToPromo(a, i))) {
                    // A short capitalised line right before a time line is the source ("The Mainichi" / "time24 minutes ago").
                    if source == nil, i + 1 < a.kinds.count, a.features[i].words <= 5, a.lines[i].count <= 40 {
                        switch a.kinds[i + 1] {
                        case .time, .source: let s = a.lines.string(i); if LineClassifier.isShortName(s) { source = s }
                        default: break
                        }
                    }
                    continue
                }
                // A credit line ("Foto: …/Getty Images", "© Agency") between paragraphs, as in pages.
                if a.features[i].chars <= 160, CreditLine.matches(a.lines[i], length: a.features[i].chars, sentences: a.features[i].sentenceEnds) { continue }
                // A caption that ends in its credit ("… Bild: AFP/SID", "… Photograph: …/Getty Images").
                if CaptionCredit.endsInCredit(a.lines[i]) { continue }
                body.append(i)
                bodyChars += a.features[i].chars
            }
        }
        guard let text = bodyText(a, body, minChars: bodyChars >= minBodyChars) else { return nil }
        let published = relative.flatMap { DateAdapter.parse($0, reference: context.fetchedAt) }
            ?? dated.flatMap { DateParser.parse(Array($0.utf8), reference: context.fetchedAt) }
        return Article(
            url: isMain && !context.url.isEmpty ? context.url : nil,
            title: UnicodeNormalizer.nfc(TextDumpExtractor.stripBullet(title)),
            authors: authors,
            source: source ?? (isMain ? context.sourceHint : nil),
            publishedAt: published,
            language: a.language,
            text: text
        )
    }

    /// A line after the story's last sentence that reads as a headline, a label or a menu entry, not
    /// as the story's end: no sentence punctuation at its end, no comma, at most 12 words ("Related
    /// headline of another story", "Posted by … at 12:55 AM", "Kategorien"). A story ends on a sentence.
    func isTrailingHeadline(_ f: LineFeatures) -> Bool {
        !f.endsSentence && f.words <= 12 && f.commas == 0
    }

    /// The body text (NFC) of the lines `body`, paragraphs apart, less its trailing lines that are
    /// too short to be prose after the last sentence (a lone "Share"), headline-like lines after it
    /// (`isTrailingHeadline`: teaser lists, tag lines, "Posted by" lines) and the site's appeals after
    /// the story ("Subscribe now to our …", "Follow us on …"), as in pages; nil when `minChars` is false.
    ///
    /// Built on bytes: one buffer, one normalisation check, one string (validated once). Lines that
    /// are not valid UTF-8 take the string path (their strings hold repaired bytes).
    func bodyText(_ a: DumpAnalysis, _ body: [Int], minChars: Bool) -> String? {
        var joined: [UInt8] = []
        joined.reserveCapacity(body.reduce(0) { $0 + a.lines.ranges[$1].count + 2 })
        var starts: [Int] = []
        starts.reserveCapacity(body.count)
        for i in body {
            if !joined.isEmpty { joined.append(0x0A); joined.append(0x0A) }
            starts.append(joined.count)
            joined.append(contentsOf: a.lines[i])
        }
        // One UTF-8 validation for the whole body, the string's own (the lines cut below end at line
        // boundaries: the text kept is a prefix of this string).
        guard let whole = String(validating: joined, as: UTF8.self) else { return bodyTextFromStrings(a, body, minChars: minChars) }
        var count = body.count
        while !keepAllText, count > 1 {
            let last = Array(joined[starts[count - 1]...])
            if last.count < 25 && !String(decoding: last, as: UTF8.self).hasSuffix(".") || isTrailingHeadline(a.features[body[count - 1]])
                || ReaderAppeal.isAppeal(last) || (last.count < 200 && ReaderAppeal.isShouted(last)) {
                count -= 1
                joined.removeSubrange((starts[count] - 2)...)
                continue
            }
            break
        }
        guard minChars else { return nil }
        let text = joined.count == whole.utf8.count ? whole : String(whole[..<whole.utf8.index(whole.startIndex, offsetBy: joined.count)])
        return UnicodeNormalizer.nfc(text)
    }

    /// `bodyText` on strings.
    func bodyTextFromStrings(_ a: DumpAnalysis, _ lines: [Int], minChars: Bool) -> String? {
        var body = lines.map { a.lines.string($0) }
        while !keepAllText, body.count > 1, let last = body.last {
            let bytes = Array(last.utf8)
            if bytes.count < 25 && !last.hasSuffix(".") || isTrailingHeadline(a.features[lines[body.count - 1]]) { body.removeLast(); continue }
            if ReaderAppeal.isAppeal(bytes) || (bytes.count < 200 && ReaderAppeal.isShouted(bytes)) { body.removeLast(); continue }
            break
        }
        guard minChars else { return nil }
        return UnicodeNormalizer.nfc(body.joined(separator: "\n\n"))
    }
}
