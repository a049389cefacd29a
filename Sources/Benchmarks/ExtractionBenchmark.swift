import Articles
import Extraction
import Foundation

/// Whole HTML extraction (parse + content + metadata) on one core, beside two baselines measured in
/// the same run over the same bytes: a bare `memchr` scan for `<` and the tokenizer alone (no tree).
/// A second part does the same for plain-text page dumps: the whole dump extraction beside a bare
/// `memchr` scan for line ends over the same bytes (for `feedworker bench extraction`).
public struct ExtractionBenchmark: Sendable {
    /// What to measure.
    public struct Options: Sendable, Equatable {
        /// Folder of HTML pages.
        public var pagesFolder: String
        /// A second folder of HTML pages, measured the same way after the first (skipped when
        /// missing; `nil` for none).
        public var secondPagesFolder: String?
        /// Folder of plain-text page dumps (skipped when missing).
        public var dumpsFolder: String
        /// Passes over each corpus.
        public var rounds: Int

        /// Creates the options.
        public init(pagesFolder: String, secondPagesFolder: String?, dumpsFolder: String, rounds: Int) {
            self.pagesFolder = pagesFolder
            self.secondPagesFolder = secondPagesFolder
            self.dumpsFolder = dumpsFolder
            self.rounds = rounds
        }
    }

    /// The options this benchmark runs with.
    public let options: Options

    /// Creates the benchmark.
    public init(_ options: Options) { self.options = options }

    /// Measures the corpora and hands each printable line to `report`, in order.
    /// - Throws: ``BenchmarkError/inputMissing(path:)`` or ``BenchmarkError/inputEmpty(folder:)`` when
    ///   the first pages folder has no page, and file-system errors while listing it.
    public func run(report: (String) -> Void) throws {
        let ctx = ExtractionContext(url: "https://example.test/page", fetchedAt: Timestamp(secondsSinceEpoch: 1_700_000_000))
        try measurePages(options.pagesFolder, report: report)
        if let also = options.secondPagesFolder {
            if FileManager.default.fileExists(atPath: also) { report(""); try measurePages(also, report: report) } else { report("\(also) not found, skipped") }
        }
        measureDumps(ctx, report: report)
    }

    /// The paths of a file, or of the files of a folder (no hidden ones), sorted by name.
    static func listFiles(_ path: String) throws -> [String] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw BenchmarkError.inputMissing(path: path)
        }
        if !isDir.boolValue { return [path] }
        let names = try FileManager.default.contentsOfDirectory(atPath: path).filter { !$0.hasPrefix(".") }.sorted()
        return names.map { (path as NSString).appendingPathComponent($0) }
    }

    /// Whole HTML extraction over the pages of `dir`, beside tokenize-only and memchr baselines.
    func measurePages(_ dir: String, report: (String) -> Void) throws {
        let rounds = options.rounds
        let files = try Self.listFiles(dir)
        let pages: [[UInt8]] = files.compactMap { FileManager.default.contents(atPath: $0).map { [UInt8]($0) } }
        guard !pages.isEmpty else { throw BenchmarkError.inputEmpty(folder: dir) }
        let totalBytes = pages.reduce(0) { $0 + $1.count }
        let rssBefore = MemoryStatus.read().hwmKB
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
        let cpu0 = threadCPUSeconds()
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
        let seconds = total.inSeconds
        let cpuSeconds = max(threadCPUSeconds() - cpu0, 1e-9)
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
        for _ in 0..<rounds { for p in pages { sink &+= countByte(p, 0x3C) } }
        let memDur = clock.now - memStart
        let peak = MemoryStatus.read().hwmKB

        let mb = Double(totalBytes * rounds) / 1_000_000
        let n = Double(pages.count * rounds)
        report("corpus: \(pages.count) pages, \(String(format: "%.1f", Double(totalBytes) / 1e6)) MB, \(rounds) rounds, 1 core")
        report(String(format: "extraction (parse+content+metadata): %.0f pages/s  %.1f MB/s  p50 %.2f ms  p99 %.2f ms  max %.2f ms  (%.0f pages/s of thread CPU time)",
                      n / seconds, mb / seconds, p50, p99, maxMs, n / cpuSeconds))
        report(String(format: "baseline tokenize-only:              %.0f pages/s  %.1f MB/s", n / tokDur.inSeconds, mb / tokDur.inSeconds))
        report(String(format: "baseline memchr('<') scan:           %.0f pages/s  %.1f MB/s", n / memDur.inSeconds, mb / memDur.inSeconds))
        slowest.sort { $0.0 > $1.0 }
        report("slowest pages: " + slowest.prefix(5).map { String(format: "%@ %.1f ms", $0.1, $0.0) }.joined(separator: ", "))
        report("peak RSS: \(peak / 1024) MB (before this corpus: \(rssBefore / 1024) MB)   [checksum \(sink & 0xff)]")
    }

    /// Text-dump extraction (detection + line model + stories) on one core, beside a memchr
    /// scan for line ends over the same bytes.
    func measureDumps(_ ctx: ExtractionContext, report: (String) -> Void) {
        let rounds = options.rounds
        let dumps = options.dumpsFolder
        guard let files = try? Self.listFiles(dumps) else { report("text dumps: \(dumps) not found, skipped"); return }
        let texts: [[UInt8]] = files.compactMap { FileManager.default.contents(atPath: $0).map { [UInt8]($0) } }
        guard !texts.isEmpty else { return }
        let bytes = texts.reduce(0) { $0 + $1.count }
        let extractor = DocumentExtractor()
        var stories = 0
        for t in texts { if let d = try? extractor.extract(t, context: ctx) { stories += d.articles.count } }
        let clock = ContinuousClock()
        let cpu0 = threadCPUSeconds()
        let t0 = clock.now
        for _ in 0..<rounds { for t in texts { if let d = try? extractor.extract(t, context: ctx) { stories &+= d.articles.count } } }
        let dt = clock.now - t0
        let cpu = threadCPUSeconds() - cpu0
        var sink = 0
        let s0 = clock.now
        for _ in 0..<rounds { for t in texts { sink &+= countByte(t, 0x0A) } }
        let st = clock.now - s0
        let mb = Double(bytes * rounds) / 1_000_000
        let n = Double(texts.count * rounds)
        report("text dumps: \(texts.count) files, \(String(format: "%.1f", Double(bytes) / 1e6)) MB, \(rounds) rounds, 1 core")
        report(String(format: "text-dump extraction (lines+stories):  %.0f dumps/s  %.1f MB/s (%.1f MB/s of thread CPU time)   baseline memchr('\\n') scan: %.1f MB/s   [%d]", n / dt.inSeconds, mb / dt.inSeconds, mb / max(cpu, 1e-9), mb / st.inSeconds, (sink &+ stories) & 0xff))
    }
}
