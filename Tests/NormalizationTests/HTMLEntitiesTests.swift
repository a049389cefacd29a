import Testing
@testable import Normalization

@Suite struct HTMLEntitiesTests {
    func d(_ s: String) -> String { String(decoding: HTMLEntities.decode(Array(s.utf8)), as: UTF8.self) }

    @Test func namedEntities() {
        #expect(d("Tom &amp; Jerry") == "Tom & Jerry")
        #expect(d("&lt;b&gt; &quot;x&quot; &apos;y&apos;") == "<b> \"x\" 'y'")
        #expect(d("caf&eacute;") == "café")
        #expect(d("&hellip;&mdash;&nbsp;") == "\u{2026}\u{2014}\u{A0}")
        #expect(d("&NotEqualTilde;") == "\u{2242}\u{338}")  // two code points
    }

    @Test func legacyWithoutSemicolon() {
        #expect(d("AT&T &copy 2024") == "AT&T © 2024")
        #expect(d("&ampx") == "&x")
        #expect(d("&notit;") == "¬it;")  // longest legacy prefix "not"
    }

    @Test func numericReferences() {
        #expect(d("&#65;&#x42;&#X43;") == "ABC")
        #expect(d("&#8217;") == "\u{2019}")
        #expect(d("&#150;&#x93;") == "\u{2013}\u{201C}")  // Windows-1252 remap
        #expect(d("&#0;&#xD800;&#x110000;") == "\u{FFFD}\u{FFFD}\u{FFFD}")
        #expect(d("&#128512;") == "😀")
        #expect(d("&#65") == "A")
    }

    @Test func nonReferencesSurvive() {
        #expect(d("a & b && c &; &# &#x; &unknown;") == "a & b && c &; &# &#x; &unknown;")
        #expect(d("trailing &") == "trailing &")
    }

    @Test func tableIsComplete() {
        #expect(HTMLEntities.table.count == 2231)
    }
}
