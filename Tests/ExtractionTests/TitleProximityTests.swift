import Articles
import Testing
@testable import Extraction

/// The block under the page's title heading wins over a longer article-like block elsewhere on
/// the page (`TitleProximity`, `ContentExtractor.Pass.nearTitle`).
@Suite struct TitleProximityTests {
    static let first = [
        "The harbour ferry, which stopped in November for its winter overhaul, carried its first passengers again on Monday morning, a week later than planned, after a late delivery of parts for the engine.",
        "Crews replaced both propellers, repainted the hull and fitted new seats on the upper deck, while the ticket office, closed since autumn, moved to a kiosk beside the new pier, nearer the bus stop.",
        "The operator said that timetables, fares and the bicycle rules stay as they were last summer, although the first crossing now leaves at a quarter past six, fifteen minutes earlier than before.",
        "Commuters from the island, who had used a slower coach route round the bay since November, welcomed the return, and several said the crossing saves them, on a good day, almost an hour.",
    ]
    static let second = [
        "Volunteers at the town library, which opened its doors in 1911, have spent the winter sorting, cleaning and cataloguing a collection of maps, letters and photographs left to it by a local family.",
        "Among the finds are a hand-drawn chart of the estuary, dated 1840, a ledger of the old rope works, a box of glass negatives of the market square and letters sent home from ships in three oceans.",
        "The librarian, who leads the project, said that the papers, fragile after decades in an attic, will be scanned first, then stored in acid-free boxes, and shown to the public in a small exhibition.",
        "Schools have already asked for visits, and the local history society, which meets in the reading room, plans talks on the rope works, the harbour trade and the families named in the letters.",
        "The work is paid for by a grant from the county, by donations from readers, and by the sale of prints made from the negatives, which the library will offer at its counter from the spring.",
        "Anyone who holds letters, photographs or records from the same family is invited to lend them, for copying, to the library, which will return them, with digital copies, within a month.",
    ]

    static let teasers = [
        "Council approves the budget for the new sports hall", "Fishing fleet lands a record catch of herring",
        "Road works on the coast road delayed until the autumn", "Choir from the island wins the regional contest",
        "Weekend weather: sunshine, then showers from the west", "Museum opens a new gallery of maritime paintings",
        "Second-hand book fair returns to the town hall in May", "Lifeboat crew rescues two sailors off the point",
        "Bakery on the quay celebrates its hundredth year", "Night buses to run again on Friday and Saturday",
    ]

    /// An endless-scroll page: the story the page is about, a box of teaser links, then the next
    /// story, longer.
    static func page() -> String {
        func story(_ heading: String, _ paragraphs: [String]) -> String {
            "<div class=\"scroll\"><article><h1>\(heading)</h1><div class=\"txt\">"
                + paragraphs.map { "<p>\($0)</p>" }.joined() + "</div></article></div>"
        }
        return """
        <!DOCTYPE html><html lang="en"><head><title>Harbour ferry returns after winter pause</title></head>
        <body><main>\(story("Harbour ferry returns after winter pause", first))<div class="more"><ul>\(teasers.map { "<li><a href=\"/n\">\($0)</a></li>" }.joined())</ul></div>\(story("Library volunteers sort a family archive", second))</main></body></html>
        """
    }

    @Test func storyUnderTheTitleWinsOverALongerOne() throws {
        let doc = try DocumentExtractor().extract(Array(Self.page().utf8), context: ExtractionContext(url: "https://port.example/ferry"))
        let a = try #require(doc.articles.first)
        for p in Self.first { #expect(a.text.contains(p)) }
        for p in Self.second { #expect(!a.text.contains(p), "the next story was picked") }
    }

    @Test func positionsCountVisibleCharacters() throws {
        let html = "<html><head><title>t</title></head><body><div><h1>Ab cd</h1><script>var x = 1;</script><p>efg</p></div><p>hi</p></body></html>"
        let doc = HTMLParser.parse(Array(html.utf8))
        let prox = TitleProximity(doc)
        let h1 = try #require(doc.firstElement(.h1))
        let ps = doc.elements(.p, under: 0)
        let div = try #require(doc.firstElement(.div))
        #expect(prox.distance(of: div, from: h1) == 0)
        #expect(prox.distance(of: ps[0], from: h1) == 0)
        #expect(prox.distance(of: ps[1], from: h1) == 3)
        #expect(prox.distance(of: h1, from: ps[1]) == nil)
    }
}
