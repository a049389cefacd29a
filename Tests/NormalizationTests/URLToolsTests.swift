import Testing
@testable import Normalization

@Suite struct URLToolsTests {
    // RFC 3986 §5.4 examples.
    @Test(arguments: [
        ("g", "http://a/b/c/g"), ("./g", "http://a/b/c/g"), ("g/", "http://a/b/c/g/"), ("/g", "http://a/g"),
        ("//g", "http://g"), ("?y", "http://a/b/c/d;p?y"), ("g?y", "http://a/b/c/g?y"), ("#s", "http://a/b/c/d;p?q#s"),
        ("g#s", "http://a/b/c/g#s"), (";x", "http://a/b/c/;x"), ("", "http://a/b/c/d;p?q"), (".", "http://a/b/c/"),
        ("./", "http://a/b/c/"), ("..", "http://a/b/"), ("../", "http://a/b/"), ("../g", "http://a/b/g"),
        ("../..", "http://a/"), ("../../g", "http://a/g"), ("../../../g", "http://a/g"), ("/./g", "http://a/g"),
        ("g.", "http://a/b/c/g."), ("..g", "http://a/b/c/..g"), ("./../g", "http://a/b/g"), ("g/./h", "http://a/b/c/g/h"),
        ("g/../h", "http://a/b/c/h"), ("https://x.org/a/../b", "https://x.org/b"),
    ])
    func resolve(_ ref: String, _ expected: String) {
        #expect(URLTools.resolve(ref, against: "http://a/b/c/d;p?q") == expected)
    }

    @Test func resolveNeedsAbsoluteBase() {
        #expect(URLTools.resolve("g", against: "relative/path") == nil)
        #expect(URLTools.resolve("/x", against: "https://example.com") == "https://example.com/x")
    }

    @Test func canonicalize() {
        #expect(URLTools.canonicalize("HTTP://Example.COM:80/a/./b/../c?utm_source=x&b=2&a=1&fbclid=z#frag")
            == "http://example.com/a/c?a=1&b=2")
        #expect(URLTools.canonicalize("https://example.com:443") == "https://example.com/")
        #expect(URLTools.canonicalize("https://example.com:8443/x?gclid=1&mc_cid=2&mc_eid=3") == "https://example.com:8443/x")
        #expect(URLTools.canonicalize("mailto:a@b.c") == nil)
        #expect(URLTools.canonicalize("https://u:p@Host.example/") == "https://host.example/")
    }
}
