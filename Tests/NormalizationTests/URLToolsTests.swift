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

    /// Found by `scripts/fuzz url` (docs/fuzzing.md): a host ending in several dots (or an authority
    /// ending in several colons) lost one per call, so canonicalize(canonicalize(x)) != canonicalize(x).
    /// The first two inputs are the fuzzer's, bytes as found.
    @Test func canonicalizeStripsAllTrailingHostDotsAndIsIdempotent() {
        let found: [UInt8] = Array("http://examplRangee.c".utf8) + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x25, 0xBF, 0xBF, 0xBF, 0xBF, 0xBF]
            + Array("6%e2../.".utf8)
        // Third finding: white space that ends the result once the fragment is dropped.
        let third: [UInt8] = Array("https://xnhttps://3/a/./b/t.c/?".utf8) + [0] + Array(repeating: 0x0D, count: 10) + Array("&#frag".utf8) + [0xB6, 0x0D]
        for url in [String(decoding: third, as: UTF8.self), "https://h.example/a\r#f", "https://h.example/a?x=1 &utm_source=z"] {
            let once = URLTools.canonicalize(url)
            #expect(once != nil)
            #expect(once.flatMap(URLTools.canonicalize) == once, "\(url)")
        }
        #expect(URLTools.canonicalize("https://h.example/a\r#f") == "https://h.example/a")
        // Second finding: trailing colons (empty ports) of a malformed authority, one per call.
        for url in [String(decoding: found, as: UTF8.self), "https://Example.com../a", "http://a.b.../", "http://a.b::/x"] {
            let once = URLTools.canonicalize(url)
            #expect(once != nil)
            #expect(once.flatMap(URLTools.canonicalize) == once, "\(url)")
        }
        #expect(URLTools.canonicalize("https://Example.com../a") == "https://example.com/a")
        #expect(URLTools.canonicalize("http://...") == nil)
        #expect(URLTools.canonicalize("http://a.b::/x") == "http://a.b/x")
        // Fourth finding: malformed authorities (a ":" in a host name, stray brackets) are refused.
        let fourth: [UInt8] = Array("https://ExM".utf8) + [0] + Array("::443/a?utm_M:443/".utf8) + [0x9D] + Array("UafeBu?m".utf8)
        #expect(URLTools.canonicalize(String(decoding: fourth, as: UTF8.self)) == nil)
        #expect(URLTools.canonicalize("HTTP://[::1]:1]::/[(z") == nil)
        #expect(URLTools.canonicalize("https://a:443:443/") == nil)
        #expect(URLTools.canonicalize("http://[::1]:8080/x") == "http://[::1]:8080/x")
        #expect(URLTools.canonicalize("https://[2001:db8::1]:443") == "https://[2001:db8::1]/")
        #expect(URLTools.canonicalize("http://a.b:/x") == "http://a.b/x")
    }

    /// Fifth finding (the CI fuzz smoke): "/" followed by a combining mark is one `Character`, so a
    /// character-wise dot-segment pass did not see that slash. Paths, hosts and queries are split
    /// by bytes now.
    @Test func canonicalizeSplitsAtBytesNotCharacters() {
        let combining = "\u{0364}"
        let cases = [
            "http://va.exahttp/\(combining) com/.\u{FFFD}./../a",
            "http://h.example/\(combining)/../x/./y",
            "http://h.example/a/.\(combining)/..",
            "http://h.example.\(combining)/a",
            "http://h.example:\(combining)/a",
            "http://h.example/a?b=1&\(combining)a=2&=\(combining)",
            "http://h.example/?e\u{0301}=1&\u{00E9}=1",
        ]
        for url in cases {
            let once = URLTools.canonicalize(url)
            #expect(once.flatMap(URLTools.canonicalize) == once, "\(url)")
        }
        #expect(URLTools.removeDotSegments("/\(combining)/../x") == "/x")
        #expect(URLTools.removeDotSegments("/a/b/../../c/.") == "/c/")
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
