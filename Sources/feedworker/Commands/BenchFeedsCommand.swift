import ArgumentParser
import Articles
import Feeds
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// `feedworker bench feeds`: MB/s of detect + parse + normalize + hash over a feed corpus, on one
/// core, beside a bare Foundation `XMLParser` SAX pass over the same XML files, plus peak RSS.
struct BenchFeedsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feeds",
        abstract: "Feed parsing throughput (detect+parse+normalize+hash) beside a Foundation XMLParser SAX baseline"
    )

    @Option(help: "Directory of feed files.")
    var dir: String = "../shared/corpora/feeds/files"

    @Option(help: "Seconds per measurement.")
    var seconds: Double = 5

    @Flag(help: "Skip the XMLParser baseline (for profiling).")
    var noBaseline = false

    func run() async throws {
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
        print("corpus: \(files.count) files, \(fmt(Double(totalBytes) / 1e6)) MB (\(xmlFiles.count) XML files, \(fmt(Double(xmlBytes) / 1e6)) MB)")

        // Ours: detect + parse + normalize + hash (ArticleEvent builds canonical text, SHA-256, SimHash).
        var articles = 0, failures = 0
        for f in files { _ = try? FeedParser.parse(f, context: ExtractionContext(url: "")) }  // warm-up
        let ours = measure(seconds: seconds) { () -> Int in
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
        let base = noBaseline ? Result(mbPerSecond: 0, passes: 0) : measure(seconds: seconds) { () -> Int in
            var bytes = 0
            for f in xmlFiles {
                let parser = XMLParser(data: Data(f))
                let delegate = NullDelegate()
                parser.delegate = delegate
                parser.shouldResolveExternalEntities = false
                _ = parser.parse()
                bytes += f.count
            }
            return bytes
        }
        let perPassArticles = articles / max(1, ours.passes)
        print("feedworker detect+parse+normalize+hash: \(fmt(ours.mbPerCPUSecond)) MB/s per CPU-second, \(fmt(ours.mbPerSecond)) MB/s wall (\(ours.passes) passes, \(perPassArticles) articles/pass, \(failures / max(1, ours.passes)) non-feed files/pass)")
        print("baseline Foundation XMLParser SAX (XML files only): \(fmt(base.mbPerCPUSecond)) MB/s per CPU-second, \(fmt(base.mbPerSecond)) MB/s wall (\(base.passes) passes)")
        print("ratio (CPU-time based): \(fmt(ours.mbPerCPUSecond / max(0.001, base.mbPerCPUSecond)))x")
        print("RSS: process baseline \(rssBefore.rssKB / 1024) MB, after loading corpus \(baseline.rssKB / 1024) MB, peak during our run \(peak.hwmKB / 1024) MB → \(fmt(Double(peak.hwmKB - baseline.rssKB) / 1024)) MB above baseline (corpus loaded)")
    }

    struct Result { var mbPerSecond: Double; var passes: Int; var mbPerCPUSecond: Double = 0 }

    /// Runs `pass` repeatedly for `seconds` of wall time. Reports MB per wall second and MB per
    /// second of this thread's CPU time (the one-core figure; robust to other load on the machine).
    func measure(seconds: Double, _ pass: () -> Int) -> Result {
        let clock = ContinuousClock()
        let start = clock.now
        let cpuStart = threadCPUSeconds()
        var bytes = 0, passes = 0
        repeat {
            bytes += pass(); passes += 1
        } while clock.now - start < .milliseconds(Int64(seconds * 1000))
        let elapsed = clock.now - start
        let cpu = threadCPUSeconds() - cpuStart
        let secs = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Result(mbPerSecond: Double(bytes) / 1e6 / secs, passes: passes, mbPerCPUSecond: Double(bytes) / 1e6 / max(cpu, 1e-9))
    }

    func threadCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    func fmt(_ v: Double) -> String { String(format: "%.1f", v) }
}

/// A SAX delegate that does nothing (the baseline measures the parser alone).
final class NullDelegate: NSObject, XMLParserDelegate {}

/// `VmRSS` and `VmHWM` of this process from /proc/self/status (0 where unavailable).
struct MemoryStatus {
    var rssKB: Int
    var hwmKB: Int

    static func read() -> MemoryStatus {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return .init(rssKB: 0, hwmKB: 0) }
        var s = MemoryStatus(rssKB: 0, hwmKB: 0)
        for line in text.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count >= 2, let v = Int(parts[1]) else { continue }
            if parts[0] == "VmRSS:" { s.rssKB = v } else if parts[0] == "VmHWM:" { s.hwmKB = v }
        }
        return s
    }
}
