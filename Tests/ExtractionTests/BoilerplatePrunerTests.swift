import Articles
import Testing
@testable import Extraction

/// The boilerplate pass on small pages of our own, one shape per test: what goes, and what an
/// over-eager rule would take with it.
@Suite struct BoilerplatePrunerTests {
    static let prose = [
        "The river authority opened the new fish ladder at the old mill weir on Monday, the first passage for salmon on that stretch of the river in more than ninety years.",
        "Engineers built the ladder as a series of thirty shallow pools, each a hand's width higher than the one below, so that fish can rest between jumps on their way upstream.",
        "Anglers upstream had campaigned for the ladder since the weir was listed as a monument, which ruled out removing it and left a fish pass as the only way to reopen the river.",
        "The authority will count fish with an underwater camera at the top pool for three seasons and publish the figures each winter, starting with this autumn's run.",
        "Volunteers from the angling club will keep the pools clear of branches and leaves, a job the authority says takes about two hours a week in the autumn.",
    ]

    static func page(_ body: String, before: String = "") -> String {
        """
        <!DOCTYPE html><html lang="en"><head><title>Salmon return to the mill weir | River News</title></head><body>
        \(before)
        <div id="content"><article class="post"><h1>Salmon return to the mill weir</h1>
        <div class="entry-content">
        \(body)
        </div></article></div>
        </body></html>
        """
    }

    static func paragraphs(_ range: Range<Int>) -> String {
        prose[range].map { "<p>\($0)</p>" }.joined(separator: "\n")
    }

    func body(_ html: String) throws -> String {
        let doc = try DocumentExtractor().extract(Array(html.utf8), context: ExtractionContext(url: "https://river.example/weir"))
        return try #require(doc.articles.first).text
    }

    @Test("an embedded teaser goes with the label that introduced it, mid-article")
    func emptiedContainerTakesItsIntroduction() throws {
        let html = Self.page("""
            \(Self.paragraphs(0..<2))
            <p>You might also like:</p>
            <blockquote class="wp-embedded-content"><p><a href="/2023/dam-survey">Dam survey finds cracks in the spillway</a></p></blockquote>
            \(Self.paragraphs(2..<5))
            """)
        let text = try body(html)
        for p in Self.prose { #expect(text.contains(p)) }
        #expect(!text.contains("Dam survey finds cracks"))
        #expect(!text.contains("You might also like"), "the label of a removed teaser stayed")
    }

    @Test("a short question labelling a removed link list goes too")
    func questionLabelGoesWithItsList() throws {
        let html = Self.page("""
            \(Self.paragraphs(0..<3))
            <p><strong>Already read these?</strong></p>
            <ul><li><a href="/a">Otters seen again below the town bridge</a></li><li><a href="/b">New footpath along the east bank</a></li></ul>
            \(Self.paragraphs(3..<5))
            """)
        let text = try body(html)
        for p in Self.prose { #expect(text.contains(p)) }
        #expect(!text.contains("Otters seen again"))
        #expect(!text.contains("Already read these?"))
    }

    @Test("a sentence introducing a picture stays when the picture's caption goes")
    func introductionOfAFigureStays() throws {
        let html = Self.page("""
            <p>Inside the top pool the camera housing looks like this:</p>
            <figure><img src="/img/camera.jpg" alt=""><figcaption>The camera housing, photographed by the authority</figcaption></figure>
            \(Self.paragraphs(0..<5))
            """)
        let text = try body(html)
        for p in Self.prose { #expect(text.contains(p)) }
        #expect(text.contains("Inside the top pool the camera housing looks like this:"))
        #expect(!text.contains("photographed by the authority"))
    }

    @Test("a caption in the article's flow stays and is listed as a caption; the lead picture's caption and the picture's label go")
    func captionInTheFlowStays() throws {
        let html = Self.page("""
            <figure><img src="/img/weir.jpg" alt=""><figcaption>The weir at dawn, seen from the footbridge.</figcaption></figure>
            \(Self.paragraphs(0..<2))
            <figure><div><span>Image</span><img src="/img/camera.jpg" alt=""></div><figcaption>The camera housing at the top pool, photographed by the authority.</figcaption></figure>
            \(Self.paragraphs(2..<5))
            """)
        let doc = try DocumentExtractor().extract(Array(html.utf8), context: ExtractionContext(url: "https://river.example/weir"))
        let article = try #require(doc.articles.first)
        for p in Self.prose { #expect(article.text.contains(p)) }
        #expect(article.text.contains("\n\nThe camera housing at the top pool, photographed by the authority.\n\n"))
        #expect(article.captions == ["The camera housing at the top pool, photographed by the authority."])
        #expect(!article.text.contains("The weir at dawn"))
        #expect(!article.text.contains("Image"))
    }

    @Test("a wrapper whose class sounds like furniture keeps the article it holds")
    func articleInsideAFurnitureSoundingWrapper() throws {
        // The disclosure box alone is long enough (over 500 characters) to pass as an article if
        // the strict pass drops the wrapper called "above-footer" with the story inside.
        let disclosure = (0..<4).map { _ in
            "Some of the offers on this website come from companies that pay us when readers click through, which may change where and how products appear."
        }.joined(separator: " ")
        // The story, three times as long as the box (numbered parts), inside the wrapper.
        let story = (1...3).flatMap { k in Self.prose.map { "<p>\($0) (Part \(k).)</p>" } }.joined(separator: "\n")
        let html = """
            <!DOCTYPE html><html lang="en"><head><title>Salmon return to the mill weir | River News</title></head><body>
            <div class="above-footer"><div class="post-body">\(story)</div></div>
            <section class="offers-box"><h3>About our offers</h3><p>\(disclosure)</p></section>
            </body></html>
            """
        let text = try body(html)
        for p in Self.prose { #expect(text.contains(p)) }
        #expect(!text.contains("Some of the offers on this website"))
    }

    @Test("a browser-warning overlay is not taken for the article")
    func overlayIsNotTheArticle() throws {
        let warning = (0..<5).map { _ in
            "Your browser is out of date and no longer supported, so parts of this website may not display properly; please install a current browser."
        }.joined(separator: " ")
        let html = Self.page(Self.paragraphs(0..<4), before: """
            <div id="browser-overlay"><h1>Dear readers,</h1><p>\(warning)</p></div>
            """)
        let text = try body(html)
        for p in Self.prose[0..<4] { #expect(text.contains(p)) }
        #expect(!text.contains("Your browser is out of date"))
    }

    @Test("related boxes named as one run-together word are furniture")
    func relatedCompoundClassNames() {
        #expect(BoilerplateHints.strength(Array("relatedlinks block".utf8)) == .strong)
        #expect(BoilerplateHints.strength(Array("box relatedarticles".utf8)) == .strong)
        #expect(BoilerplateHints.strength(Array("relatedness-study".utf8)) == .none)
    }

    @Test("the site's appeals after the article go; the same words inside the article stay")
    func trailingAppealsGo() throws {
        let html = Self.page("""
            \(Self.paragraphs(0..<2))
            <p>The angling club says its members will follow the count closely and support the authority with volunteers.</p>
            \(Self.paragraphs(2..<5))
            <p>Subscribe now to our weekend edition for the full story.</p>
            <p>For the latest news download the River News app for iOS and Android.</p>
            <p>SUPPORT LOCAL JOURNALISM TODAY</p>
            """)
        let text = try body(html)
        for p in Self.prose { #expect(text.contains(p)) }
        #expect(text.contains("members will follow the count"), "an appeal's words mid-article are reporting")
        #expect(!text.contains("Subscribe now"))
        #expect(!text.contains("download the River News app"))
        #expect(!text.contains("SUPPORT LOCAL"))
    }

    @Test("a last paragraph of reporting that names an app stays")
    func reportingAboutAnAppStays() throws {
        let last = "The authority will also publish the camera counts in its app, which anglers can download from the project page."
        let html = Self.page("\(Self.paragraphs(0..<5))\n<p>\(last)</p>")
        let text = try body(html)
        #expect(text.contains(last), "one app named by the story is not an app advert")
        #expect(!ReaderAppeal.isAppeal(Array("The paper lost 2,000 subscribers last year, its owner said.".utf8)))
        #expect(ReaderAppeal.isAppeal(Array("Follow us on Twitter and Instagram.".utf8)))
        #expect(ReaderAppeal.isAppeal(Array("Gefällt dir unser Magazin? Dann unterstütze uns.".utf8)))
        #expect(ReaderAppeal.isAppeal(Array("Sie sind aktuell nicht eingeloggt.".utf8)))
        #expect(!ReaderAppeal.isAppeal(Array("Sie folgen damit dem Beispiel der Nachbarstadt.".utf8)), "German sie is also they")
        #expect(!ReaderAppeal.isAppeal(Array("Wie Sie sehen, bietet der Remote Support mit Smart Glasses unseren Kunden viele Vorteile.".utf8)), "Support as a noun")
        #expect(ReaderAppeal.isAppeal(Array("Please support our journalism.".utf8)))
    }

    @Test("a labelled link to another article goes, in any language; a linked sentence in prose stays")
    func labelledLinkGoes() throws {
        let html = Self.page("""
            \(Self.paragraphs(0..<2))
            <p><strong>READ ALSO:</strong> <a href="/2023/otters">Are otters back for good below the bridge?</a></p>
            <p><b>À lire aussi »</b> <a href="/2023/digue">La digue tiendra-t-elle cet hiver ?</a></p>
            <p>Its findings: <a href="/survey.pdf">the weir holds, the ladder works.</a></p>
            \(Self.paragraphs(2..<5))
            """)
        let text = try body(html)
        for p in Self.prose { #expect(text.contains(p)) }
        #expect(!text.contains("otters back"))
        #expect(!text.contains("READ ALSO"))
        #expect(!text.contains("La digue"))
        #expect(text.contains("Its findings: the weir holds"), "a label without a separator at its end is prose")
    }

    @Test("credit and source lines go wherever they stand; a sentence that mentions a photo stays")
    func creditLinesGo() throws {
        let kept = "Photo: the ladder from the top pool, taken by the authority's engineers on the opening day of the season."
        let html = Self.page("""
            \(Self.paragraphs(0..<2))
            <p><em>Foto: Anna Weber/picture-alliance</em></p>
            <p class="image-annotation"><em class="copyright">&#169;&nbsp;River Authority | J. Smith</em></p>
            <p>The old weir seen from the footbridge. © AFP / JOHN DOE</p>
            \(Self.paragraphs(2..<5))
            <p>\(kept) It shows all thirty pools.</p>
            <p><em>(Credit: River News / Graphics desk)</em></p>
            """)
        let text = try body(html)
        for p in Self.prose { #expect(text.contains(p)) }
        #expect(!text.contains("Anna Weber"))
        #expect(!text.contains("J. Smith"))
        #expect(!text.contains("JOHN DOE"))
        #expect(!text.contains("Graphics desk"))
        #expect(text.contains(kept), "a paragraph of two sentences that starts with 'Photo:' is prose")
    }

    @Test("a lone teaser card between paragraphs goes with its box title; a heading linked once stays")
    func loneTeaserGoes() throws {
        let html = Self.page("""
            \(Self.paragraphs(0..<2))
            <div class="contentbox"><div class="boxhead">More information</div>
            <div class="card"><a href="/2023/eels"><img src="/eels.jpg" alt=""></a>
            <h2><a href="/2023/eels">Eels follow the salmon upstream</a></h2>
            <p>Counters at the weir saw young eels climb the ladder's side channel. <a href="/2023/eels">more</a></p></div></div>
            \(Self.paragraphs(2..<4))
            <h2><a href="/history">A weir with a long history</a></h2>
            \(Self.paragraphs(4..<5))
            """)
        let text = try body(html)
        for p in Self.prose { #expect(text.contains(p)) }
        #expect(!text.contains("Eels follow"))
        #expect(!text.contains("young eels"))
        #expect(!text.contains("More information"), "the box title of the removed teaser stayed")
    }

    @Test("text wrapped in a javascript: link is the page's text; a javascript: button is still a link")
    func scriptLinksAroundBlocksAreNotNavigation() throws {
        let wrapped = Self.page("""
            <a href="javascript:void(0)">\(Self.paragraphs(0..<3))</a>
            """)
        let text = try body(wrapped)
        for p in Self.prose[0..<3] { #expect(text.contains(p)) }

        // The same paragraphs in an ordinary link are a link block: no article.
        let linked = Self.page("""
            <a href="/elsewhere">\(Self.paragraphs(0..<3))</a>
            """)
        #expect(throws: ExtractionError.self) { try body(linked) }

        let buttons = Self.page("""
            \(Self.paragraphs(0..<5))
            <div class="gallery"><a href="javascript:void(0)">Back to the gallery of the fish ladder</a>
            <a href="javascript:;">Open the next picture of the new pools</a></div>
            """)
        #expect(!(try body(buttons)).contains("Back to the gallery"))
    }

    @Test("links that open a list holding prose are the article's list; a list of bare links before the article goes")
    func articleListOpenedByLinksStays() throws {
        let html = Self.page("""
            <ul class="crumbs"><li><a href="/">Home news from the valley</a></li><li><a href="/rivers">Rivers and weirs of the county</a></li></ul>
            <h3>Highlights</h3>
            <ul>
            <li><a href="/2023/review">Read our year on the river in review</a></li>
            <li><a href="/2023/photos">See the best photos of the season</a></li>
            <li>\(Self.prose[0])</li>
            <li>\(Self.prose[1])</li>
            </ul>
            \(Self.paragraphs(2..<5))
            """)
        let text = try body(html)
        for p in Self.prose { #expect(text.contains(p)) }
        #expect(text.contains("Read our year on the river in review"))
        #expect(text.contains("See the best photos of the season"))
        #expect(!text.contains("Home news from the valley"))
    }

    @Test("a list whose items are mostly their own words around a link stays; a list of headline links goes")
    func listOfLinkedSentencesStays() throws {
        let html = Self.page("""
            \(Self.paragraphs(0..<3))
            <h4>Who helped this season</h4>
            <ul>
            <li>Ann Lee <a href="/t/1">cleared the top pools of fallen branches</a> after the October storm</li>
            <li>Bo Park <a href="/t/2">fixed the housing of the counting camera</a> before the spring flood</li>
            <li>Cy Diaz <a href="/t/3">mapped the side channel young eels use</a> to climb past the weir</li>
            </ul>
            \(Self.paragraphs(3..<5))
            <h4>More from the river desk</h4>
            <ul>
            <li><a href="/a">Otters seen again below the town bridge</a> (May 2)</li>
            <li><a href="/b">New footpath opens along the east bank</a> (May 9)</li>
            <li><a href="/c">Council votes to fund a second fish pass</a> (May 16)</li>
            </ul>
            """)
        let text = try body(html)
        for p in Self.prose { #expect(text.contains(p)) }
        // Over half of the list's text is linked, but every item says something of its own.
        #expect(text.contains("cleared the top pools"))
        #expect(text.contains("mapped the side channel"))
        #expect(!text.contains("Otters seen again"))
        #expect(!text.contains("More from the river desk"))
    }

    @Test("a weak hint on the class of most of the article's paragraphs does not remove them; on one box it does")
    func weakHintOnTheArticlesOwnParagraphs() throws {
        let html = Self.page("""
            <p>\(Self.prose[0])</p>
            \(Self.prose[1...].map { "<p class=\"paywall\">\($0)</p>" }.joined(separator: "\n"))
            <div class="promo"><p>Our weekend guide to the best riverside walks is out now.</p></div>
            """)
        let text = try body(html)
        for p in Self.prose { #expect(text.contains(p)) }
        #expect(!text.contains("riverside walks"), "a single promo box is still furniture")
    }

    @Test("an article wrapped in an <aside> by its theme is kept; a small aside in it still goes")
    func articleInsideAnAside() throws {
        let html = """
            <!DOCTYPE html><html lang="en"><head><title>Salmon return to the mill weir | River News</title></head><body>
            <nav><a href="/">Home</a> <a href="/rivers">Rivers</a></nav>
            <main><aside class="direct-content"><section itemscope itemtype="https://schema.org/Article">
            <h1>Salmon return to the mill weir</h1>
            \(Self.paragraphs(0..<3))
            <aside class="factbox"><p>Fish ladder: 30 pools, opened in May, cost 1.2 million.</p></aside>
            \(Self.paragraphs(3..<5))
            </section></aside></main>
            </body></html>
            """
        let text = try body(html)
        for p in Self.prose { #expect(text.contains(p)) }
        #expect(!text.contains("30 pools"))
    }

    @Test("a blog theme's post-meta line (date, author, category, comment count) before the article goes")
    func postMetaLineGoes() throws {
        let html = Self.page("""
            <p>Friday | 14. June 2019 | 15:49 by Jane Doe in <a href="/c/rivers">Rivers</a> | 0 Comments</p>
            \(Self.paragraphs(0..<5))
            <p>Asked about the 3 comments the plan drew, the authority said all of them had been answered in the final design.</p>
            """)
        let text = try body(html)
        for p in Self.prose { #expect(text.contains(p)) }
        #expect(!text.contains("0 Comments"))
        #expect(text.contains("the 3 comments the plan drew"), "a count of comments inside the article is text")

        // A first paragraph that reports a count of comments is the article's, not a meta line.
        let lead = "The weir plan drew 300 comments from anglers before Tuesday's vote, the river authority said."
        let opening = try body(Self.page("<p>\(lead)</p>\n\(Self.paragraphs(0..<5))"))
        #expect(opening.hasPrefix(lead))
    }

    @Test("a body that opens with its own <h1> takes no lead from before it; a dek between the page's <h1> and the body does")
    func leadOnlyFromTheArticlesHeader() throws {
        // A page builder's body: an <h1> per section, the post's meta line above it (removed), and
        // another post's excerpt after it. The excerpt is no lead of this article.
        let teaser = """
            <!DOCTYPE html><html lang="en"><head><title>Salmon return | River News</title></head><body>
            <div id="main"><div class="featured"><div class="title-wrap"><div><h2>Salmon return!</h2>
            <div id="meta"><p>Friday | 14. June 2019 | 15:49 by Jane Doe in <a href="/c">Rivers</a> | 0 Comments</p></div></div></div>
            <div class="entry"><div class="w"><div class="w2"><h1 class="heading-title">Salmon return to the weir</h1></div>
            <div class="w3"><p>\(Self.prose[0])</p></div>
            <div class="w4"><h1 class="heading-title">Thirty pools</h1></div>
            <div class="w5"><p>\(Self.prose[1])</p><p>\(Self.prose[2])</p></div>
            <div class="w6"><p>\(Self.prose[3])</p></div></div></div>
            <div class="related"><div class="post"><h1>Summer sale</h1><div class="post-excerpt"><p>Summer sale on waders: the shop has cut the price of every pair in stock until the end of the month, so get yours now.</p></div></div></div>
            </div></body></html>
            """
        let text = try body(teaser)
        for p in Self.prose[0..<4] { #expect(text.contains(p)) }
        #expect(!text.contains("Summer sale on waders"))
        #expect(!text.contains("0 Comments"))

        let dek = """
            <!DOCTYPE html><html lang="en"><head><title>Salmon return to the mill weir | River News</title></head><body>
            <div class="story"><header><h1>Salmon return to the mill weir</h1>
            <p class="standfirst">For the first time in ninety years, fish can pass the old weir on their way upstream.</p></header>
            <div class="story-body">\(Self.paragraphs(0..<5))</div></div>
            </body></html>
            """
        #expect(try body(dek).hasPrefix("For the first time in ninety years"))
    }

    @Test("a gallery's title on every slide goes; a reply the article repeats stays")
    func titleRepeatedOnEverySlideGoes() throws {
        let slides = (1...4).map { "<div><img src=\"/p\($0).jpg\" alt=\"\"><p>Fish ladder in pictures</p></div>" }.joined(separator: "\n")
        let html = Self.page("""
            \(Self.paragraphs(0..<2))
            <p>"Will it work?"</p><p>No answer.</p>
            \(slides)
            \(Self.paragraphs(2..<4))
            <p>"Will the salmon come?"</p><p>No answer.</p><p>"Next year, then?"</p><p>No answer.</p>
            \(Self.paragraphs(4..<5))
            """)
        let text = try body(html)
        for p in Self.prose { #expect(text.contains(p)) }
        #expect(!text.contains("Fish ladder in pictures"))
        #expect(text.components(separatedBy: "No answer.").count == 4, "a repeated short reply is the article's")
    }

    @Test("a dateline with a year and a clock time before the article goes; a line with only one of them stays")
    func datelineBeforeTheArticleGoes() throws {
        let html = Self.page("""
            <p>on May 12, 2025 at 9:24 AM, updated May 12, 2025 at 10:05 AM</p>
            <p>The Weir and the Mill · River Authority annual report (2025)</p>
            <p>The opening began at 10:30 with a short speech by the mayor</p>
            \(Self.paragraphs(0..<5))
            """)
        let text = try body(html)
        for p in Self.prose { #expect(text.contains(p)) }
        #expect(!text.contains("9:24 AM"))
        #expect(text.contains("River Authority annual report (2025)"), "a year alone does not make a dateline")
        #expect(text.contains("The opening began at 10:30"), "a clock time alone does not make a dateline")
    }
}
