/// Hostile documents generated in memory (nothing large is committed): the shapes that made
/// work per document unbounded before the parser's caps. `PathologicalInputTests` asserts on them
/// and `feedworker bench pathological` measures them; both take them from here.
public enum PathologicalDocuments {
    /// A paragraph of prose, so that a page has an article before its hostile part.
    public static let prose = "<p>" + String(repeating: "The council met on Thursday to discuss the budget for the coming year, and agreed on the main points. ", count: 6) + "</p>"
    /// A line of prose for the text-dump shapes.
    static let dumpProse = String(repeating: "The council met on Thursday to discuss the budget for the coming year, and agreed on the main points. ", count: 2)
    /// The start of a page up to `<body>`.
    public static let head = "<!DOCTYPE html><html><head><title>Pathological page</title></head><body>"

    /// `unit` repeated until the document reaches `bytes`, between `prefix` and `suffix`.
    public static func repeated(_ unit: String, bytes: Int, prefix: String = head + prose, suffix: String = "") -> [UInt8] {
        let u = Array(unit.utf8)
        var out = Array(prefix.utf8)
        out.reserveCapacity(bytes + suffix.utf8.count + u.count)
        while out.count < bytes { out.append(contentsOf: u) }
        out.append(contentsOf: Array(suffix.utf8))
        return out
    }

    /// Name and bytes of each shape, about `n` bytes each; the four nesting shapes `nestedScale`
    /// times that (the tests make them larger so a quadratic cost misses their time bound by far).
    public static func shapes(bytes n: Int, nestedScale: Int = 1) -> [(String, [UInt8])] {
        let nested = n * nestedScale
        var attrs = Array((head + prose + "<div").utf8)
        var k = 0
        while attrs.count < n / 2 { attrs.append(contentsOf: Array(" a\(k)=\"v\"".utf8)); k += 1 }
        while attrs.count < n { attrs.append(contentsOf: Array(" class=x id=y".utf8)) }
        attrs.append(contentsOf: Array(">\(prose)</div></body></html>".utf8))
        return [
            ("nested tables", repeated("<table><tr><td>x", bytes: nested)),
            ("nested divs", repeated("<div>", bytes: nested)),
            ("nested inline", repeated("<b><i>", bytes: nested)),
            ("misnested inline end tags", repeated("<b><div>", bytes: nested / 2) + repeated("</i></b>", bytes: nested / 2, prefix: "")),
            ("flat siblings", repeated("<p>w</p>", bytes: n)),
            ("million attributes", attrs),
            ("deep JSON-LD", repeated("[", bytes: n, prefix: head + "<script type=\"application/ld+json\">", suffix: "</script>" + prose)),
            ("unterminated comment", repeated("x-", bytes: n, prefix: head + prose + "<!--")),
            ("unterminated CDATA", repeated("]x", bytes: n, prefix: head + prose + "<![CDATA[")),
            ("unterminated script", repeated("if(a<b)x();</scrip ", bytes: n, prefix: head + prose + "<script>")),
            ("unterminated attribute quote", repeated("<p a='x ", bytes: n)),
            // A list of link items with no item of prose: the pruner asks once per list whether it
            // holds prose, not once per item.
            ("list of link items", repeated("<li><a href=\"/n\">Council news from the hall</a></li><li>Plain item of the council list</li>", bytes: n,
                                            prefix: head + "<article>" + prose + prose + "<ul>", suffix: "</ul>" + prose + prose + "</article>")),
            // One figure in the article's flow with a caption and a label per child: each kept
            // caption's figure is looked at once, and its caption paragraphs listed once.
            ("figure of captions", repeated("<div><span>Image</span></div><figcaption>The hall seen from the square.</figcaption>", bytes: n,
                                            prefix: head + "<article>" + prose + prose + "<figure>", suffix: "</figure>" + prose + prose + "</article>")),
            ("entity run", repeated("&amp;&lt;&#x41;&eacute;&#99999999;", bytes: n, prefix: head + "<p>", suffix: "</p>")),
            ("unterminated entity", repeated("a", bytes: n, prefix: head + prose + "<p>&")),
            ("deep RSS", repeated("<x>", bytes: n, prefix: "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item><title>T</title><description>")),
            ("deep JSON Feed", repeated("[", bytes: n, prefix: "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"F\",\"items\":[{\"id\":\"1\",\"content_text\":\"x\",\"extra\":")),
            // Plain-text dumps: every recurrence of the headline and every barrier is a line the
            // story rules look at per run.
            ("dump headline on every other line", repeated("Council budget meeting\n\(dumpProse)\n", bytes: n, prefix: "Council budget meeting | Gazette\n")),
            ("dump barrier between every story", repeated("Comments\nCouncil news from the town hall today\n\(dumpProse)\n", bytes: n, prefix: "Council budget meeting | Gazette\n")),
        ]
    }
}
