import ArgumentParser
import Articles
import Extraction
import Foundation

/// `feedworker bench extraction`: whole HTML extraction (parse + content + metadata) on one core,
/// beside two baselines measured in the same run over the same bytes: a bare `memchr` scan for
/// `<` and the tokenizer alone (no tree). A second line does the same for plain-text page dumps:
/// the whole dump extraction beside a bare `memchr` scan for line ends over the same bytes.
struct BenchExtractionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extraction",
        abstract: "Article extraction throughput (pages/s, MB/s, p99 per page, peak RSS) beside tokenize-only and memchr baselines."
    )

    @Option(help: "Folder of HTML pages.") var dir: String = "../shared/corpora/html-articles/pages"
    @Option(help: "A second folder of HTML pages, measured the same way after the first (skipped when missing; \"\" for none).")
    var also: String = "../shared/corpora/boilerplate/pages"
    @Option(help: "Folder of plain-text page dumps (skipped when missing).") var dumps: String = "../shared/corpora/text-dumps/pages"
    @Option(help: "Passes over the corpus.") var rounds: Int = 5

    func run() throws {
        let ctx = ExtractionContext(url: "https://example.test/page", fetchedAt: Timestamp(secondsSinceEpoch: 1_700_000_000))
        try benchPages(dir)
        if !also.isEmpty {
            if FileManager.default.fileExists(atPath: also) { print(""); try benchPages(also) } else { print("\(also) not found, skipped") }
        }
        try benchDumps(ctx)
    }

    /// Whole HTML extraction over the pages of `dir`, beside tokenize-only and memchr baselines.
    func benchPages(_ dir: String) throws {
        let files = try ExtractCommand.listFiles(dir)
        let pages: [[UInt8]] = files.compactMap { FileManager.default.contents(atPath: $0).map { [UInt8]($0) } }
        guard !pages.isEmpty else { throw ValidationError("no pages in \(dir)") }
        let totalBytes = pages.reduce(0) { $0 + $1.count }
        let rssBefore = BenchExtractionCommand.peakRSSKiB()
        let extractor = DocumentExtractor()
        let ctx = ExtractionContext(url: "https://example.test/page", fetchedAt: Timestamp(secondsSinceEpoch: 1_700_000_000))

        // Warm-up.
        var articles = 0
        for p in pages { if let d = try? extractor.extract(p, context: ctx) { articles += d.articles.count } }

        var slowest: [(Double, String)] = []
        var perPage: [Double] = []
        perPage.reserveCapacity(pages.count * rounds)
        let clock = ContinuousClock()
        var total = Duration.zero
        let cpu0 = BenchExtractionCommand.threadCPUSeconds()
        for _ in 0..<rounds {
            for p in pages {
                let t0 = clock.now
                let d = try? extractor.extract(p, context: ctx)
                let dt = clock.now - t0
                if d != nil { articles += 0 }
                total += dt
                perPage.append(Double(dt.components.attoseconds) / 1e15 + Double(dt.components.seconds) * 1000)
            }
            if slowest.isEmpty {
                for (k, f) in files.enumerated() where k < pages.count { slowest.append((perPage[k], (f as NSString).lastPathComponent)) }
            }
        }
        let seconds = Double(total.components.seconds) + Double(total.components.attoseconds) / 1e18
        let cpuSeconds = max(BenchExtractionCommand.threadCPUSeconds() - cpu0, 1e-9)
        perPage.sort()
        let p50 = perPage[perPage.count / 2]
        let p99 = perPage[min(perPage.count - 1, Int(Double(perPage.count) * 0.99))]
        let maxMs = perPage.last ?? 0

        // Baselines over the same bytes.
        var sink = 0
        let tokStart = clock.now
        for _ in 0..<rounds { for p in pages { sink &+= HTMLParser.countTags(p) } }
        let tokDur = clock.now - tokStart
        let memStart = clock.now
        for _ in 0..<rounds { for p in pages { sink &+= BenchExtractionCommand.countLT(p) } }
        let memDur = clock.now - memStart
        let peak = BenchExtractionCommand.peakRSSKiB()

        func secs(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
        let mb = Double(totalBytes * rounds) / 1_000_000
        let n = Double(pages.count * rounds)
        print("corpus: \(pages.count) pages, \(String(format: "%.1f", Double(totalBytes) / 1e6)) MB, \(rounds) rounds, 1 core")
        print(String(format: "extraction (parse+content+metadata): %.0f pages/s  %.1f MB/s  p50 %.2f ms  p99 %.2f ms  max %.2f ms  (%.0f pages/s of thread CPU time)",
                     n / seconds, mb / seconds, p50, p99, maxMs, n / cpuSeconds))
        print(String(format: "baseline tokenize-only:              %.0f pages/s  %.1f MB/s", n / secs(tokDur), mb / secs(tokDur)))
        print(String(format: "baseline memchr('<') scan:           %.0f pages/s  %.1f MB/s", n / secs(memDur), mb / secs(memDur)))
        slowest.sort { $0.0 > $1.0 }
        print("slowest pages: " + slowest.prefix(5).map { String(format: "%@ %.1f ms", $0.1, $0.0) }.joined(separator: ", "))
        print("peak RSS: \(peak / 1024) MB (before this corpus: \(rssBefore / 1024) MB)   [checksum \(sink & 0xff)]")
    }

    /// Text-dump extraction (detection + line model + stories) on one core, beside a memchr
    /// scan for line ends over the same bytes.
    func benchDumps(_ ctx: ExtractionContext) throws {
        guard let files = try? ExtractCommand.listFiles(dumps) else { print("text dumps: \(dumps) not found, skipped"); return }
        let texts: [[UInt8]] = files.compactMap { FileManager.default.contents(atPath: $0).map { [UInt8]($0) } }
        guard !texts.isEmpty else { return }
        let bytes = texts.reduce(0) { $0 + $1.count }
        let extractor = DocumentExtractor()
        var stories = 0
        for t in texts { if let d = try? extractor.extract(t, context: ctx) { stories += d.articles.count } }
        let clock = ContinuousClock()
        let cpu0 = BenchExtractionCommand.threadCPUSeconds()
        let t0 = clock.now
        for _ in 0..<rounds { for t in texts { if let d = try? extractor.extract(t, context: ctx) { stories &+= d.articles.count } } }
        let dt = clock.now - t0
        let cpu = BenchExtractionCommand.threadCPUSeconds() - cpu0
        var sink = 0
        let s0 = clock.now
        for _ in 0..<rounds { for t in texts { sink &+= BenchExtractionCommand.countByte(t, 0x0A) } }
        let st = clock.now - s0
        func secs(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
        let mb = Double(bytes * rounds) / 1_000_000
        let n = Double(texts.count * rounds)
        print("text dumps: \(texts.count) files, \(String(format: "%.1f", Double(bytes) / 1e6)) MB, \(rounds) rounds, 1 core")
        print(String(format: "text-dump extraction (lines+stories):  %.0f dumps/s  %.1f MB/s (%.1f MB/s of thread CPU time)   baseline memchr('\\n') scan: %.1f MB/s   [%d]", n / secs(dt), mb / secs(dt), mb / max(cpu, 1e-9), mb / secs(st), (sink &+ stories) & 0xff))
    }

    /// CPU time of the calling thread (what "per core" means when other processes share the machine).
    static func threadCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func countByte(_ p: [UInt8], _ byte: Int32) -> Int {
        p.withUnsafeBufferPointer { buf -> Int in
            guard var cur = buf.baseAddress else { return 0 }
            let end = cur + buf.count
            var c = 0
            while cur < end, let f = memchr(cur, byte, end - cur) {
                c += 1
                cur = UnsafePointer(f.assumingMemoryBound(to: UInt8.self)) + 1
            }
            return c
        }
    }

    static func countLT(_ p: [UInt8]) -> Int {
        p.withUnsafeBufferPointer { buf -> Int in
            guard var cur = buf.baseAddress else { return 0 }
            let end = cur + buf.count
            var c = 0
            while cur < end, let f = memchr(cur, 0x3C, end - cur) {
                c += 1
                cur = UnsafePointer(f.assumingMemoryBound(to: UInt8.self)) + 1
            }
            return c
        }
    }

    /// VmHWM from /proc/self/status, in KiB (0 where unavailable).
    static func peakRSSKiB() -> Int {
        guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in s.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }
        return 0
    }
}
