import Articles
import Extraction
import Foundation

/// Hostile document shapes (deep nesting, millions of attributes, unterminated comments/CDATA/scripts,
/// entity runs, deep JSON-LD/JSON Feed/RSS), generated in memory, each through the whole
/// `DocumentExtractor`: MB/s, the extra peak RSS it caused, and the outcome (for
/// `feedworker bench pathological`).
///
/// Peak RSS per document comes from returning freed heap pages to the kernel (`malloc_trim`), then
/// resetting the kernel's high-water mark (`/proc/self/clear_refs`, value 5) before each document and
/// reading `VmHWM` after; it is reported above the RSS measured just before the document (which
/// already holds the input bytes), and as a multiple of the input size.
public struct PathologicalBenchmark: Sendable {
    /// What to measure.
    public struct Options: Sendable, Equatable {
        /// Size of each generated document, in MB: within (0, 64].
        public var megabytes: Double
        /// Passes over the set (the time reported is the best pass): at least 1.
        public var rounds: Int

        /// Creates the options.
        public init(megabytes: Double, rounds: Int) {
            self.megabytes = megabytes
            self.rounds = rounds
        }
    }

    /// The options this benchmark runs with.
    public let options: Options

    /// Creates the benchmark.
    /// - Precondition: `options.megabytes` is within (0, 64] and `options.rounds` is at least 1.
    public init(_ options: Options) {
        precondition(options.megabytes > 0 && options.megabytes <= 64 && options.rounds >= 1, "megabytes in (0, 64], rounds >= 1")
        self.options = options
    }

    /// Measures every shape and hands each printable line to `report`, in order.
    public func run(report: (String) -> Void) {
        let mb = options.megabytes, rounds = options.rounds
        let extractor = DocumentExtractor()
        var limits = ExtractionLimits()
        limits.maxDocumentBytes = max(limits.maxDocumentBytes, Int(mb * 1_000_000) + 4096)
        let ctx = ExtractionContext(url: "https://example.test/page", fetchedAt: Timestamp(secondsSinceEpoch: 1_700_000_000), limits: limits)
        let clock = ContinuousClock()
        var totalBytes = 0, totalSeconds = 0.0, worstRatio = 0.0, worstSeconds = 0.0
        report("pathological set: documents of \(String(format: "%.1f", mb)) MB, \(rounds) round(s), 1 core")
        for (name, bytes) in PathologicalDocuments.shapes(bytes: Int(mb * 1_000_000)) {
            var best = Double.infinity
            var outcome = ""
            var peakExtra = 0
            for _ in 0..<rounds {
                let before = MemoryStatus.resetPeak()
                let t0 = clock.now
                let result = Result { () throws(ExtractionError) -> ExtractedDocument in try extractor.extract(bytes, context: ctx) }
                let d = clock.now - t0
                peakExtra = max(peakExtra, MemoryStatus.read().hwmKB - before)
                best = min(best, d.inSeconds)
                switch result {
                case .success(let doc): outcome = "\(doc.articles.count) article(s)" + (doc.warnings.contains { $0.hasPrefix("document too complex") } ? ", truncated" : "")
                case .failure(let e): outcome = "error \(e.code)"
                }
            }
            let inputMB = Double(bytes.count) / 1e6
            let ratio = Double(peakExtra) * 1024 / Double(bytes.count)
            totalBytes += bytes.count; totalSeconds += best
            worstRatio = max(worstRatio, ratio); worstSeconds = max(worstSeconds, best)
            let label = name.count < 24 ? name + String(repeating: " ", count: 24 - name.count) : name
            report("  " + label + String(format: " %5.1f MB  %7.3f s  %8.1f MB/s  peak RSS +%4d MB (%4.1fx input)  ",
                                         inputMB, best, inputMB / best, peakExtra / 1024, ratio) + outcome)
        }
        report(String(format: "total: %.1f MB in %.2f s, %.1f MB/s; slowest document %.3f s; worst peak RSS %.1fx its input",
                      Double(totalBytes) / 1e6, totalSeconds, Double(totalBytes) / 1e6 / totalSeconds, worstSeconds, worstRatio))
    }
}
