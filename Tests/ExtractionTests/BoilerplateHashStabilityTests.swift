import Articles
import Testing
@testable import Extraction

/// The content hash is over title + body, so boilerplate that changes from one fetch to the next
/// (recent posts, comment threads, tag lines, cookie banners) must not reach the body: the same
/// article must hash the same, and a real edit of its text must not.
@Suite struct BoilerplateHashStabilityTests {
    static let paragraphs = [
        "The harbour board voted on Tuesday evening to extend the ferry timetable, adding a late crossing at half past ten on weekdays after a petition gathered more than two thousand signatures from commuters.",
        "Board members said the extra sailing would cost about forty thousand a year in crew time and fuel, and that the money would come from the reserve fund rather than from higher fares.",
        "Night-shift workers at the hospital on the north shore, who made up most of the petition's signatories, had complained for months that the last boat left before their shifts ended.",
        "The new crossing starts on the first Monday of next month and will be reviewed after a six-month trial, when the board will count passengers and decide whether to keep it.",
    ]

    static let edited = paragraphs.enumerated().map { k, p in
        k == 1 ? "Board members said the extra sailing would cost about sixty thousand a year in crew time and fuel, and that fares would rise by ten cents to pay for it." : p
    }

    /// The parts of a page around the article that may change between two fetches of it.
    struct Furniture {
        var recent = ["Council approves new library hours", "Storm closes coastal road for a day", "Fishing fleet returns early"]
        var comments = ["Finally! I have been waiting for this for years.", "Will the late boat also run on Saturdays?"]
        var tags = ["ferry", "harbour", "transport"]
        var cookieBanner = false
        var readAlso = "Ferry fares: what changed last spring"
        var cards = [("12 May", "Harbour dredging starts next week", "The channel will be closed to large boats for three days while the work goes on.")]
    }

    static func wordpressPage(_ body: [String], _ f: Furniture) -> String {
        let paras = body.enumerated().map { k, p in
            k == 2 ? "<p>\(p)</p>\n<p><strong>Read also:</strong> <a href=\"/read-also\">\(f.readAlso)</a></p>" : "<p>\(p)</p>"
        }.joined(separator: "\n")
        let recent = f.recent.map { "<li><a href=\"/p/\($0.count)\">\($0)</a></li>" }.joined()
        let comments = f.comments.enumerated().map { k, c in
            """
            <li class="comment" id="comment-\(k)"><article class="comment-body"><footer class="comment-meta">
            <b class="fn">Reader \(k)</b> <span class="says">says:</span> <time>March \(k + 3), 2024 at 9:1\(k) pm</time></footer>
            <div class="comment-content"><p>\(c)</p></div><div class="reply"><a href="#reply">Reply</a></div></article></li>
            """
        }.joined(separator: "\n")
        let tags = f.tags.map { "<a href=\"/tag/\($0)\" rel=\"tag\">\($0)</a>" }.joined(separator: ", ")
        let cookie = f.cookieBanner
            ? "<div class=\"cookie-notice\"><p>We use cookies to give you the best experience on our website. By continuing you agree to our use of cookies.</p><button>OK</button></div>"
            : ""
        let cards = f.cards.map { d, t, dek in
            "<div class=\"card\"><span class=\"date\">\(d)</span><h4><a href=\"/c\">\(t)</a></h4><p>\(dek)</p></div>"
        }
        let cardRun = (cards + cards + cards).joined(separator: "\n")
        return """
        <!DOCTYPE html><html lang="en"><head><title>Ferry line adds an evening crossing | Harbor Gazette</title></head><body>
        \(cookie)
        <div id="page"><div id="content" class="site-content"><main id="main">
        <article class="post type-post status-publish"><header class="entry-header"><h1 class="entry-title">Ferry line adds an evening crossing</h1>
        <div class="entry-meta"><span class="posted-on">March 2, 2024</span> <span class="byline">by Harbor Desk</span></div></header>
        <div class="entry-content">
        \(paras)
        <div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Share this:</h3><ul><li><a href="/s/fb">Facebook</a></li><li><a href="/s/x">X</a></li><li><a href="/s/mail">Email</a></li></ul></div>
        <div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline">Related</h3>
        <div class="more-from">\(cardRun)</div></div>
        </div>
        <footer class="entry-footer"><span class="tags-links">Tags: \(tags)</span></footer>
        </article>
        <nav class="navigation post-navigation"><div class="nav-previous"><a href="/prev">Previous: Tide tables for April</a></div></nav>
        <div id="comments" class="comments-area"><h2 class="comments-title">\(f.comments.count) thoughts on “Ferry line adds an evening crossing”</h2>
        <ol class="comment-list">\(comments)</ol>
        <div id="respond" class="comment-respond"><h3>Leave a Reply</h3><form><textarea></textarea></form></div></div>
        </main>
        <div id="secondary" class="widget-area"><section class="widget widget_recent_entries"><h2>Recent Posts</h2><ul>\(recent)</ul></section></div>
        </div></div></body></html>
        """
    }

    /// A page with no helpful class names: the article's blocks, then a heading and a list of links,
    /// a tag line of links, and a teaser run, all siblings in one container.
    static func plainPage(_ body: [String], _ f: Furniture) -> String {
        let paras = body.map { "<p>\($0)</p>" }.joined(separator: "\n")
        let recent = f.recent.map { "<li><a href=\"/p/\($0.count)\">\($0)</a></li>" }.joined()
        let tags = f.tags.map { "<a href=\"/t/\($0)\">\($0)</a>" }.joined(separator: " ")
        let cards = f.cards.map { d, t, dek in "<div><span>\(d)</span><h4><a href=\"/c\">\(t)</a></h4><p>\(dek)</p></div>" }
        return """
        <html><head><title>Ferry line adds an evening crossing</title></head><body><div>
        <h1>Ferry line adds an evening crossing</h1>
        \(paras)
        <p>Tags: \(tags)</p>
        <h3>Recent articles</h3>
        <ul>\(recent)</ul>
        \((cards + cards + cards).joined(separator: "\n"))
        </div></body></html>
        """
    }

    static func hash(_ html: String) throws -> (String, String) {
        let doc = try DocumentExtractor().extract(Array(html.utf8), context: ExtractionContext(url: "https://harbor.example/ferry"))
        let article = try #require(doc.articles.first)
        let event = ArticleEvent(article: article, jobID: "test", fetchedAt: nil)
        return (event.contentHash, article.text)
    }

    static var variants: [(String, Furniture)] {
        var other = Furniture()
        other.recent = ["Marina fees to rise in autumn", "New lifeboat named after volunteer", "Lighthouse open for visits", "Ferry staff strike averted"]
        var grown = Furniture()
        grown.comments += ["The late boat is overdue, the night shift has had to take taxis for years.", "Reply to Reader 1: yes, from June.", "Thanks to everyone who signed the petition!"]
        var tagged = Furniture()
        tagged.tags = ["ferries", "commuting", "north shore", "petition"]
        var cookie = Furniture()
        cookie.cookieBanner = true
        var related = Furniture()
        related.readAlso = "Night buses to run every twenty minutes"
        related.cards = [("3 June", "Water taxi service expands to the islands", "Two more boats join the fleet from next week, with stops at both marinas.")]
        return [("other recent posts", other), ("grown comment thread", grown), ("other tag line", tagged), ("cookie banner", cookie), ("other related links", related)]
    }

    @Test("same article, other boilerplate: same content hash (CMS markup)")
    func wordpressVariantsHashTheSame() throws {
        let (base, text) = try Self.hash(Self.wordpressPage(Self.paragraphs, Furniture()))
        for p in Self.paragraphs { #expect(text.contains(p)) }
        for (name, f) in Self.variants {
            let (h, variantText) = try Self.hash(Self.wordpressPage(Self.paragraphs, f))
            #expect(h == base, "\(name): body became \(variantText)")
        }
    }

    @Test("same article, other boilerplate: same content hash (markup without class names)")
    func plainVariantsHashTheSame() throws {
        let (base, text) = try Self.hash(Self.plainPage(Self.paragraphs, Furniture()))
        for p in Self.paragraphs { #expect(text.contains(p)) }
        for (name, f) in Self.variants {
            let (h, variantText) = try Self.hash(Self.plainPage(Self.paragraphs, f))
            #expect(h == base, "\(name): body became \(variantText)")
        }
    }

    @Test("another photo with another caption in the article's flow, or none: same content hash and word count")
    func captionsInTheFlowHashTheSame() throws {
        func page(_ figure: String) -> String {
            let paras = Self.paragraphs.map { "<p>\($0)</p>" }
            let body = (paras[0..<2] + [figure] + paras[2...]).joined(separator: "\n")
            return """
            <!DOCTYPE html><html lang="en"><head><title>Ferry line adds an evening crossing | Harbor Gazette</title></head><body>
            <article><h1>Ferry line adds an evening crossing</h1>\(body)</article></body></html>
            """
        }
        let pages = [
            page("<figure><img src=\"/a.jpg\"><figcaption>The ferry leaving the north pier at dusk.</figcaption></figure>"),
            // An encoded line break at the caption's end; a label beside the picture in a wrapper,
            // and a caption without a <figure>; a heading that reads the same as the caption.
            page("<figure><img src=\"/c.jpg\"><figcaption>The ferry at dusk.&#10;</figcaption></figure>"),
            page("<figure><div><img src=\"/d.jpg\"><span>Photo</span><figcaption>Deck hands at the ramp.</figcaption></div></figure>"),
            page("<div class=\"media\"><img src=\"/e.jpg\"><span>Photo</span><figcaption>The ramp at low tide.</figcaption></div>"),
            page("<figure><img src=\"/b.jpg\"><figcaption>Commuters queue for the last boat on a weekday evening, as they have done since the timetable changed.</figcaption></figure>"),
            page(""),
        ]
        var hashes: Set<String> = [], words: Set<Int> = []
        for html in pages {
            let doc = try DocumentExtractor().extract(Array(html.utf8), context: ExtractionContext(url: "https://harbor.example/ferry"))
            let article = try #require(doc.articles.first)
            let event = ArticleEvent(article: article, jobID: "test", fetchedAt: nil)
            hashes.insert(event.contentHash)
            words.insert(event.wordCount)
        }
        #expect(hashes.count == 1, "a caption in the flow changed the content hash")
        #expect(words.count == 1)
        let first = try DocumentExtractor().extract(Array(pages[0].utf8), context: ExtractionContext(url: "https://harbor.example/ferry"))
        #expect(try #require(first.articles.first).text.contains("The ferry leaving the north pier at dusk."), "the caption left the body")
        for n in [2, 3] {
            let text = try #require(try DocumentExtractor().extract(Array(pages[n].utf8), context: ExtractionContext(url: "https://harbor.example/ferry")).articles.first).text
            #expect(!text.contains("Photo"), "the picture's label stayed")
        }
        // A heading that reads the same as a caption stays in the hash (the caption goes instead).
        func headed(_ figure: String) throws -> String {
            let html = page(figure).replacingOccurrences(of: "<p>Board members", with: "<h2>The new timetable</h2><p>Board members")
            let doc = try DocumentExtractor().extract(Array(html.utf8), context: ExtractionContext(url: "https://harbor.example/ferry"))
            return ArticleEvent(article: try #require(doc.articles.first), jobID: "test", fetchedAt: nil).contentHash
        }
        #expect(try headed("<figure><img src=\"/t.jpg\"><figcaption>The new timetable</figcaption></figure>") == (try headed("")))
    }

    @Test("a real edit of the article text changes the content hash")
    func editChangesTheHash() throws {
        let (a, _) = try Self.hash(Self.wordpressPage(Self.paragraphs, Furniture()))
        let (b, _) = try Self.hash(Self.wordpressPage(Self.edited, Furniture()))
        #expect(a != b)
        let (c, _) = try Self.hash(Self.plainPage(Self.paragraphs, Furniture()))
        let (d, _) = try Self.hash(Self.plainPage(Self.edited, Furniture()))
        #expect(c != d)
    }

    @Test("the boilerplate itself is not in the body")
    func boilerplateIsOut() throws {
        let (_, text) = try Self.hash(Self.wordpressPage(Self.paragraphs, Furniture()))
        for word in ["Council approves", "Read also", "Tags:", "Share this", "Leave a Reply", "Will the late boat", "Harbour dredging", "Previous:"] {
            #expect(!text.contains(word), "\(word) kept in: \(text)")
        }
    }
}
