import Testing
@testable import Extraction

@Suite struct HTMLParserTests {
    func parse(_ s: String) -> HTMLDocument { HTMLParser.parse(Array(s.utf8)) }

    func text(_ d: HTMLDocument, _ n: Int32) -> String {
        var out = ""
        var k = d.firstChild[Int(n)]
        while k >= 0 {
            if d.tag[Int(k)] == .text { out += String(decoding: d.source[Int(d.lo[Int(k)])..<Int(d.hi[Int(k)])], as: UTF8.self) }
            k = d.following(k, within: n)
        }
        return out
    }

    @Test func impliedParagraphEnds() throws {
        let d = parse("<body><p>one<p>two<div>three</div></body>")
        let body = try #require(d.firstElement(.body))
        let kids = Array(d.children(body)).map { d.tag[Int($0)] }
        #expect(kids == [.p, .p, .div])
    }

    @Test func listItemsAndCellsCloseImplicitly() throws {
        let d = parse("<ul><li>a<li>b<li>c</ul><table><tr><td>1<td>2<tr><td>3</table>")
        let ul = try #require(d.firstElement(.ul))
        #expect(Array(d.children(ul)).count == 3)
        #expect(d.elements(.tr, under: 0).count == 2)
        #expect(d.elements(.td, under: 0).count == 3)
        let tr = d.elements(.tr, under: 0)[0]
        #expect(Array(d.children(tr)).count == 2)
    }

    @Test func rawTextElementsKeepMarkupAsText() throws {
        let d = parse("<script>if (a < b && '</div>') {}</script><title>A &amp; <b>B</b></title><p>x</p>")
        let script = try #require(d.firstElement(.script))
        #expect(text(d, script) == "if (a < b && '</div>') {}")
        let title = try #require(d.firstElement(.title))
        #expect(text(d, title) == "A &amp; <b>B</b>")
        #expect(d.elements(.b, under: 0).isEmpty)
        #expect(d.firstElement(.p) != nil)
    }

    @Test func commentsAndCDATAAreSkipped() throws {
        let d = parse("<p>a<!-- <p>hidden</p> -->b<![CDATA[ c ]]>d<!---->e<?php x ?>f</p>")
        let p = try #require(d.firstElement(.p))
        #expect(text(d, p) == "abdef")
        #expect(d.elements(.p, under: 0).count == 1)
    }

    @Test func voidElementsHaveNoChildren() throws {
        let d = parse("<p>a<br>b<img src=x>c<hr></p>")
        let br = try #require(d.firstElement(.br))
        #expect(d.firstChild[Int(br)] == -1)
        let img = try #require(d.firstElement(.img))
        #expect(d.attribute(img, .src) == "x")
    }

    @Test func attributesQuotedUnquotedAndCase() throws {
        let d = parse("<DIV Class=\"a b\" ID='main' data-x=1 hidden><a HREF=/x rel=author>y</a></DIV>")
        let div = try #require(d.firstElement(.div))
        #expect(d.attribute(div, .class) == "a b")
        #expect(d.attribute(div, .id) == "main")
        #expect(d.hasAttribute(div, .hidden))
        let a = try #require(d.firstElement(.a))
        #expect(d.attribute(a, .href) == "/x")
        #expect(d.attribute(a, .rel) == "author")
    }

    @Test func strayAndMisnestedEndTags() throws {
        let d = parse("</div></span><div><span>a</div>b</span><p>c")
        let div = try #require(d.firstElement(.div))
        #expect(text(d, div) == "a")
        #expect(d.firstElement(.p) != nil)
        #expect(!d.warnings.isEmpty)
    }

    @Test func nestingDepthIsCapped() {
        let deep = String(repeating: "<div>", count: 100_000) + "x"
        let d = HTMLParser.parse(Array(deep.utf8), maxDepth: 64)
        var maxDepth = 0
        for n in 0..<d.count {
            var depth = 0, p = d.parent[n]
            while p >= 0 { depth += 1; p = d.parent[Int(p)] }
            maxDepth = max(maxDepth, depth)
        }
        #expect(maxDepth <= 66)
        #expect(d.warnings.contains { $0.contains("nesting") })
    }

    @Test func truncatedInputTerminates() {
        for s in ["<", "<a", "<a href='", "<!--", "<![CDATA[", "<script>", "</", "<p class=\"x", "<title>t"] {
            let d = parse(s)
            #expect(d.count >= 1)
        }
    }
}
