import Articles
import Feeds
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// MB/s of detect + parse + normalize + hash over a feed corpus, on one core, beside a bare
/// Foundation `XMLParser` SAX pass over the same XML files, plus peak RSS (for `feedworker bench feeds`).
public struct FeedsBenchmark: Sendable {
    /// What to measure.
    public struct Options: Sendable, Equatable {
        /// Folder of feed files.
        public var folder: String
        /// Seconds of wall time per measurement.
        public var seconds: Double
        /// Whether to run the `XMLParser` baseline (off for profiling; its figures then read 0).
        public var runsBaseline: Bool

        /// Creates the options.
        public init(folder: String, seconds: Double, runsBaseline: Bool) {
            self.folder = folder
            self.seconds = seconds
            self.runsBaseline = runsBaseline
        }
    }

    /// The options this benchmark runs with.
    public let options: Options

    /// Creates the benchmark.
    public init(_ options: Options) { self.options = options }

    /// Measures the corpus and hands each printable line to `report`, in order.
    /// - Throws: file-system errors while listing the folder.
    public func run(report: (String) -> Void) throws {
        let dir = options.folder
        let fm = FileManager.default
        let names = try fm.contentsOfDirectory(atPath: dir).sorted()
        let rssBefore = MemoryStatus.read()
        var files: [[UInt8]] = []
        for name in names {
            let path = (dir as NSString).appendingPathComponent(name)
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue,
                  let data = fm.contents(atPath: path) else { continue }
            files.append([UInt8](data))
        }
        let totalBytes = files.reduce(0) { $0 + $1.count }
        let xmlFiles = files.filter { FeedFormat.detect($0).map { $0 != .jsonFeed } ?? false }
        let xmlBytes = xmlFiles.reduce(0) { $0 + $1.count }
        let baseline = MemoryStatus.read()
        report("corpus: \(files.count) files, \(fmt(Double(totalBytes) / 1e6)) MB (\(xmlFiles.count) XML files, \(fmt(Double(xmlBytes) / 1e6)) MB)")

        // Ours: detect + parse + normalize + hash (ArticleEvent builds canonical text, SHA-256, SimHash).
        var articles = 0, failures = 0
        for f in files { _ = try? FeedParser.parse(f, context: ExtractionContext(url: "")) }  // warm-up
        let ours = measureThroughput(seconds: options.seconds) { () -> Int in
            var bytes = 0
            for f in files {
                do {
                    let feed = try FeedParser.parse(f, context: ExtractionContext(url: ""))
                    for a in feed.articles {
                        let e = ArticleEvent(article: a, jobID: "bench", fetchedAt: nil)
                        articles &+= e.wordCount > -1 ? 1 : 0
                    }
                } catch { failures += 1 }
                bytes += f.count
            }
            return bytes
        }
        let peak = MemoryStatus.read()

        // Baseline: Foundation XMLParser, bare SAX pass (empty delegate) over the XML files.
        let base = !options.runsBaseline ? Throughput(mbPerSecond: 0, passes: 0) : measureThroughput(seconds: options.seconds) { () -> Int in
            var bytes = 0
            for f in xmlFiles {
                let parser = XMLParser(data: Data(f))
                let delegate = NullXMLParserDelegate()
                parser.delegate = delegate
                parser.shouldResolveExternalEntities = false
                _ = parser.parse()
                bytes += f.count
            }
            return bytes
        }
        let perPassArticles = articles / max(1, ours.passes)
        report("feedworker detect+parse+normalize+hash: \(fmt(ours.mbPerCPUSecond)) MB/s per CPU-second, \(fmt(ours.mbPerSecond)) MB/s wall (\(ours.passes) passes, \(perPassArticles) articles/pass, \(failures / max(1, ours.passes)) non-feed files/pass)")
        report("baseline Foundation XMLParser SAX (XML files only): \(fmt(base.mbPerCPUSecond)) MB/s per CPU-second, \(fmt(base.mbPerSecond)) MB/s wall (\(base.passes) passes)")
        report("ratio (CPU-time based): \(fmt(ours.mbPerCPUSecond / max(0.001, base.mbPerCPUSecond)))x")
        report("RSS: process baseline \(rssBefore.rssKB / 1024) MB, after loading corpus \(baseline.rssKB / 1024) MB, peak during our run \(peak.hwmKB / 1024) MB → \(fmt(Double(peak.hwmKB - baseline.rssKB) / 1024)) MB above baseline (corpus loaded)")
    }

    private func fmt(_ v: Double) -> String { String(format: "%.1f", v) }
}

/// A SAX delegate that does nothing (the baseline measures the parser alone).
final class NullXMLParserDelegate: NSObject, XMLParserDelegate {}
