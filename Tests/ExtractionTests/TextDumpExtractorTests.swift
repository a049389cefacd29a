import Articles
import Foundation
import Testing
import TestSupport
@testable import Extraction

@Suite struct TextDumpExtractorTests {
    static let fetchedAt = Timestamp(secondsSinceEpoch: 1_755_345_600) // 2025-08-16T12:00:00Z

    func fixture(_ name: String) throws -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
        return [UInt8](try Data(contentsOf: url))
    }

    /// The main story of a dump written in the test.
    func mainStory(of dump: String) throws -> Article {
        let ctx = ExtractionContext(url: "https://example.test/story", fetchedAt: Self.fetchedAt)
        return try #require(try TextDumpExtractor().extract(Array(dump.utf8), context: ctx).first)
    }

    func extract(_ name: String) throws -> [Article] {
        let ctx = ExtractionContext(url: "https://example.test/story", fetchedAt: Self.fetchedAt)
        return try TextDumpExtractor().extract(try fixture(name), context: ctx)
    }

    @Test func harborCourierMainStoryAndRelatedStories() throws {
        let articles = try extract("dump-harbor-courier.txt")
        // Main story + two related stories with text; the text-less card is dropped.
        #expect(articles.count == 3)
        let main = try #require(articles.first)
        #expect(main.title == "Tidal power plant opens on the northern estuary after decade of delays")
        #expect(main.source == "Harbor Courier")
        #expect(main.publishedAt == Timestamp(secondsSinceEpoch: Self.fetchedAt.secondsSinceEpoch - 5 * 3600))
        #expect(main.authors == ["Ana Lucía Pérez", "Tom O'Neil"])
        #expect(main.url == "https://example.test/story")
        #expect(main.text.hasPrefix("The long-promised tidal power station"))
        #expect(main.text.hasSuffix("before the end of next year."))
        #expect(!main.text.contains("Photo: Reuters"))
        #expect(!main.text.contains("Advertisement"))
        #expect(!main.text.contains("Copyright"))
        #expect(!main.text.contains("app"))
        #expect(!main.text.contains("Tidal power plant opens"), "title must not be repeated in the body")
        #expect(main.text.components(separatedBy: "\n\n").count == 4)
        #expect(articles[1].title == "Ferry timetable changes announced for the winter season")
        #expect(articles[1].source == "Harbor Courier")
        #expect(articles[1].text.hasPrefix("The island ferry operator"))
        #expect(articles[1].url == nil)
        #expect(articles[1].publishedAt == Timestamp(secondsSinceEpoch: Self.fetchedAt.secondsSinceEpoch - 3 * 86_400))
        #expect(articles[2].publishedAt == Timestamp(secondsSinceEpoch: Self.fetchedAt.secondsSinceEpoch - 3600))
        #expect(articles[2].source == "Coastal Weekly")
        #expect(articles[2].text.hasPrefix("Volunteers spent two summers"))
    }

    @Test func valleyTimesShoutedBylineAndDashSource() throws {
        let articles = try extract("dump-valley-times.txt")
        #expect(articles.count == 1)
        let a = try #require(articles.first)
        #expect(a.title == "City council approves new cycling lanes for the old town")
        #expect(a.source == "Valley Times")
        #expect(a.authors == ["Marta Kowalska-Nowak"])
        #expect(a.publishedAt == Timestamp(secondsSinceEpoch: Self.fetchedAt.secondsSinceEpoch - 2 * 86_400))
        #expect(a.text.hasSuffix("festival season begins."))
        #expect(!a.text.contains("AI"))
        #expect(!a.text.contains("Publishing"))
    }

    @Test func coastalWeeklyWithoutRepeatedTitle() throws {
        let articles = try extract("dump-coastal-weekly.txt")
        #expect(articles.count == 1)
        let a = try #require(articles.first)
        #expect(a.title == "Harbour seals return to the bay after twenty years")
        #expect(a.source == "Coastal Weekly")
        #expect(a.authors == ["Priya Natarajan"])
        #expect(a.publishedAt == Timestamp(secondsSinceEpoch: Self.fetchedAt.secondsSinceEpoch - 6 * 3600))
        #expect(a.text.hasPrefix("Marine biologists counted"))
        #expect(a.text.hasSuffix("along the shore path."))
        #expect(!a.text.contains("Share"))
        #expect(!a.text.contains("Home News"))
    }

    /// A dump in the shape of a headless text dump: the document title first, a menu, the headline,
    /// a newsletter box inside the article, comments, a teaser list and a story card after it.
    @Test func headlessDumpWithMenuPromoAndComments() throws {
        let articles = try extract("dump-lakeside-gazette.txt")
        let main = try #require(articles.first)
        #expect(main.title == "Night ferry service returns to the lake after a two-year pause", "the headline line that the document title starts with")
        #expect(main.authors == ["Tomasz Wierzbicki"])
        #expect(main.publishedAt == Timestamp(secondsSinceEpoch: Self.fetchedAt.secondsSinceEpoch - 2 * 3600))
        #expect(main.language == "en")
        #expect(main.text.hasPrefix("The night ferry between Eastport"))
        #expect(main.text.hasSuffix("to match the new sailings."), "the newsletter box inside the article does not end it")
        #expect(main.text.components(separatedBy: "\n\n").count == 6)
        for junk in ["Sign in", "Share on", "Newsletter", "Subscribe", "waited for this", "Reply", "Old lighthouse", "Rowing club", "All rights"] {
            #expect(!main.text.contains(junk), "main body contains \(junk)")
        }
        // The teaser list without text is no story; the card with its own prose is.
        #expect(articles.count == 2)
        #expect(articles.dropFirst().first?.title == "Rowing club plans a festival on the north shore")
        #expect(articles.dropFirst().first?.source == "Lakeside Gazette")
        #expect(articles.dropFirst().first?.text.hasPrefix("The rowing club of the north shore") == true)
    }

    /// The page rules for credits and the site's appeals apply to dumps too: a credit line between
    /// paragraphs and the subscribe/follow lines after the story leave the body.
    @Test func creditLinesAndTrailingAppealsLeaveTheBody() throws {
        let paragraphs = [
            "The county opened the rebuilt river footbridge on Saturday morning, eleven months after the spring flood carried away its middle span and cut the two halves of the village apart.",
            "Engineers raised the new deck by almost a metre and anchored it on concrete piers set deeper into the riverbed, so that a flood of the same height would now pass beneath it.",
            "Shopkeepers on the east bank said trade had fallen by a third while customers from the other side had to drive round by the main road bridge, a detour of twelve kilometres.",
        ]
        let dump = """
            Footbridge reopens eleven months after the flood
            By Mara Jensen
            \(paragraphs[0])
            Foto: Peter Holm/Valley Press Agency
            \(paragraphs[1])
            \(paragraphs[2])
            Subscribe now to our weekend edition for the full story.
            Follow us on Twitter and Instagram.
            """
        let main = try mainStory(of: dump)
        for p in paragraphs { #expect(main.text.contains(p)) }
        #expect(!main.text.contains("Peter Holm"))
        #expect(!main.text.contains("Subscribe now"))
        #expect(!main.text.contains("Follow us"))
    }

    /// A caption printed with its credit at the end ("… Photograph: …/Agency") leaves the body;
    /// prose that merely mentions a photo stays.
    @Test func captionEndingInItsCreditLeavesTheBody() throws {
        let paragraphs = [
            "The rowing club held its first spring regatta on the canal since the lock gates were replaced, and more than forty crews from three counties took part in the races.",
            "Members of the rowing club carry their boat down to the water before the final race. Photograph: Jan Berg/Harbour Images",
            "The organisers said the new gates had made the water calmer along the course, which allowed the junior crews to race over the full distance for the first time.",
            "A photo: that was all the winning crew asked for at the end of the day, before they carried the boat back to the boathouse for the evening.",
        ]
        let dump = """
            Rowing club returns to the canal for its spring regatta
            \(paragraphs.joined(separator: "\n"))
            """
        let ctx = ExtractionContext(url: "https://example.test/regatta", fetchedAt: Self.fetchedAt)
        let main = try #require(try TextDumpExtractor().extract(Array(dump.utf8), context: ctx).first)
        #expect(!main.text.contains("Harbour Images"))
        #expect(main.text.contains(paragraphs[0]))
        #expect(main.text.contains(paragraphs[2]))
        #expect(main.text.contains(paragraphs[3]))
        #expect(CaptionCredit.endsInCredit(Array("Die Spielerin jubelt nach dem Matchball Bild: AFP/SID/Max Muster".utf8)[...]))
        #expect(CaptionCredit.endsInCredit(Array("Vista del puerto al amanecer. Foto: Agencia Ejemplo".utf8)[...]))
        #expect(!CaptionCredit.endsInCredit(Array("Foto: Agencia Ejemplo".utf8)[...]), "a credit line of its own is CreditLine's")
        #expect(!CaptionCredit.endsInCredit(Array("He kept one photo: the crew on the quay. It hangs in the boathouse now.".utf8)[...]))
    }

    /// Headline-like lines after the story's last sentence (teasers, tag and "Posted by" lines)
    /// leave the body; the story ends on its last sentence.
    @Test func trailingHeadlinesLeaveTheBody() {
        let lines = [
            "The ferry company will add a late crossing on Fridays and Saturdays from the first weekend of June, the harbour office said on Monday.",
            "Tickets for the new crossing go on sale next week, at the same price as the crossings during the day.",
            "Posted by the harbour desk at 9:15 AM",
            "Island library extends its opening hours for the summer holidays",
        ]
        let a = TextDumpExtractor.analyse(Array(lines.joined(separator: "\n").utf8))
        let text = StoryBuilder().bodyText(a, Array(0..<lines.count), minChars: true)
        #expect(text == lines[0] + "\n\n" + lines[1])
        var counts = SIMD16<UInt16>()
        let sentence = LineFeatures.compute(Array(lines[1].utf8)[...], stopwordCounts: &counts)
        let headline = LineFeatures.compute(Array(lines[3].utf8)[...], stopwordCounts: &counts)
        #expect(!StoryBuilder().isTrailingHeadline(sentence))
        #expect(StoryBuilder().isTrailingHeadline(headline))
    }

    /// The main story ends at its comment section's count header ("3 responses to …"): the
    /// comments after it are not the story, and a count header alone is no comment section.
    @Test func mainStoryEndsAtTheCommentCount() throws {
        let story = [
            "The village choir sang in the restored chapel on Sunday for the first time since the roof was repaired, and every seat in the small nave was taken long before the start.",
            "The restoration took two winters, because the old oak beams had to be dried slowly before the carpenters could fit them back into the walls of the chapel.",
        ]
        let comments = [
            "What a lovely evening it was, and the chapel looks better than it has in all the years I have lived in the village, thank you to everyone who helped.",
            "My grandmother was married in that chapel in the fifties and she would have been so happy to hear the choir singing there again after all this time.",
        ]
        let dump = """
            Choir sings again in the restored chapel
            \(story.joined(separator: "\n"))
            3 responses to “Choir sings again in the restored chapel”
            \(comments.joined(separator: "\n"))
            """
        let ctx = ExtractionContext(url: "https://example.test/chapel", fetchedAt: Self.fetchedAt)
        let main = try #require(try TextDumpExtractor().extract(Array(dump.utf8), context: ctx).first)
        #expect(main.text == story.joined(separator: "\n\n"))
        // The count after a word ("There are 2 comments") ends the story too.
        let worded = dump.replacingOccurrences(of: "3 responses to “Choir sings again in the restored chapel”", with: "There are 2 comments")
        let main2 = try #require(try TextDumpExtractor().extract(Array(worded.utf8), context: ctx).first)
        #expect(main2.text == story.joined(separator: "\n\n"))
        #expect(CommentCount.matches(Array("142 antworten zu würde des lebens".utf8)))
        #expect(CommentCount.matches(Array("3 kommentare".utf8)))
        #expect(CommentCount.matches(Array("12 comments".utf8)))
        #expect(!CommentCount.matches(Array("2019 was the year the chapel closed".utf8)))
        #expect(!CommentCount.matches(Array("responses to the survey".utf8)))
    }

    /// Soft hyphens (U+00AD) are dropped from dump lines as from HTML text: "Mit\u{AD}tel\u{AD}al\u{AD}ter"
    /// reads and hashes as "Mittelalter".
    @Test func softHyphensLeaveTheDump() throws {
        let story = [
            "Die Win\u{AD}zer am Süd\u{AD}hang ern\u{AD}ten in die\u{AD}sem Herbst frü\u{AD}her als sonst, weil der Sommer lang und tro\u{AD}cken war und die Trau\u{AD}ben schnell reif wurden.",
            "Im Mit\u{AD}tel\u{AD}al\u{AD}ter gehörten die Wein\u{AD}berge dem Klos\u{AD}ter, heute bewirt\u{AD}schaften sie zwölf Familien, die sich die Arbeit und die Keller teilen.",
        ]
        let dump = "Weinlese am Südhang beginnt früher\n" + story.joined(separator: "\n")
        let main = try mainStory(of: dump)
        #expect(!main.text.unicodeScalars.contains("\u{AD}"))
        #expect(main.text.contains("Im Mittelalter gehörten die Weinberge dem Kloster"))
    }

    /// The story is the first prose run under the page title, not a longer run further down: a
    /// comment form's sentences and the comments after a "Leave a comment" barrier do not take its
    /// place, and a title line anchors only the first run after it. The headline may be printed with
    /// a kicker ("Field notes: <title>") while the first line holds the `<title>` with the site.
    @Test func mainStoryIsTheRunUnderTheTitleNotTheLongerCommentsAfterIt() throws {
        let story = [
            "The county opened its second cycle bridge over the canal on Tuesday, eight months after the first one, and the two now carry the whole school route from the northern estates to the town centre.",
            "Engineers built the bridge in one piece on the towpath and lifted it into place overnight, so that barges lost only a single day of passage during the busiest month of the season.",
            "The council expects about two thousand crossings a day once the new term starts, and it will count them with a sensor under the deck for the first year before deciding on a third bridge.",
            "Residents of the canal cottages had asked for lighting on the ramps, and the county has added low lamps that point down at the path so that they do not dazzle the boat crews at night.",
        ]
        // Longer than five times the story: without the barrier rule the comments would win.
        let comments = (1...30).map { k in
            "Reader \(k) wrote that the new bridge has made the morning ride to school much calmer, and that the council should now repair the potholes on the lane that leads to it from the estate."
        }
        let dump = """
            Second cycle bridge opens over the canal | Canal Gazette
            Canal Gazette
            News
            Field notes: Second cycle bridge opens over the canal
            By Mara Quint
            \(story.joined(separator: "\n"))
            Leave a comment
            Your email address will not be published. Required fields are marked with a star and we check every message before it appears below the story.
            Save my name and email in this browser for the next time I comment on a story of this site.
            \(comments.joined(separator: "\n"))
            """
        let main = try mainStory(of: dump)
        #expect(main.title == "Second cycle bridge opens over the canal")
        #expect(main.text == story.joined(separator: "\n\n"))
        #expect(PageTitle.holdsHeadline(Array("Field notes: Second cycle bridge opens over the canal".utf8)[...], Array("Second cycle bridge opens over the canal".utf8)))
        #expect(PageTitle.holdsHeadline(Array("Second cycle bridge opens: what changes for riders".utf8)[...], Array("Second cycle bridge opens".utf8)))
        #expect(!PageTitle.holdsHeadline(Array("Second cycle bridges opens over the canals".utf8)[...], Array("Second cycle bridge opens".utf8)), "inside a word")
        #expect(!PageTitle.holdsHeadline(Array("Why the second cycle bridge opens late this year".utf8)[...], Array("second cycle bridge opens".utf8)), "in the middle")
    }

    /// After the story's end (a gap of short lines: share buttons, tags, the author's name) a little
    /// prose is the site's (an author box, a newsletter note) and leaves the body; after a picture's
    /// short lines in the middle of the story, the long rest of the story stays.
    @Test func furnitureAfterTheStorysEndLeavesTheBody() throws {
        let story = [
            "The orchard cooperative pressed its first cider from the new hillside trees this week, three years after the members planted them on the old sheep pasture above the village.",
            "The members chose old local varieties that ripen late, so that the pressing falls after the school holidays when more hands are free to carry crates down to the barn.",
            "The cooperative sells most of the cider at the Saturday market, and the rest goes to the two inns in the valley, which have asked for twice as much for the coming winter.",
            "The next planting is already marked out along the stream, where the ground stays damp through the summer and the young trees will need less watering in their first years.",
        ]
        let furniture = "Wenna Holt writes about farming and food for the gazette and lives in a cottage at the edge of the valley with two goats and far too many books. She has reported on the markets and the harvests of the region for more than twenty years."
        let dump = """
            Orchard cooperative presses its first cider
            \(story[0])
            \(story[1])
            Share
            Print
            \(story[2])
            \(story[3])
            Share
            Tags
            Wenna Holt
            \(furniture)
            """
        let main = try mainStory(of: dump)
        #expect(main.text == story.joined(separator: "\n\n"))
    }

    /// The standfirst printed between the headline and the story's prose opens the body, as in
    /// pages; a byline with the author's note, a label or a credit line there does not.
    @Test func standfirstBeforeTheProseOpensTheBody() throws {
        let story = [
            "The lighthouse on the outer rock was lit again on Friday night, and the keepers' families watched from the pier as the beam swept over the harbour for the first time since the storm.",
            "The storm had broken the lantern glass and flooded the engine room, and the repairs took the whole winter because the crews could only land on the rock at low tide on calm days.",
        ]
        let dek = "After a winter of repairs, the old light on the outer rock is burning again, and the harbour board wants to open the tower to visitors next summer."
        let dump = """
            Outer rock lighthouse shines again
            By Ivo Marsh, a reporter who has covered the coast and its harbours for the gazette since the late nineties.
            Share
            \(dek)
            Photo: Ivo Marsh / Harbour Board
            \(story.joined(separator: "\n"))
            """
        let main = try mainStory(of: dump)
        #expect(main.text == ([dek] + story).joined(separator: "\n\n"))
    }

    /// "© Name" under a picture is its credit, not the page's copyright notice: the story goes on
    /// after it, without it. A notice with a year or "rights" still ends the story.
    @Test func pictureCreditDoesNotEndTheStory() throws {
        let story = [
            "The river ferry will run every half hour from the spring holidays, the operator said, because the new landing stage lets two boats load at the same time without waiting.",
            "The old landing stage dated from the sixties and had room for only one boat, which meant long queues on summer weekends when the cyclists from the towpath arrived at once.",
        ]
        let after = "The operator also plans a late boat on Fridays and Saturdays for the concert season at the old mill, with tickets sold on board and no booking needed in advance."
        let dump = """
            Ferry doubles its crossings from spring
            \(story.joined(separator: "\n"))
            © Mira Sand
            \(after)
            © 2025 River Weekly. All rights reserved.
            Our newsletter brings you the river news every Friday, with the timetables, the events and the weather for the weekend ahead.
            """
        let main = try mainStory(of: dump)
        #expect(main.text == (story + [after]).joined(separator: "\n\n"))
        var counts = SIMD16<UInt16>()
        let credit = Array("© Mira Sand".utf8)
        #expect(TextDumpExtractor.isPictureCredit(credit[...], LineFeatures.compute(credit[...], stopwordCounts: &counts)))
        let notice = Array("© River Weekly, all rights reserved".utf8)
        #expect(!TextDumpExtractor.isPictureCredit(notice[...], LineFeatures.compute(notice[...], stopwordCounts: &counts)))
    }

    /// Related stories are stories, not the page's furniture: a consent banner and readers' comments
    /// after the comment section opens ("Jane says:") are not published as stories; a story card
    /// after a "Related articles" label is, even below the comments.
    @Test func commentsAndConsentBannersAreNotRelatedStories() throws {
        let story = [
            "The town council approved the new market hall on Tuesday, after two years of debate about its height, its roof and the number of stalls it should hold on the old bus station site.",
            "Building starts in the spring and the hall should open before the next winter market, when the traders who now stand in the square under tents will move inside for good.",
        ]
        let consent = "We use cookies and similar technologies to measure how the site is used and to show you content that fits your interests; you can change your choice at any time in the settings."
        let comment = "I have sold vegetables in that square for thirty years and I will miss the open air, but my knees will not miss the cold mornings, so I am glad the hall is finally coming."
        let related = [
            "The ferry between the two harbours will run every hour from next month, the operator said on Monday, after the second boat returned from its repairs at the shipyard in the north.",
            "Passengers had waited up to two hours at the busiest times during the summer, when only one boat was in service and the queue of cars reached back to the harbour gate.",
        ]
        let dump = """
            Council approves the new market hall | Town Gazette
            Menu
            Council approves the new market hall
            \(story.joined(separator: "\n"))
            Leave a comment
            Anna Field says:
            12 March 2025
            \(comment)
            \(comment)
            Related Articles
            Ferry timetable doubles from next month
            Ferry timetable doubles from next month
            River Gazette · 2 hours ago
            \(related.joined(separator: "\n"))
            """
        let ctx = ExtractionContext(url: "https://example.test/hall", fetchedAt: Self.fetchedAt)
        let articles = try TextDumpExtractor().extract(Array(dump.utf8), context: ctx)
        #expect(articles.map(\.title) == ["Council approves the new market hall", "Ferry timetable doubles from next month"])
        #expect(articles.first?.text == story.joined(separator: "\n\n"))
        // A consent banner under a heading is no story, wherever it stands.
        let banner = TextDumpExtractor.analyse(Array("Your privacy choices on this website\n\(consent)\n\(consent)\n".utf8))
        #expect(!TextDumpExtractor.isRelatedStory(banner, 1..<3, heading: 0, printedTwice: false, after: nil, barriers: [], promos: []))
        #expect(TextDumpExtractor.mentionsCookies(Array("Diese Website verwendet COOKIES.".utf8)[...]))
        #expect(!TextDumpExtractor.mentionsCookies(Array("The cook is here".utf8)[...]))
    }

    @Test func aTitleAnchorsOnlyTheFirstRunAfterIt() {
        let s = StorySegmenter()
        let story = ProseSegment(range: 7..<10, score: 900)
        let formAndList = ProseSegment(range: 19..<55, score: 1_200)
        #expect(s.mainSegment([story, formAndList], titleLines: [5]) == 0)
        // Past a barrier after a whole anchored story, a longer run is its comments.
        let comments = ProseSegment(range: 30..<90, score: 20_000)
        #expect(s.mainSegment([story, comments], titleLines: [5], barriers: [20]) == 0)
        #expect(s.mainSegment([story, comments], titleLines: [5]) == 1, "no barrier: the longer run wins")
        // An anchored run too short for a story (a dek and a byline before a "Comments" link) does not hold it.
        // A video player's forty lines between the headline and the text do not break the anchor.
        let afterPlayer = ProseSegment(range: 48..<60, score: 900)
        let recommended = ProseSegment(range: 70..<120, score: 3_000)
        #expect(s.mainSegment([afterPlayer, recommended], titleLines: [5]) == 0)
        #expect(SortedLines.any([3, 9, 20], in: 4..<10) && !SortedLines.any([3, 9, 20], in: 10..<20) && !SortedLines.any([], in: 0..<5))
        #expect(SortedLines.last([3, 9, 20], before: 9) == 3 && SortedLines.last([3, 9, 20], before: 3) == nil)
        let dek = ProseSegment(range: 7..<9, score: 300)
        #expect(s.mainSegment([dek, comments], titleLines: [5], barriers: [20]) == 1)
    }

    @Test func lineFeaturesAndQuality() {
        var counts = SIMD16<UInt16>()
        let prose = LineFeatures.compute(Array("The ferry will run again from next Friday, the company said on Monday.".utf8)[...], stopwordCounts: &counts)
        #expect(prose.words == 13)
        #expect(prose.sentenceEnds == 1)
        #expect(prose.commas == 1)
        #expect(prose.endsSentence)
        #expect(counts[0] >= 4, "English stopwords: the, will, from, the, on")
        counts = .zero
        let menu = LineFeatures.compute(Array("Home | News | Sport » Travel".utf8)[...], stopwordCounts: &counts)
        #expect(menu.separators == 3)
        #expect(menu.words == 4)
        #expect(counts[0] == 0)
        let cjk = LineFeatures.compute(Array("東京で新しいフェリーが運航を始めた。".utf8)[...], stopwordCounts: &counts)
        #expect(cjk.cjk >= 15 && cjk.kana > 0 && cjk.sentenceEnds == 1)
        let qc = LineQualityClassifier()
        #expect(qc.classify(menu, kind: .text, repeated: false, hasStopwords: true) == .bad)
        // Short lines between prose become prose; between boilerplate, boilerplate.
        #expect(qc.smooth([.good, .short, .good, .bad, .short, .bad], [LineFeatures](repeating: LineFeatures(), count: 6)) == [.good, .good, .good, .bad, .bad, .bad])
    }

    /// A one-word headline ("Ladesäulen-Ausbau.") is the headline part of "Ladesäulen-Ausbau. – Der Blog".
    @Test func oneWordHeadlineIsTheTitlesHeadlinePart() throws {
        let a = TextDumpExtractor.analyse(Array("Ladesäulen-Ausbau. – Der Blog\nMenü\nLadesäulen-Ausbau.\nDie Stadt baut im Frühjahr zwanzig neue Ladesäulen an den Parkplätzen der Schulen.\n".utf8))
        let title = try #require(PageTitle.fromFirstLine(a.lines, a.kinds))
        #expect(title.text == "Ladesäulen-Ausbau.")
        #expect(title.occurrences == [2])
    }

    @Test func pageTitleCutsTheSiteName() {
        #expect(PageTitle.readabilityCut("Harbour seals return to the bay | Nature | Coastal Weekly", repeated: false) == "Harbour seals return to the bay | Nature")
        #expect(PageTitle.readabilityCut("Weather - Coastal Weekly", repeated: false) == "Weather - Coastal Weekly", "too short once cut: the whole title")
        #expect(PageTitle.readabilityCut("Coastal Weekly: Harbour seals return to the bay after twenty years", repeated: false) == "Harbour seals return to the bay after twenty years")
    }

    /// Phrases whose letters include Latin-1 capitals reach the phrase rules like their lower-case
    /// form: the byte pre-check folds them as it folds A–Z.
    @Test func latin1CapitalsReachThePhraseRules() {
        let lines = DumpLines(Array("Ähnliche Artikel\nÀ lire aussi\nVEA TAMBIÉN: el puerto reabre\nähnliche artikel\nÜber uns und die Stadt am Fluss".utf8))
        var scratch: [UInt8] = []
        let kinds = (0..<lines.count).map { LineClassifier.classify(lines, $0, scratch: &scratch) }
        #expect(kinds == [.promo, .promo, .promo, .promo, .text])
    }

    @Test func datelines() {
        #expect(LineClassifier.classify("Nov 18, 2019 at 9:24 pm ET") == .dateline("Nov 18, 2019 at 9:24 pm ET"))
        #expect(LineClassifier.classify("Published: 3 Jan 2019") == .dateline("3 Jan 2019"))
        #expect(LineClassifier.classify("2 min read") == .dateline(nil))
        #expect(LineClassifier.classify("The council met 3 times in 2019 to discuss the plan.") == .text)
    }

    @Test func relativeTimeLinesAreSplitFromTheirSource() {
        #expect(LineClassifier.sourceAndRelativeTime("Japan Herald3 days ago").map { "\($0.0 ?? "-")|\($0.1)" } == "Japan Herald|3 days ago")
        #expect(LineClassifier.sourceAndRelativeTime("time24 minutes ago").map { "\($0.0 ?? "-")|\($0.1)" } == "-|24 minutes ago")
        #expect(LineClassifier.sourceAndRelativeTime("timean hour ago").map { "\($0.0 ?? "-")|\($0.1)" } == "-|an hour ago")
        #expect(LineClassifier.sourceAndRelativeTime("Metro Daily · 1 week ago").map { "\($0.0 ?? "-")|\($0.1)" } == "Metro Daily|1 week ago")
        #expect(LineClassifier.sourceAndRelativeTime("The team lost the game two days ago") == nil)
    }

    @Test func bylineForms() {
        #expect(LineClassifier.byline("By JOHN SMITH") == ["John Smith"])
        #expect(LineClassifier.byline("Author: Li Wei") == ["Li Wei"])
        #expect(LineClassifier.byline("Reporting by Ada Byron, Staff Writer") == ["Ada Byron"])
        #expect(LineClassifier.byline("By the time the rain stopped, the river had already flooded the lower town.") == nil)
    }

    /// Sentence ends and commas of the scripts without a stopword list, and the letters of the
    /// scripts written without spaces, are counted on their bytes.
    @Test func scriptPunctuationAndUnspacedLettersAreCounted() {
        func features(_ line: String) -> LineFeatures {
            var counts = SIMD16<UInt16>()
            return LineFeatures.compute(Array(line.utf8)[...], stopwordCounts: &counts)
        }
        let cases: [(String, sentences: Int, commas: Int, ends: Bool)] = [
            ("قال، ثم سأل؟ وانتهى۔", 2, 1, true),            // Arabic comma, question mark, full stop
            ("नदी बहती है। पुल खुला॥", 2, 0, true),            // Devanagari danda, double danda
            ("নদী খুলেছে। মাছ ফিরেছে।", 2, 0, true),          // Bengali uses the danda
            ("မြစ် ၊ ဆည် ။", 1, 1, true),                     // Myanmar little section, section
            ("ወንዙ ተከፈተ።", 1, 0, true),                       // Ethiopic full stop
            ("Գետը բացվեց։", 1, 0, true),                      // Armenian full stop
            ("ფიქრი გზა", 0, 0, false),                        // Georgian: none of these
        ]
        for c in cases {
            let f = features(c.0)
            #expect(f.sentenceEnds == c.sentences, "\(c.0): \(f.sentenceEnds) sentence ends")
            #expect(f.commas == c.commas, "\(c.0): \(f.commas) commas")
            #expect(f.endsSentence == c.ends, "\(c.0)")
        }
        #expect(features("การไฟฟ้าเปิดโรงไฟฟ้า").unspaced == 20)      // Thai
        #expect(features("ទន្លេ").unspaced == 5)                        // Khmer
        #expect(features("မြစ်").unspaced == 4)                         // Myanmar
        #expect(features("ფიქრი Ⴀ").unspaced == 0)                     // Georgian, U+10A0 included
    }

    /// Arabic prose has no stopword list here and few full stops (sentences run on with "،"): the
    /// script's own commas and question marks must count, or the article reads as boilerplate and a
    /// short notice with three full stops, or the menu around it, is taken instead.
    @Test func arabicScriptPunctuationMakesProse() throws {
        let paragraphs = [
            "افتتحت هيئة النهر سلم الأسماك الجديد عند السد القديم يوم الاثنين، وهو أول ممر للسلمون في هذا الجزء من النهر منذ أكثر من تسعين عاما، بحسب المهندسين الذين أشرفوا على المشروع طوال عامين.",
            "وقال المهندسون إن السلم بني على شكل ثلاثين حوضا صغيرا، كل حوض أعلى من الذي تحته بقليل، حتى تستطيع الأسماك أن تستريح بين القفزات في طريقها إلى أعلى النهر.",
            "وكان الصيادون قد طالبوا بالسلم منذ سنوات طويلة، لأن السد مسجل كمعلم تاريخي، ولا يمكن إزالته، فكان ممر الأسماك الحل الوحيد لإعادة فتح النهر أمام السلمون؟",
            "وستحصي الهيئة الأسماك بكاميرا تحت الماء عند الحوض الأعلى لمدة ثلاثة مواسم، وتنشر الأرقام كل شتاء، بدءا من موسم الخريف الحالي، كما قالت في بيانها.",
        ]
        let dump = """
            عودة السلمون إلى السد القديم - أخبار النهر
            الرئيسية
            أخبار
            رياضة
            فيديو
            عودة السلمون إلى السد القديم
            الاثنين، 12 أيار 2025، آخر تحديث 14:00
            \(paragraphs.joined(separator: "\n"))
            نرحب بتعليقاتكم. نراجع التعليقات قبل نشرها. شكرا لكم على المشاركة في النقاش حول أخبار النهر.
            الأكثر قراءة
            شروط الخدمة | الخصوصية | من نحن
            """
        let main = try mainStory(of: dump)
        #expect(main.text.hasPrefix(paragraphs[0]))
        for p in paragraphs { #expect(main.text.contains(p)) }
        for junk in ["الرئيسية", "رياضة", "شروط الخدمة", "الأكثر قراءة"] { #expect(!main.text.contains(junk), "main body contains \(junk)") }
    }

    /// Thai is written without spaces between words and mostly without sentence punctuation: a
    /// long line without separators is its prose (else every line reads as boilerplate and the
    /// whole dump, menus included, comes out).
    @Test func thaiProseIsFoundByLength() throws {
        // Spaces part phrases, not words, as in Thai news copy.
        let paragraphs = [
            "การไฟฟ้าเปิดโรงไฟฟ้าพลังน้ำขนาดเล็กแห่งใหม่ ริมแม่น้ำปิง เมื่อวันจันทร์ที่ 12 พ.ค. ที่ผ่านมา โดยคาดว่า จะผลิตไฟฟ้าได้เพียงพอ สำหรับบ้านเรือนกว่า 3,000 หลังคาเรือน ในอำเภอใกล้เคียง ตลอดทั้งปี แม้ในช่วงฤดูแล้ง ที่น้ำในแม่น้ำลดลง",
            "วิศวกรผู้ควบคุมโครงการ กล่าวว่า การก่อสร้างใช้เวลาเกือบสองปี และต้องออกแบบ ทางผ่านของปลา ให้สามารถว่ายทวนน้ำได้ ตลอดทั้งปี เพื่อไม่ให้กระทบ ต่อระบบนิเวศของแม่น้ำ และชุมชนริมน้ำ ที่พึ่งพาการประมง เป็นอาชีพหลัก",
            "ชาวบ้านในพื้นที่ ส่วนใหญ่เห็นด้วยกับโครงการนี้ เพราะช่วยลดค่าไฟฟ้า ในชุมชน แต่กลุ่มชาวประมง บางส่วน ยังกังวลเรื่อง ปริมาณปลา ที่อาจลดลง ในฤดูแล้ง ของปีหน้า และขอให้ การไฟฟ้า ติดตามผล อย่างใกล้ชิด ทุกเดือน",
        ]
        let dump = """
            เปิดโรงไฟฟ้าพลังน้ำริมแม่น้ำปิง | ข่าวริมน้ำ
            หน้าแรก
            การเมือง
            เศรษฐกิจ
            สิ่งแวดล้อม
            ติดต่อเรา
            เปิดโรงไฟฟ้าพลังน้ำริมแม่น้ำปิง
            12 พ.ค. 2568
            \(paragraphs.joined(separator: "\n"))
            เรื่องที่เกี่ยวข้อง
            ฝนตกหนักทั่วภาคเหนือ
            เกี่ยวกับเรา | ติดต่อเรา | นโยบายความเป็นส่วนตัว
            """
        let main = try mainStory(of: dump)
        #expect(main.text.hasPrefix(paragraphs[0]))
        for p in paragraphs { #expect(main.text.contains(p)) }
        for junk in ["หน้าแรก", "เศรษฐกิจ", "เรื่องที่เกี่ยวข้อง", "นโยบายความเป็นส่วนตัว"] { #expect(!main.text.contains(junk), "main body contains \(junk)") }
    }

    @Test func proseOnlyDumpHasNoStoryWithoutAHeading() {
        let ctx = ExtractionContext(url: "u")
        #expect(throws: ExtractionError.self) { try TextDumpExtractor().extract(Array("logo\nMenu\nComments\n".utf8), context: ctx) }
    }

    @Test(.enabled(if: SharedCorpora.root != nil, "../shared not found beside the checkout: seed test skipped"))
    func seedDump() throws {
        let url = try #require(SharedCorpora.root).appendingPathComponent("seeds/000_782ab211bf963c56.txt")
        let ctx = ExtractionContext(url: "https://japantoday.example/s", fetchedAt: Self.fetchedAt)
        let articles = try TextDumpExtractor().extract([UInt8](try Data(contentsOf: url)), context: ctx)
        #expect(articles.count == 4)
        let main = try #require(articles.first)
        #expect(main.title == "S Korean president to meet Japanese PM ahead of summit with Trump")
        #expect(main.source == "Japan Today")
        #expect(main.authors == ["Kim Tong-Hyung"])
        #expect(main.text.hasPrefix("South Korean President Lee Jae Myung will meet"))
        #expect(main.text.hasSuffix("contributed from Tokyo."))
        for junk in ["AP Photo", "Copyright", "Orange background", "logo", "Try Our AI Features", "Comments", "DOWNLOAD THE APP"] {
            #expect(!main.text.contains(junk), "main body contains \(junk)")
        }
        #expect(articles.dropFirst().map(\.source) == ["The Mainichi", "The Mainichi", "Yomiuri Shimbun"])
        #expect(main.publishedAt == Timestamp(secondsSinceEpoch: Self.fetchedAt.secondsSinceEpoch - 2 * 86_400))
        #expect(articles[1].publishedAt == Timestamp(secondsSinceEpoch: Self.fetchedAt.secondsSinceEpoch - 24 * 60))
        #expect(articles[2].publishedAt == Timestamp(secondsSinceEpoch: Self.fetchedAt.secondsSinceEpoch - 24 * 60))
        #expect(articles[3].publishedAt == Timestamp(secondsSinceEpoch: Self.fetchedAt.secondsSinceEpoch - 3600))
    }
}
