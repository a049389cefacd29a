import Articles

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
    /// Boilerplate that ends the story it follows (copyright notices, the comments block).
    case stop
    /// Boilerplate boxes that end a story or sit inside one (section headers such as "Related
    /// articles", newsletter and app promotions).
    case promo
    /// A dateline ("Nov 18, 2019 at 9:24 pm ET", "Published: 3 Jan 2019", "2 min read"): its date phrase, if any.
    case dateline(String?)

    /// Lines that describe a story (source, time, byline, dateline) rather than tell it.
    var isMeta: Bool {
        switch self {
        case .sourceTime, .time, .source, .byline, .dateline: return true
        default: return false
        }
    }
}

/// Recognises the kinds of dump lines that words alone give away: bylines, datelines,
/// "source + relative time" lines, captions and credits, and boilerplate phrases.
enum LineClassifier {
    static let skipLines: Set<String> = [
        "logo", "advertisement", "orange background", "background", "share", "share this", "share this article", "tweet",
        "email", "print", "menu", "search", "close", "skip to content", "skip to main content", "image", "photo", "video",
        "listen", "listen to this article", "save", "story continues below", "scroll to continue", "sponsored", "ad",
        "app-storeplay-store", "app store", "google play", "play store", "follow us",
        "opens in new window", "(opens in new window)", "click to share", "share on facebook", "share on twitter",
    ]
    static let endLines: Set<String> = [
        "comments", "comment", "no comments yet...", "no comments yet", "leave a comment", "add a comment", "post a comment",
        "leave a reply", "post a reply", "join the discussion", "show comments", "view comments", "kommentare", "commentaires", "comentarios",
    ]
    /// Openings of a comment section or form, in the main languages.
    static let endPrefixes: [String] = [
        "your email address will not be published", "leave a comment", "leave a reply", "post a comment",
        "deine e-mail-adresse wird nicht veröffentlicht", "ihre e-mail-adresse wird nicht veröffentlicht",
        "schreibe einen kommentar", "hinterlasse einen kommentar", "kommentar schreiben", "kommentar verfassen",
        "votre adresse e-mail ne sera pas publiée", "votre adresse de messagerie ne sera pas publiée", "laisser un commentaire",
        "tu dirección de correo electrónico no será publicada", "deja un comentario", "deja una respuesta",
        "il tuo indirizzo email non sarà pubblicato", "lascia un commento",
        "kommentare schreiben", "kommentare sind geschlossen", "comments are closed",
        "be the first to comment", "sei der erste, der", "sé el primero en comentar", "soyez le premier à commenter",
    ]
    /// Labels of teasers and related-content boxes, in the main languages.
    static let promoPrefixes: [String] = [
        "read more:", "read also:", "also read:", "see also:", "related:", "more:", "watch:",
        "lesen sie auch", "lies auch", "mehr zum thema", "auch interessant", "das könnte sie auch interessieren", "verwandte artikel",
        "ähnliche artikel", "weitere artikel", "schon gelesen",
        "à lire aussi", "lire aussi", "a lire aussi", "sur le même sujet", "voir aussi",
        "lea más:", "lea también", "lee también", "te puede interesar", "noticias relacionadas", "artículos relacionados",
        "leggi anche", "articoli correlati", "leia também", "leia mais:",
        "read next:", "related story:", "related coverage", "recommended:",
        "mehr dazu:", "lesen sie mehr", "zum weiterlesen", "weiterlesen:", "ebenfalls interessant",
        "à voir aussi", "à lire également", "lire également",
        "vea también", "ver también", "véase también", "puedes ver:", "mira también", "leer más:", "lee más:", "te recomendamos",
        "czytaj także", "czytaj też", "przeczytaj też", "przeczytaj także", "zobacz też", "zobacz także", "dowiedz się więcej",
        "lees ook", "lees meer",
    ]
    static let stopLines: Set<String> = [
        "related articles", "related stories", "related", "more stories", "more from", "read more", "read next",
        "you may also like", "recommended", "recommended for you", "trending", "most read", "most popular", "latest news",
        "download the app", "get the app", "try our ai features", "sign up", "subscribe", "newsletter",
        "sign up for our newsletter", "more on this story", "top stories", "popular now", "what to read next",
    ]

    /// Which families of rules may match a line (from a byte-level pre-check).
    struct Rules: OptionSet, Sendable {
        let rawValue: UInt16
        static let phrase = Rules(rawValue: 1)
        static let copyright = Rules(rawValue: 2)
        static let promo = Rules(rawValue: 4)
        static let comments = Rules(rawValue: 8)
        static let byline = Rules(rawValue: 16)
        static let relativeTime = Rules(rawValue: 32)
        static let bullet = Rules(rawValue: 64)
        static let caption = Rules(rawValue: 128)
        static let dateline = Rules(rawValue: 256)
        /// Promotions already confirmed by the byte test.
        static let promoCheck = Rules(rawValue: 512)
        static let all = Rules(rawValue: 0x1FF)
    }

    /// The kind of one line (all rules, or only those in `rules`).
    static func classify(_ line: String, rules: Rules = .all) -> LineKind {
        classify(line, lower: line.lowercased(), rules: rules)
    }

    /// `classify(_:rules:)` given `line.lowercased()`.
    static func classify(_ line: String, lower: String, rules: Rules) -> LineKind {
        if rules.contains(.phrase) {
            let trimmedLower = lower.trimmingCharacters(in: ":.!")
            if skipLines.contains(trimmedLower) || lower.hasSuffix(" logo") || lower.hasPrefix("logo ") { return .skip }
            if endLines.contains(trimmedLower) { return .stop }
            if stopLines.contains(trimmedLower) { return .promo }
            if endPrefixes.contains(where: { lower.hasPrefix($0) }) { return .stop }
            if promoPrefixes.contains(where: { lower.hasPrefix($0) }) { return .promo }
        }
        if rules.contains(.copyright), lower.hasPrefix("©") || lower.hasPrefix("(c) ") || lower.hasPrefix("copyright") || lower.contains("all rights reserved") { return .stop }
        if rules.contains(.promoCheck) || (rules.contains(.promo) && isPromo(lower)) { return .promo }
        if rules.contains(.comments), lower.hasPrefix("comments (") || (lower.hasPrefix("comments") && line.count < 16) { return .stop }
        if rules.contains(.byline), let names = byline(line) { return .byline(names) }
        if rules.contains(.relativeTime), let (src, phrase) = sourceAndRelativeTime(line) {
            if let src { return .sourceTime(src, phrase) }
            return .time(phrase)
        }
        if rules.contains(.bullet), let s = bulletSource(line) { return .source(s) }
        if rules.contains(.caption), isCaption(line) { return .caption }
        if rules.contains(.dateline), let d = dateline(line) { return .dateline(d) }
        return .text
    }

    static let dateWords: Set<String> = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "january", "february", "march", "april", "june", "july", "august", "september", "october", "november", "december",
        "mon", "tue", "wed", "thu", "fri", "sat", "sun", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "am", "pm", "a.m.", "p.m.", "at", "on", "et", "est", "edt", "pt", "pst", "pdt", "gmt", "utc", "bst", "cet", "cest", "ist",
        "published", "updated", "posted", "last", "modified", "date", "min", "mins", "read", "minute", "minutes", "reading", "time", "|", "·", "•", "-",
        "januar", "februar", "märz", "mai", "juni", "juli", "oktober", "dezember", "uhr", "veröffentlicht", "aktualisiert", "um",
        "janvier", "février", "mars", "avril", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre", "le", "publié",
        "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre", "de",
    ]

    /// A line made of a date and its labels ("Published: 3 Jan 2019", "Nov 18, 2019 at 9:24 pm ET",
    /// "2 min read"): returns the date phrase without its label (nil for a reading time), or nil
    /// when the line is something else.
    static func dateline(_ line: String) -> String?? {
        guard line.utf8.count <= 100, line.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let words = line.lowercased().split(separator: " ")
        guard words.count <= 16 else { return nil }
        var dateish = 0
        for w in words {
            let t = String(w).trimmingCharacters(in: ",.:;()[]")
            if t.isEmpty || t.contains(where: { $0.isNumber }) || dateWords.contains(t) { dateish += 1 }
        }
        guard dateish * 4 >= words.count * 3 else { return nil }
        if words.contains("read") { return .some(nil) }
        var phrase = Substring(line)
        for label in ["published:", "published", "updated:", "updated", "posted:", "posted", "date:", "on"] {
            if phrase.lowercased().hasPrefix(label + " ") || phrase.lowercased() == label { phrase = phrase.dropFirst(label.count).drop(while: { $0 == " " }) }
        }
        return .some(String(phrase))
    }

    static func isPromo(_ lower: String) -> Bool { isPromo(Array(lower.utf8)) }

    static let promoWords = bytes(["download", "get ", "install", " app", "app store", "google play", " ai ", "explore what", "try our", "features", "sign up", "subscribe", "explore what ", "get started now"])

    /// App, newsletter and AI-feature promotions, on lower-cased bytes.
    static func isPromo(_ lower: [UInt8]) -> Bool {
        var words = 1
        for c in lower where c == 0x20 { words += 1 }
        guard words <= 30 else { return false }
        let w = promoWords
        let app = (contains(lower, w[0]) || contains(lower, w[1]) || contains(lower, w[2])) && (contains(lower, w[3]) || contains(lower, w[4]) || contains(lower, w[5]))
        let ai = contains(lower, w[6]) && (contains(lower, w[7]) || contains(lower, w[8]) || contains(lower, w[9]))
        let signup = (lower.starts(with: w[10]) || lower.starts(with: w[11])) && words <= 15
        return app || ai || signup || lower.starts(with: w[12]) || lower.starts(with: w[13])
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

    /// Roles that follow the names of a byline ("By Jane Doe, Staff Writer").
    static let bylineRoles: Set<String> = ["staff writer", "reporter", "editor", "correspondent", "associated press", "reuters", "afp"]

    /// Author names of a byline line, or nil when the line is not a byline.
    static func byline(_ line: String) -> [String]? {
        if let names = asciiByline(line) { return names }
        return stringByline(line)
    }

    /// `byline(_:)` on `Character`s (any line; the reference of `asciiByline`).
    static func stringByline(_ line: String) -> [String]? {
        let lower = line.lowercased()
        guard let prefix = bylinePrefixes.first(where: { lower.hasPrefix($0) }) else { return nil }
        var rest = String(line.dropFirst(prefix.count)).trimmingSpaces
        // "By Jane Doe, Staff Writer" / "By Jane Doe | Reuters": keep the names before a role.
        if let bar = rest.firstIndex(where: { $0 == "|" || $0 == "•" || $0 == "·" }) { rest = String(rest[..<bar]).trimmingSpaces }
        let words = PageTitle.wordCount(rest)
        guard words > 0, words <= 12, !rest.hasSuffix(".") || words <= 4 else { return nil }
        var names: [String] = []
        for chunk in rest.split(separator: ",") {
            for piece in chunk.replacingAnd().split(separator: "\u{1}") {
                let name = String(piece).trimmingSpaces
                guard !name.isEmpty else { continue }
                let nameWords = name.split(separator: " ")
                // A role after a comma ("Staff Writer", "in Tokyo") is not a name.
                guard nameWords.allSatisfy({ $0.first?.isUppercase ?? false }) || nameWords.count == 1 && names.isEmpty else { continue }
                if !names.isEmpty && bylineRoles.contains(name.lowercased()) { continue }
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
        // On ASCII (and a set without CR or LF, which could pair into one Character) a byte is a Character.
        if set.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0D && $0 != 0x0A }),
           let trimmed = utf8.withContiguousStorageIfAvailable({ b -> String? in
               guard b.allSatisfy({ $0 < 0x80 }) else { return nil }
               var s = 0, e = b.count
               while s < e, set.utf8.contains(b[s]) { s += 1 }
               while e > s, set.utf8.contains(b[e - 1]) { e -= 1 }
               return String(decoding: UnsafeBufferPointer(rebasing: b[s..<e]), as: UTF8.self)
           }), let trimmed {
            return trimmed
        }
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}

