import Articles

/// Extracts articles from a plain-text page dump (the visible text of a page as a crawler saved
/// it): one article per story that carries its own text, the main story and each related story.
///
/// The rules are generic, not tied to one site:
/// - a story starts at a title line that is repeated within the next few lines (pages print the
///   headline in the hero, the `<h1>` and the card), or, failing that, at the first heading-like
///   line followed by prose;
/// - "source + relative time" lines (`Site Name2 days ago`, `Site · 5 hours ago`, a lone source line
///   followed by `time24 minutes ago`, `• Source` bullets) give the source and the time;
/// - byline lines (`By NAME`, `Written by ...`, `Author: ...`, `Words by ...`, `Reporting by ...`) give authors;
/// - photo captions (a line ending in a photo credit), copyright lines, logo/background lines,
///   app and AI-feature promotions, "Comments" blocks and section headers ("Related Articles")
///   are boilerplate; a copyright line, a promotion, a comments block or a section header ends
///   the body of the story it follows.
public struct TextDumpExtractor: Sendable {
    public init() {}

    public func extract(_ bytes: [UInt8], context: ExtractionContext) throws(ExtractionError) -> [Article] {
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
            .map { TextBuilder.fold(String($0)) }
            .filter { !$0.isEmpty }
        guard !lines.isEmpty else { throw .noArticle(reason: "empty text dump") }
        let kinds = lines.map(LineClassifier.classify)
        let starts = StorySegmenter.storyStarts(lines, kinds)
        var articles: [Article] = []
        for (k, start) in starts.enumerated() {
            let end = k + 1 < starts.count ? starts[k + 1] : lines.count
            if let a = buildStory(lines, kinds, start, end, isMain: articles.isEmpty, context: context) {
                articles.append(a)
            }
        }
        guard !articles.isEmpty else { throw .noArticle(reason: "no story with its own text in the dump") }
        return articles
    }

    func buildStory(_ lines: [String], _ kinds: [LineKind], _ start: Int, _ end: Int, isMain: Bool, context: ExtractionContext) -> Article? {
        let title = stripBullet(lines[start])
        var source: String?
        var relative: String?
        var authors: [String] = []
        var body: [String] = []
        var stopped = false
        var i = start + 1
        while i < end {
            let line = lines[i]
            let kind = kinds[i]
            defer { i += 1 }
            if stopped { continue }
            if stripBullet(line) == title { continue }
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
            case .caption, .skip:
                continue
            case .stop:
                if !body.isEmpty { stopped = true }
            case .text:
                // A short capitalised line right before a time line is the source ("The Mainichi" / "time24 minutes ago").
                if body.isEmpty, i + 1 < end, LineClassifier.isShortName(line) {
                    if case .time = kinds[i + 1] { if source == nil { source = line }; continue }
                    if case .sourceTime = kinds[i + 1] { continue }
                }
                if body.isEmpty, LineClassifier.isShortName(line), case .source = kinds[min(i + 1, end - 1)] { continue }
                body.append(line)
            }
        }
        // Drop trailing lines that are too short to be prose after the last sentence (e.g. a lone "Share").
        while let last = body.last, last.unicodeScalars.count < 25, !last.hasSuffix(".") { body.removeLast() }
        let text = body.joined(separator: "\n\n")
        guard text.unicodeScalars.count >= 80 else { return nil }
        let published = relative.flatMap { DateAdapter.parse($0, reference: context.fetchedAt) }
        return Article(
            url: isMain && !context.url.isEmpty ? context.url : nil,
            title: title,
            authors: authors,
            source: source ?? (isMain ? context.sourceHint : nil),
            publishedAt: published,
            text: text
        )
    }

    func stripBullet(_ s: String) -> String {
        var t = Substring(s)
        while let f = t.first, f == "•" || f == "·" || f == "-" || f == "*" || f == "–" { t.removeFirst() }
        return String(t).trimmingSpaces
    }
}

/// What one line of a text dump is.
enum LineKind: Sendable, Equatable {
    case text
    /// "Japan Today2 days ago": the source (if any) and the relative-time phrase.
    case sourceTime(String?, String)
    case time(String)
    /// "• The Mainichi"
    case source(String)
    case byline([String])
    case caption
    /// Boilerplate to drop without ending the story ("logo", "Advertisement").
    case skip
    /// Boilerplate that ends the body it follows (copyright, promotions, comments, section headers).
    case stop
}

enum LineClassifier {
    static let skipLines: Set<String> = [
        "logo", "advertisement", "orange background", "background", "share", "share this", "share this article", "tweet",
        "email", "print", "menu", "search", "close", "skip to content", "skip to main content", "image", "photo", "video",
        "listen", "listen to this article", "save", "story continues below", "scroll to continue", "sponsored", "ad",
        "app-storeplay-store", "app store", "google play", "play store", "follow us",
    ]
    static let stopLines: Set<String> = [
        "comments", "comment", "no comments yet...", "no comments yet", "leave a comment", "add a comment", "post a comment",
        "related articles", "related stories", "related", "more stories", "more from", "read more", "read next",
        "you may also like", "recommended", "recommended for you", "trending", "most read", "most popular", "latest news",
        "download the app", "get the app", "try our ai features", "sign up", "subscribe", "newsletter",
        "sign up for our newsletter", "more on this story", "top stories", "popular now", "what to read next",
    ]

    static func classify(_ line: String) -> LineKind {
        let lower = line.lowercased()
        let trimmedLower = lower.trimmingCharacters(in: ":.!")
        if skipLines.contains(trimmedLower) || lower.hasSuffix(" logo") || lower.hasPrefix("logo ") { return .skip }
        if stopLines.contains(trimmedLower) { return .stop }
        if lower.hasPrefix("©") || lower.hasPrefix("(c) ") || lower.hasPrefix("copyright") || lower.contains("all rights reserved") { return .stop }
        if isPromo(lower) { return .stop }
        if lower.hasPrefix("comments (") || (lower.hasPrefix("comments") && line.count < 16) { return .stop }
        if let names = byline(line) { return .byline(names) }
        if let (src, phrase) = sourceAndRelativeTime(line) {
            if let src { return .sourceTime(src, phrase) }
            return .time(phrase)
        }
        if let s = bulletSource(line) { return .source(s) }
        if isCaption(line) { return .caption }
        return .text
    }

    static func isPromo(_ lower: String) -> Bool {
        let words = lower.split(separator: " ").count
        guard words <= 30 else { return false }
        let app = (lower.contains("download") || lower.contains("get ") || lower.contains("install")) && (lower.contains(" app") || lower.contains("app store") || lower.contains("google play"))
        let ai = lower.contains(" ai ") && (lower.contains("explore what") || lower.contains("try our") || lower.contains("features"))
        let signup = (lower.hasPrefix("sign up") || lower.hasPrefix("subscribe")) && words <= 15
        return app || ai || signup || lower.hasPrefix("explore what ") || lower.hasPrefix("get started now")
    }

    /// A short line of capitalised words ("The Mainichi", "Yomiuri Shimbun").
    static func isShortName(_ s: String) -> Bool {
        let words = s.split(separator: " ")
        guard !words.isEmpty, words.count <= 5, s.count <= 40 else { return false }
        if s.hasSuffix(".") || s.hasSuffix("?") || s.hasSuffix("!") { return false }
        return words.allSatisfy { w in w.first.map { $0.isUppercase || $0.isNumber } ?? false || ["of", "the", "de", "and", "&"].contains(String(w)) }
    }

    static func bulletSource(_ line: String) -> String? {
        guard let f = line.first, f == "•" || f == "·" else { return nil }
        let rest = String(line.dropFirst()).trimmingSpaces
        return isShortName(rest) ? rest : nil
    }

    static let bylinePrefixes = ["by ", "written by ", "words by ", "reporting by ", "posted by ", "author: ", "authors: ", "story by ", "text by "]

    /// Author names of a byline line, or nil when the line is not a byline.
    static func byline(_ line: String) -> [String]? {
        let lower = line.lowercased()
        guard let prefix = bylinePrefixes.first(where: { lower.hasPrefix($0) }) else { return nil }
        var rest = String(line.dropFirst(prefix.count)).trimmingSpaces
        // "By Jane Doe, Staff Writer" / "By Jane Doe | Reuters": keep the names before a role.
        if let bar = rest.firstIndex(where: { $0 == "|" || $0 == "•" || $0 == "·" }) { rest = String(rest[..<bar]).trimmingSpaces }
        let words = rest.split(separator: " ")
        guard !words.isEmpty, words.count <= 12, !rest.hasSuffix(".") || words.count <= 4 else { return nil }
        var names: [String] = []
        for chunk in rest.split(separator: ",") {
            for piece in chunk.replacingAnd().split(separator: "\u{1}") {
                let name = String(piece).trimmingSpaces
                guard !name.isEmpty else { continue }
                let nameWords = name.split(separator: " ")
                // A role after a comma ("Staff Writer", "in Tokyo") is not a name.
                guard nameWords.allSatisfy({ $0.first?.isUppercase ?? false }) || nameWords.count == 1 && names.isEmpty else { continue }
                if ["staff writer", "reporter", "editor", "correspondent", "associated press", "reuters", "afp"].contains(name.lowercased()) && !names.isEmpty { continue }
                names.append(titleCaseIfShouting(name))
            }
        }
        return names.isEmpty ? nil : names
    }

    /// "KIM TONG-HYUNG" → "Kim Tong-Hyung"; mixed-case names are kept.
    static func titleCaseIfShouting(_ name: String) -> String {
        guard name.contains(where: { $0.isLetter }), !name.contains(where: { $0.isLowercase }) else { return name }
        var out = ""
        var startOfWord = true
        for ch in name {
            if ch.isLetter {
                out += startOfWord ? String(ch).uppercased() : String(ch).lowercased()
                startOfWord = false
            } else {
                out.append(ch)
                startOfWord = ch == " " || ch == "-" || ch == "'" || ch == "’"
            }
        }
        return out
    }

    static let units = ["second", "sec", "minute", "min", "hour", "hr", "day", "week", "month", "year"]

    /// Splits "Japan Today2 days ago" into ("Japan Today", "2 days ago"); ("time24 minutes ago") into (nil, "24 minutes ago").
    static func sourceAndRelativeTime(_ line: String) -> (String?, String)? {
        let lower = line.lowercased()
        guard line.count <= 80 else { return nil }
        if lower == "yesterday" || lower == "just now" { return (nil, lower) }
        guard lower.hasSuffix(" ago") else { return nil }
        let chars = Array(line)
        let lchars = Array(lower)
        var end = chars.count - 4 // before " ago"
        // unit word
        var u = end
        while u > 0, lchars[u - 1].isLetter { u -= 1 }
        let unit = String(lchars[u..<end])
        guard units.contains(where: { unit == $0 || unit == $0 + "s" }) else { return nil }
        var q = u
        while q > 0, lchars[q - 1] == " " { q -= 1 }
        // quantity: digits, or a/an/one
        var n = q
        while n > 0, lchars[n - 1].isNumber { n -= 1 }
        if n == q {
            for word in ["an", "a", "one"] {
                let w = Array(word)
                if q >= w.count, Array(lchars[(q - w.count)..<q]) == w, q == w.count || !lchars[q - w.count - 1].isLetter || (q - w.count >= 4 && String(lchars[(q - w.count - 4)..<(q - w.count)]) == "time") {
                    n = q - w.count
                    break
                }
            }
            if n == q { return nil }
        }
        end = chars.count
        let phrase = String(chars[n..<end]).trimmingSpaces
        var prefix = String(chars[0..<n]).trimmingSpaces
        while let l = prefix.last, l == "·" || l == "|" || l == "-" || l == "•" || l == "–" || l == "," { prefix.removeLast(); prefix = prefix.trimmingSpaces }
        let p = prefix.lowercased()
        if p.isEmpty || ["time", "updated", "posted", "published", "clock", "icon"].contains(p) { return (nil, phrase) }
        if p.hasSuffix(" time") { prefix = String(prefix.dropLast(5)).trimmingSpaces }
        return (prefix, phrase)
    }

    /// A photo caption: ends in a credit such as "(AP Photo/...)", "(Photo: ...)", "(Getty Images)", "Photo: ...".
    static func isCaption(_ line: String) -> Bool {
        let lower = line.lowercased()
        if lower.hasPrefix("photo:") || lower.hasPrefix("image:") || lower.hasPrefix("photo by ") || lower.hasPrefix("credit:") { return true }
        guard lower.hasSuffix(")"), let open = lower.lastIndex(of: "(") else { return false }
        let credit = lower[open...]
        return ["photo", "image", "getty", "reuters", "afp", "ap/", "/ap", "epa", "shutterstock", "credit", "pool"].contains { credit.contains($0) }
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}

/// Finds where stories start in a dump.
enum StorySegmenter {
    static let window = 8

    static func isTitleLike(_ line: String, _ kind: LineKind) -> Bool {
        guard kind == .text else { return false }
        let words = line.split(separator: " ").count
        return words >= 3 && words <= 35 && line.count <= 250
    }

    static func storyStarts(_ lines: [String], _ kinds: [LineKind]) -> [Int] {
        var starts: [Int] = []
        var i = 0
        var covered = Set<String>()
        while i < lines.count {
            let line = lines[i]
            if isTitleLike(line, kinds[i]), !covered.contains(line) {
                let hi = min(lines.count, i + 1 + window)
                if (i + 1..<hi).contains(where: { lines[$0] == line }) {
                    starts.append(i)
                    covered.insert(line)
                }
            }
            i += 1
        }
        if starts.isEmpty {
            // No repeated headline: a heading-like line directly followed by a source/time/byline line,
            // else the first heading-like line followed by prose within three lines.
            for k in 0..<lines.count where isTitleLike(lines[k], kinds[k]) && lines[k].count < 200 {
                guard let next = kinds[(k + 1)...].first(where: { $0 != .skip && $0 != .caption }) else { continue }
                switch next {
                case .sourceTime, .time, .byline: starts = [k]
                default: continue
                }
                break
            }
        }
        if starts.isEmpty {
            for k in 0..<lines.count where isTitleLike(lines[k], kinds[k]) && lines[k].count < 200 && lines[k].count < 120 {
                if lines[(k + 1)..<min(lines.count, k + 4)].contains(where: { $0.count >= 80 }) { starts = [k]; break }
            }
        }
        return starts
    }
}
