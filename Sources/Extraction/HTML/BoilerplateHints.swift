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

    static let strongTokens: TokenHashSet = tokenSet("""
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

    static let weakTokens: TokenHashSet = tokenSet("""
        share social meta metadata copyright \
        sidebar footer nav navigation menu toolbar tools actions utility \
        rating ratings backlink promo promotion advert advertisement ad ads adv sponsor sponsored \
        readmore popular trending mostread latest more teasers banner modal popup overlay comment paywall
        """)

    /// Adjacent token pairs that only together mean furniture (`author-bio`, `sr-only`).
    static let strongPairs = TokenHashSet([
        ("author", "bio"), ("author", "box"), ("author", "info"), ("author", "description"), ("about", "author"),
        ("entry", "author"), ("author", "details"), ("comment", "list"), ("comment", "respond"), ("comments", "area"),
        ("sr", "only"), ("screen", "reader"), ("visually", "hidden"),
        ("more", "stories"), ("most", "read"), ("post", "navigation"), ("nav", "links"),
        ("wp", "caption"), ("img", "metadata"), ("news", "backlink"), ("post", "meta"), ("entry", "meta"),
        ("entry", "footer"), ("article", "footer"), ("post", "footer"), ("rp4wp", "related"), ("wp", "rp"),
        ("jp", "relatedposts"), ("yarpp", "related"), ("crp", "related"),
    ].map { pair(hash($0.0.utf8), hash($0.1.utf8)) })

    /// "related" run together with what is related, as one token (`relatedlinks`, `relatedNews`).
    static let relatedCompounds: TokenHashSet = tokenSet(
        ["links", "articles", "stories", "news", "content", "items", "entries", "reads", "topics", "box", "list"]
            .map { "related" + $0 }.joined(separator: " "))

    static let negations: TokenHashSet = tokenSet("non no not")
    static let captionTokens: TokenHashSet = tokenSet("caption captions credit credits")

    /// The word for "advertisement" in the main languages of the web, as a label of its own.
    static let adLabels: TokenHashSet = tokenSet("advertisement advertising ad anzeige werbung publicidad publicite publicité reklama pubblicita pubblicità reclame annonse mainos sponsored")

    /// FNV-1a over the ASCII-lower-cased bytes: tokens are compared by this hash (a collision can
    /// only misread one class name, never crash), so no token is copied.
    @inline(__always) static func hash<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b >= 65 && b <= 90 ? b | 0x20 : b)) &* 0x100_0000_01b3 }
        return h
    }

    @inline(__always) static func pair(_ a: UInt64, _ b: UInt64) -> UInt64 { a ^ (b &* 0x9E37_79B9_7F4A_7C15) }

    static func tokenSet(_ s: String) -> TokenHashSet {
        TokenHashSet(s.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\\" }).map { hash($0.utf8) })
    }

    /// Is the block's whole text an ad label, give or take punctuation and case?
    static func isAdLabel(_ text: [UInt8]) -> Bool {
        var lo = 0, hi = text.count
        func isLetter(_ b: UInt8) -> Bool { (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b >= 0x80 }
        while lo < hi, !isLetter(text[lo]) { lo += 1 }
        while hi > lo, !isLetter(text[hi - 1]) { hi -= 1 }
        guard hi > lo else { return false }
        return adLabels.contains(hash(text[lo..<hi]))
    }

    /// Does the class/id name a caption or credit (`wp-caption`, `caption`, `photo-credit`)?
    static func isCaption(_ match: [UInt8]) -> Bool {
        var found = false
        forEachName(match) { tokens in
            if tokens.contains(where: { captionTokens.contains($0) }) { found = true }
        }
        return found
    }

    /// Calls `body` with the token hashes of each white-space separated name of `match`.
    static func forEachName(_ match: [UInt8], _ body: ([UInt64]) -> Void) {
        var tokens: [UInt64] = []
        var i = 0
        let n = match.count
        while i < n {
            while i < n, match[i] == 32 { i += 1 }
            tokens.removeAll(keepingCapacity: true)
            while i < n, match[i] != 32 {
                while i < n, match[i] != 32, isSeparator(match[i]) { i += 1 }
                let start = i
                while i < n, !isSeparator(match[i]) { i += 1 }
                if i > start { tokens.append(hash(match[start..<i])) }
            }
            if !tokens.isEmpty { body(tokens) }
        }
    }

    /// The strength of the hint carried by a lower-cased `class id` string.
    static func strength(_ match: [UInt8]) -> Strength {
        guard !match.isEmpty else { return .none }
        var result = Strength.none
        forEachName(match) { tokens in
            // A name of five or more tokens is a slug made from a heading or a BEM path
            // ("sharing-with-a-single-developer"), not a hint.
            guard result != .strong, tokens.count < 5 else { return }
            for (k, t) in tokens.enumerated() {
                // "non-paywall", "no-comments": a negated hint says the opposite.
                if k > 0, negations.contains(tokens[k - 1]) { continue }
                if strongTokens.contains(t) || relatedCompounds.contains(t)
                    || (k + 1 < tokens.count && strongPairs.contains(pair(t, tokens[k + 1]))) {
                    result = .strong; return
                }
                if result == .none, weakTokens.contains(t) { result = .weak }
            }
        }
        return result
    }

    @inline(__always) static func isSeparator(_ b: UInt8) -> Bool {
        b == 32 || b == 9 || b == 10 || b == 13 || b == 0x2D || b == 0x5F || b == 0x3A || b == 0x2E || b == 0x2F
    }
}
