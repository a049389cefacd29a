import Articles
import Feeds
import Foundation
import Testing
@testable import Extraction

/// Issue 11, item 3: hostile shapes, generated here (never committed as files), each of which must end
/// with articles or a clear error, in time linear in its size and with a bounded tree.
///
/// The time bound is a budget per MB that the quadratic behaviour measured in the issue (nested
/// tables at 0.24 MB/s in release, several times slower in a debug build) misses by 10× or more,
/// while leaving room for a debug build on a shared, noisy machine.
@Suite(.serialized) struct PathologicalInputTests {
    /// Seconds allowed per MB of input. A debug build runs the extractor 50–100× slower than a release
    /// one; the nested shapes are 2 MB so that the quadratic cost (12.7 s for 1.6 MB of nested tables in
    /// release before the caps, so ~20 s for 2 MB, and ~1000 s in debug) misses the bound by 10× or more.
    #if DEBUG
    static let secondsPerMB = 40.0
    #else
    static let secondsPerMB = 1.0
    #endif
    static let prose = PathologicalDocuments.prose
    static let head = PathologicalDocuments.head

    static func repeated(_ unit: String, bytes: Int, prefix: String = head + prose, suffix: String = "") -> [UInt8] {
        PathologicalDocuments.repeated(unit, bytes: bytes, prefix: prefix, suffix: suffix)
    }

    /// The generated cases, about `mb` MB each; the nested shapes twice that (see `secondsPerMB`).
    static func cases(mb: Double = 1) -> [(String, [UInt8])] {
        PathologicalDocuments.shapes(bytes: Int(mb * 1_000_000), nestedScale: 2)
    }

    /// Seconds `body` took.
    static func seconds(_ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        let t0 = clock.now
        body()
        let d = clock.now - t0
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    @Test(arguments: cases().map(\.0))
    func endsInTimeWithArticlesOrClearError(name: String) throws {
        let bytes = try #require(Self.cases().first { $0.0 == name }?.1)
        var outcome: Result<ExtractedDocument, ExtractionError>!
        let t = Self.seconds {
            outcome = Result { () throws(ExtractionError) -> ExtractedDocument in
                try DocumentExtractor().extract(bytes, context: ExtractionContext(url: "https://p.example/x"))
            }
        }
        let mb = Double(bytes.count) / 1e6
        #expect(t < Self.secondsPerMB * mb + 0.5, "\(name): \(t) s for \(mb) MB")
        switch outcome! {
        case .success(let doc):
            #expect(!doc.articles.isEmpty, "\(name): no articles and no error")
        case .failure(let error):
            #expect(["too_complex", "no_article", "bad_feed", "not_a_feed"].contains(error.code), "\(name): \(error)")
        }
    }

    @Test func deepNestingKeepsTheProseBeforeIt() throws {
        for unit in ["<table><tr><td>x", "<div>", "<b><i>"] {
            let doc = try DocumentExtractor().extract(Self.repeated(unit, bytes: 1_000_000, suffix: "</body></html>"),
                                                      context: ExtractionContext(url: "https://p.example/x"))
            let text = try #require(doc.articles.first?.text)
            #expect(text.contains("The council met on Thursday"), "\(unit)")
        }
    }

    @Test func treeStaysWithinItsCaps() {
        let limits = ExtractionLimits()
        for (name, bytes) in Self.cases() {
            let doc = HTMLParser.parse(bytes, limits: limits)
            #expect(doc.count <= limits.maxHTMLNodes + 1, "\(name): \(doc.count) nodes")
            // At most one value per known attribute name per element.
            #expect(doc.attributes.count <= 24 * doc.count, "\(name): \(doc.attributes.count) attributes")
        }
    }

    @Test func capsTruncateWithAWarning() {
        var limits = ExtractionLimits()
        limits.maxHTMLNodes = 1_000
        let flat = Self.repeated("<p>w</p>", bytes: 100_000)
        let doc = HTMLParser.parse(flat, limits: limits)
        #expect(doc.count <= 1_001)
        #expect(doc.truncatedAt != nil)
        #expect(doc.warnings.contains { $0.hasPrefix("document too complex") })

        limits = ExtractionLimits()
        limits.maxHTMLTreeWork = 50_000
        let deep = HTMLParser.parse(Self.repeated("<div>", bytes: 100_000), limits: limits)
        let at = deep.truncatedAt ?? 0
        #expect(at > 0 && at < 100_000)

        let normal = HTMLParser.parse(Array((Self.head + Self.prose + "</body></html>").utf8))
        #expect(normal.truncatedAt == nil)
    }

    @Test func truncatedPageWithoutArticleIsTooComplex() {
        var limits = ExtractionLimits()
        limits.maxHTMLNodes = 200
        // The article comes after 100k empty nested cells: the tree is cut before it.
        let bytes = Self.repeated("<table><tr><td>", bytes: 200_000, prefix: Self.head, suffix: Self.prose)
        #expect(throws: ExtractionError.self) {
            _ = try DocumentExtractor().extract(bytes, context: ExtractionContext(url: "", limits: limits))
        }
        let result = Result { () throws(ExtractionError) -> ExtractedDocument in
            try DocumentExtractor().extract(bytes, context: ExtractionContext(url: "", limits: limits))
        }
        if case .failure(let error) = result { #expect(error.code == "too_complex", "\(error)") }
    }

    @Test func duplicateAttributesKeepTheFirst() throws {
        let doc = HTMLParser.parse(Array("<div class=\"a\" class=\"b\" id=\"i\" id=\"j\">x</div>".utf8))
        let div = try #require(doc.firstElement(.div))
        #expect(doc.attribute(div, .class) == "a")
        #expect(doc.attribute(div, .id) == "i")
        #expect(doc.attributes.count == 2)
    }
}
