import Foundation
import Testing
import Articles
import Feeds
import TestSupport

/// Runs every case of `../shared/corpora/gofeed-testdata/parser/{atom,rss,json}` and compares item
/// count, titles, links and dates with the expected JSON.
@Suite struct GofeedCorpusTests {
    struct Outcome { var cases = 0; var agree = 0; var disagreements: [String] = [] }

    static func fold(_ s: String) -> String { Whitespace.fold(s) }

    static func expectedLink(_ item: JSONValue) -> String? {
        if let l = item["link"]?.stringValue { return l }
        if let u = item["url"]?.stringValue { return u }
        if let links = item["links"]?.arrayValue {
            for l in links {
                if let s = l.stringValue { return s }
                let rel = l["rel"]?.stringValue
                if rel == nil || rel == "alternate", let h = l["href"]?.stringValue { return h }
            }
        }
        return nil
    }

    static func run() throws -> Outcome {
        let root = try #require(SharedCorpora.root).appendingPathComponent("corpora/gofeed-testdata/parser")
        var o = Outcome()
        let fm = FileManager.default
        for sub in ["atom", "rss", "json"] {
            let dir = root.appendingPathComponent(sub)
            let names = try fm.contentsOfDirectory(atPath: dir.path).sorted()
            for name in names {
                let input: String, expected: String
                if sub == "json" {
                    guard name.hasSuffix("_expected.json") else { continue }
                    expected = name
                    input = String(name.dropLast("_expected.json".count)) + ".json"
                } else {
                    guard name.hasSuffix(".xml") else { continue }
                    input = name
                    expected = String(name.dropLast(4)) + ".json"
                }
                guard fm.fileExists(atPath: dir.appendingPathComponent(expected).path),
                      fm.fileExists(atPath: dir.appendingPathComponent(input).path) else { continue }
                o.cases += 1
                let bytes = try [UInt8](Data(contentsOf: dir.appendingPathComponent(input)))
                let exp = try JSONReader.parse(try [UInt8](Data(contentsOf: dir.appendingPathComponent(expected))))
                let feed = try? FeedParser.parse(bytes, context: ExtractionContext(url: ""))
                let items = exp["items"]?.arrayValue ?? exp["entries"]?.arrayValue ?? []
                let got = feed?.articles ?? []
                var problems: [String] = []
                if items.count != got.count { problems.append("count \(items.count) != \(got.count)") }
                for (k, item) in items.enumerated() where k < got.count {
                    let a = got[k]
                    if let t = item["title"]?.stringValue, fold(t) != a.title { problems.append("title \"\(t)\" != \"\(a.title)\"") }
                    if let l = expectedLink(item), l != (a.url ?? "") { problems.append("link \(l) != \(a.url ?? "nil")") }
                    let d = item["pubDateParsed"]?.stringValue ?? item["publishedParsed"]?.stringValue
                        ?? item["date_published"]?.stringValue
                    if let d {
                        let want = DateParser.parse(d).map(RFC3339.format).map { String($0.prefix(16)) }
                        let have = a.publishedAt.map(RFC3339.format).map { String($0.prefix(16)) }
                        if want != have { problems.append("date \(d) != \(have ?? "nil")") }
                    }
                }
                if problems.isEmpty { o.agree += 1 } else { o.disagreements.append("\(sub)/\(input): " + problems.joined(separator: "; ")) }
            }
        }
        return o
    }

    @Test(.enabled(if: SharedCorpora.root != nil, "needs ../shared/corpora/gofeed-testdata"))
    func gofeedCasesAgree() throws {
        let o = try Self.run()
        for d in o.disagreements { print("gofeed disagreement:", d) }
        let share = Double(o.agree) / Double(max(1, o.cases))
        print("gofeed cases: \(o.cases), agree: \(o.agree) (\(share))")
        #expect(o.cases > 400)
        #expect(share >= 0.95)
    }
}
