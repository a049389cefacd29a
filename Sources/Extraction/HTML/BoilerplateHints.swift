/// Class/id vocabulary of page furniture that sits *inside* an article container: comment threads,
/// related-post and recirculation boxes, share bars, tag lines, author boxes, newsletter and
/// paywall prompts, captions and credits, post navigation.
///
/// The words are the conventions of CMS themes and plugins (WordPress, Drupal, Joomla, Elementor,
/// schema.org), not of one site. They are matched as whole tokens of the lower-cased `class` and
/// `id` values split at white space, `-`, `_`, `:` and `.`, so `comment-list` and `post_tags` match
/// while `commentary` and `attach` do not.
enum BoilerplateHints {
    /// How sure a hint is: a strong hint removes the node whatever its size (a comment thread
    /// can be longer than the article); a weak one only when the node is a small part of the content.
    enum Strength { case none, weak, strong }

    static let strongTokens: Set<[UInt8]> = tokenSet("""
        comments commentlist commentform comentarios kommentare respond replies disqus \
        related relatedposts recirculation recommended recommendations outbrain taboola \
        sharedaddy sharing sharebar socialshare \
        newsletter subscribe subscription mc4wp signup optin \
        authorbox authorbio bio biography \
        breadcrumb breadcrumbs pagination pager postnav postnavigation navlinks \
        tags tagcloud taglist tagged postmetadata \
        cookie cookies consent gdpr \
        sronly screenreader visuallyhidden
        """)

    static let weakTokens: Set<[UInt8]> = tokenSet("""
        share social meta metadata copyright \
        sidebar footer nav navigation menu toolbar tools actions utility \
        rating ratings backlink promo promotion advert advertisement ad ads adv sponsor sponsored \
        readmore popular trending mostread latest more teasers banner modal popup overlay comment paywall
        """)

    /// Adjacent token pairs that only together mean furniture (`author-bio`, `read-more`, `sr-only`).
    static let strongPairs: [([UInt8], [UInt8])] = [
        ("author", "bio"), ("author", "box"), ("author", "info"), ("author", "description"), ("about", "author"),
        ("entry", "author"), ("author", "details"), ("comment", "list"), ("comment", "respond"), ("comments", "area"), ("sr", "only"), ("screen", "reader"), ("visually", "hidden"),
        ("more", "stories"), ("most", "read"), ("post", "navigation"), ("nav", "links"),
        ("wp", "caption"), ("img", "metadata"), ("news", "backlink"), ("post", "meta"), ("entry", "meta"),
        ("entry", "footer"), ("article", "footer"), ("post", "footer"), ("rp4wp", "related"), ("wp", "rp"),
        ("jp", "relatedposts"), ("yarpp", "related"), ("crp", "related"),
    ].map { (Array($0.0.utf8), Array($0.1.utf8)) }

    static let captionTokens: Set<[UInt8]> = tokenSet("caption captions credit credits")

    /// Does the class/id name a caption or credit (`wp-caption`, `caption`, `photo-credit`)?
    static func isCaption(_ match: [UInt8]) -> Bool {
        var i = 0
        let n = match.count
        while i < n {
            while i < n, isSeparator(match[i]) { i += 1 }
            let start = i
            while i < n, !isSeparator(match[i]) { i += 1 }
            if i > start, captionTokens.contains(Array(match[start..<i])) { return true }
        }
        return false
    }

    /// The word for "advertisement" in the main languages of the web, as a label of its own.
    static let adLabels: Set<[UInt8]> = tokenSet("advertisement advertising ad anzeige werbung publicidad publicite publicité reklama pubblicita pubblicità reclame annonse mainos sponsored")

    /// Is the block's whole text an ad label, give or take punctuation and case?
    static func isAdLabel(_ text: [UInt8]) -> Bool {
        var lo = 0, hi = text.count
        func isLetter(_ b: UInt8) -> Bool { (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b >= 0x80 }
        while lo < hi, !isLetter(text[lo]) { lo += 1 }
        while hi > lo, !isLetter(text[hi - 1]) { hi -= 1 }
        guard hi > lo else { return false }
        let word = text[lo..<hi].map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
        return adLabels.contains(word)
    }

    static func tokenSet(_ s: String) -> Set<[UInt8]> {
        Set(s.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\\" }).map { Array($0.utf8) })
    }

    /// The strength of the hint carried by a lower-cased `class id` string.
    static func strength(_ match: [UInt8]) -> Strength {
        guard !match.isEmpty else { return .none }
        // Tokens of each class name; a name of five or more tokens is a slug made from a heading
        // or a BEM path ("sharing-with-a-single-developer"), not a hint.
        var tokens: [ArraySlice<UInt8>] = []
        var slugTokens: Set<Int> = []
        var i = 0
        let n = match.count
        while i < n {
            while i < n, match[i] == 32 { i += 1 }
            let nameStart = tokens.count
            while i < n, match[i] != 32 {
                while i < n, match[i] != 32, isSeparator(match[i]) { i += 1 }
                let start = i
                while i < n, !isSeparator(match[i]) { i += 1 }
                if i > start { tokens.append(match[start..<i]) }
            }
            if tokens.count - nameStart >= 5 { for k in nameStart..<tokens.count { slugTokens.insert(k) } }
        }
        var result = Strength.none
        for (k, t) in tokens.enumerated() where !slugTokens.contains(k) {
            // "non-paywall", "no-comments": a negated hint says the opposite.
            if k > 0, tokens[k - 1].elementsEqual("non".utf8) || tokens[k - 1].elementsEqual("no".utf8) || tokens[k - 1].elementsEqual("not".utf8) { continue }
            if strongTokens.contains(Array(t)) { return .strong }
            if k + 1 < tokens.count {
                for (a, b) in strongPairs where t.elementsEqual(a) && tokens[k + 1].elementsEqual(b) { return .strong }
            }
            if result == .none, weakTokens.contains(Array(t)) { result = .weak }
        }
        return result
    }

    @inline(__always) static func isSeparator(_ b: UInt8) -> Bool {
        b == 32 || b == 9 || b == 10 || b == 13 || b == 0x2D || b == 0x5F || b == 0x3A || b == 0x2E || b == 0x2F
    }
}
