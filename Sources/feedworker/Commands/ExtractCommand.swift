import ArgumentParser
import Articles
import Extraction
import Feeds
import Foundation
import Normalization

/// `feedworker extract FILE|DIR`: runs detection + extraction on local files and prints the articles.
struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Extract articles from feed, HTML page or text-dump files and print them as JSON.",
        discussion: """
        With --format corpus, prints one JSON object keyed by file name without extension, in the \
        predictions shape of ../shared/tools/score-articles (pages) and score-feeds (feeds). \
        Files that fail are reported on stderr and do not stop the batch.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case json, corpus }

    @Argument(help: "A file or a directory of files.") var path: String
    @Option(help: "The URL the documents were fetched from.") var url: String = ""
    @Option(name: .customLong("fetched-at"), help: "Reference time for relative dates (RFC 3339 or Unix seconds).") var fetchedAt: String?
    @Option(help: "Output format: json (articles) or corpus (score-articles/score-feeds predictions).") var format: Format = .json

    func run() throws {
        let files = try ExtractCommand.listFiles(path)
        let reference = try fetchedAt.map(ExtractCommand.parseTime)
        let extractor = DocumentExtractor()
        var corpus: [String: Any] = [:]
        var all: [[String: Any]] = []
        var failures = 0
        for file in files {
            let id = ExtractCommand.corpusKey(file)
            guard let data = FileManager.default.contents(atPath: file) else {
                FileHandle.standardError.write(Data("\(file): cannot read\n".utf8)); failures += 1; continue
            }
            let ctx = ExtractionContext(url: url, fetchedAt: reference)
            do {
                let doc = try extractor.extract([UInt8](data), context: ctx)
                for w in doc.warnings { FileHandle.standardError.write(Data("\(file): warning: \(w)\n".utf8)) }
                switch format {
                case .json:
                    for a in doc.articles {
                        var o = ArticleJSON.object(a)
                        o["file"] = file
                        o["kind"] = doc.kind.rawValue
                        all.append(o)
                    }
                case .corpus:
                    corpus[id] = ArticleJSON.corpusObject(doc)
                }
            } catch {
                failures += 1
                FileHandle.standardError.write(Data("\(file): \(error)\n".utf8))
                if format == .corpus { corpus[id] = ["articleBody": "", "title": "", "error": error.code] }
            }
        }
        let out: Any = format == .corpus ? corpus : all
        let data = try JSONSerialization.data(withJSONObject: out, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
        if failures > 0 { FileHandle.standardError.write(Data("\(failures) of \(files.count) files produced no article\n".utf8)) }
    }

    static func listFiles(_ path: String) throws -> [String] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw ValidationError("no such file or directory: \(path)")
        }
        if !isDir.boolValue { return [path] }
        let names = try FileManager.default.contentsOfDirectory(atPath: path).filter { !$0.hasPrefix(".") }.sorted()
        return names.map { (path as NSString).appendingPathComponent($0) }
    }

    /// The predictions key of a file: its name without the last extension only
    /// (`die-partei.net.luebeck.html` → `die-partei.net.luebeck`), as the scorers read it.
    static func corpusKey(_ file: String) -> String {
        let name = (file as NSString).lastPathComponent
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    static func parseTime(_ s: String) throws -> Timestamp {
        if let secs = Int64(s) { return Timestamp(secondsSinceEpoch: secs) }
        if let t = DateParser.parse(Array(s.utf8)) { return t }
        throw ValidationError("--fetched-at: not an RFC 3339 time or Unix seconds: \(s)")
    }
}

/// JSON shapes of articles for the CLI.
enum ArticleJSON {
    static func rfc3339(_ t: Timestamp?) -> Any {
        guard let t else { return NSNull() }
        return RFC3339.format(t)
    }

    static func object(_ a: Article) -> [String: Any] {
        [
            "url": a.url ?? NSNull(), "canonical_url": a.canonicalURL ?? NSNull(), "entry_id": a.entryID ?? NSNull(),
            "title": a.title, "authors": a.authors, "source": a.source ?? NSNull(),
            "published_at": rfc3339(a.publishedAt), "language": a.language ?? NSNull(), "summary": a.summary ?? NSNull(),
            "text": a.text, "captions": a.captions, "categories": a.categories, "feed_url": a.feedURL ?? NSNull(),
            "image_url": a.imageURL ?? NSNull(), "content_hash": ArticleEvent(article: a, jobID: "", fetchedAt: nil).contentHash,
        ]
    }

    /// score-articles shape for pages and text dumps (a dump adds `stories`: its other stories,
    /// title and body); a list of entries for feeds.
    static func corpusObject(_ doc: ExtractedDocument) -> [String: Any] {
        if doc.kind == .textDump, let a = doc.articles.first {
            return [
                "title": a.title, "byline": a.authors.isEmpty ? NSNull() : a.authors.joined(separator: ", "),
                "publishedTime": rfc3339(a.publishedAt), "lang": a.language ?? NSNull(), "articleBody": a.text,
                "siteName": a.source ?? NSNull(),
                "stories": doc.articles.dropFirst().map { s -> [String: Any] in ["title": s.title, "body": s.text] },
            ]
        }
        if doc.kind == .htmlPage, let a = doc.articles.first {
            let md = doc.pageMetadata
            let published: Any = md?.publishedRaw ?? (a.publishedAt.map { rfc3339($0) } ?? NSNull())
            return [
                "title": a.title, "byline": md?.byline ?? (a.authors.isEmpty ? NSNull() : a.authors.joined(separator: ", ")),
                "publishedTime": published, "lang": a.language ?? NSNull(), "articleBody": a.text,
                "siteName": a.source ?? NSNull(), "excerpt": a.summary ?? NSNull(),
            ]
        }
        if let feed = doc.feed {
            var w = JSONWriter()
            FeedCorpusFormatter.write(feed, into: &w)
            if let o = try? JSONSerialization.jsonObject(with: Data(w.bytes)) as? [String: Any] { return o }
        }
        return [
            "kind": doc.kind.rawValue,
            "title": doc.feedTitle ?? NSNull(),
            "entries": doc.articles.map { a -> [String: Any] in
                ["title": a.title, "link": a.url ?? NSNull(), "id": a.entryID ?? NSNull(),
                 "published": rfc3339(a.publishedAt), "author": a.authors.first ?? NSNull()]
            },
        ]
    }
}
