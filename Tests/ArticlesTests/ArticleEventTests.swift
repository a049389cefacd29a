import Testing
import Articles

@Suite struct ArticleEventTests {
    let article = Article(
        url: "https://Example.com/story?id=7&utm_source=rss#top", entryID: "tag:example.com,2024:7",
        title: "Storm hits the coast", authors: ["Ann Lee"], source: "Example News",
        publishedAt: Timestamp(secondsSinceEpoch: 1_700_000_000), language: "en", summary: "Short.",
        text: "Winds of 100 km/h.\n\nResidents were evacuated.", categories: ["weather"],
        feedURL: "https://example.com/feed.xml")

    @Test func fieldsAreComputed() throws {
        let e = ArticleEvent(article: article, jobID: "job-1", fetchedAt: Timestamp(secondsSinceEpoch: 1_700_000_100))
        #expect(e.articleID == e.contentHash)
        #expect(e.contentHash.count == 64)
        #expect(e.contentHash == SHA256.hex(Array("storm hits the coast\n\nwinds of 100 km/h. residents were evacuated.".utf8)))
        #expect(e.simhash.count == 16)
        #expect(e.canonicalURL == "https://example.com/story?id=7")
        #expect(e.publishedAt == "2023-11-14T22:13:20Z")
        #expect(e.wordCount == 7)
        #expect(e.parserVersion == ParserVersion.current)
    }

    @Test func captionsStayInTheTextButNotInTheHash() {
        var withCaption = article
        withCaption.text = "Winds of 100 km/h.\n\nThe pier under water on Monday.\n\nResidents were evacuated."
        withCaption.captions = ["The pier under water on Monday."]
        let plain = ArticleEvent(article: article, jobID: "j", fetchedAt: nil)
        let e = ArticleEvent(article: withCaption, jobID: "j", fetchedAt: nil)
        #expect(e.contentHash == plain.contentHash)
        #expect(e.simhash == plain.simhash)
        #expect(e.wordCount == plain.wordCount)
        #expect(e.text == withCaption.text)
        let json = String(decoding: e.encodeJSON(), as: UTF8.self)
        #expect(json.contains(#""captions":["The pier under water on Monday."]"#))
        #expect(!String(decoding: plain.encodeJSON(), as: UTF8.self).contains("captions"), "no captions key without captions")
        // A caption that is not a whole paragraph of the text takes nothing out.
        var partial = article
        partial.captions = ["Winds of 100"]
        #expect(ArticleEvent(article: partial, jobID: "j", fetchedAt: nil).contentHash == plain.contentHash)
        var unlisted = withCaption
        unlisted.captions = []
        #expect(ArticleEvent(article: unlisted, jobID: "j", fetchedAt: nil).contentHash != plain.contentHash)
        // A caption printed with an encoded line break at its end ("…Monday.&#10;") still matches.
        var trailing = withCaption
        trailing.text = "Winds of 100 km/h.\n\nThe pier under water on Monday.\n\n\nResidents were evacuated."
        trailing.captions = ["The pier under water on Monday.\n"]
        #expect(ArticleEvent(article: trailing, jobID: "j", fetchedAt: nil).contentHash == plain.contentHash)
        trailing.text = "Winds of 100 km/h.\n\nThe pier under water on Monday.\r\n\nResidents were evacuated."
        trailing.captions = ["The pier under water on Monday.\r"]
        #expect(ArticleEvent(article: trailing, jobID: "j", fetchedAt: nil).contentHash == plain.contentHash)
    }

    @Test("a body of captions only (a gallery) is hashed whole, not as its title alone")
    func galleryOfCaptionsHashesItsCaptions() {
        var one = article, two = article
        one.text = "The pier at dawn.\n\nThe lighthouse in fog."
        one.captions = ["The pier at dawn.", "The lighthouse in fog."]
        two.text = "Boats in the marina.\n\nThe ferry leaving."
        two.captions = ["Boats in the marina.", "The ferry leaving."]
        let a = ArticleEvent(article: one, jobID: "j", fetchedAt: nil), b = ArticleEvent(article: two, jobID: "j", fetchedAt: nil)
        #expect(a.contentHash != b.contentHash)
        #expect(a.wordCount == 8)
    }

    @Test func wordCountOverNonASCIIAndEmptyBodies() {
        // Bytes with the high bit set (0xA0 in "à", 0xC3...) must not count as spaces in the branch-free loop.
        var a = article
        a.text = "à la carte — déjà vu, \u{00A0}naïve café"
        let words = ArticleEvent(article: a, jobID: "j", fetchedAt: nil).wordCount
        #expect(words == a.text.split(whereSeparator: { $0 == " " || $0 == "\u{00A0}" }).count)
        a.text = ""
        #expect(ArticleEvent(article: a, jobID: "j", fetchedAt: nil).wordCount == 0)
    }

    @Test func encodingIsByteIdenticalAndOrdered() throws {
        let a = ArticleEvent(article: article, jobID: "job-1", fetchedAt: Timestamp(secondsSinceEpoch: 5)).encodeJSON()
        let b = ArticleEvent(article: article, jobID: "job-1", fetchedAt: Timestamp(secondsSinceEpoch: 5)).encodeJSON()
        #expect(a == b)
        let v = try JSONReader.parse(a)
        #expect(v["title"]?.stringValue == "Storm hits the coast")
        #expect(v["published_at"]?.stringValue == "2023-11-14T22:13:20Z")
        #expect(v["fetched_at"]?.stringValue == "1970-01-01T00:00:05Z")
        #expect(v["authors"] == .array([.string("Ann Lee")]))
        #expect(v["word_count"]?.intValue == 7)
        let text = String(decoding: a, as: UTF8.self)
        let order = ["\"schema\"", "\"article_id\"", "\"content_hash\"", "\"simhash\"", "\"url\"", "\"canonical_url\"",
                     "\"title\"", "\"authors\"", "\"source\"", "\"published_at\"", "\"language\"", "\"summary\"", "\"text\"",
                     "\"word_count\"", "\"categories\"", "\"feed_url\"", "\"job_id\"", "\"fetched_at\"", "\"parser_version\""]
        var last = text.startIndex
        for key in order {
            let r = try #require(text.range(of: key, range: last..<text.endIndex))
            last = r.upperBound
        }
    }

    @Test func sameStoryDifferentFormattingSameHash() {
        var other = article
        other.title = "STORM  hits the Coast"
        other.text = "Winds of 100 km/h.   Residents were\u{A0}evacuated."
        let a = ArticleEvent(article: article, jobID: "1", fetchedAt: nil)
        let b = ArticleEvent(article: other, jobID: "2", fetchedAt: nil)
        #expect(a.contentHash == b.contentHash)
        other.text = "Winds of 150 km/h. Residents were evacuated."
        #expect(ArticleEvent(article: other, jobID: "2", fetchedAt: nil).contentHash != a.contentHash)
    }
}

extension String {
    func range(of s: String, range: Range<Index>) -> Range<Index>? {
        var i = range.lowerBound
        while i < range.upperBound {
            if self[i...].hasPrefix(s) { return i..<index(i, offsetBy: s.count) }
            i = index(after: i)
        }
        return nil
    }
}
