import ArgumentParser
import Articles
import Extraction
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `feedworker bench pathological`: hostile document shapes (deep nesting, millions of attributes,
/// unterminated comments/CDATA/scripts, entity runs, deep JSON-LD/JSON Feed/RSS), generated in memory,
/// each through the whole `DocumentExtractor`: MB/s, the extra peak RSS it caused, and the outcome.
///
/// Peak RSS per document comes from returning freed heap pages to the kernel (`malloc_trim`), then
/// resetting the kernel's high-water mark (`/proc/self/clear_refs`, value 5) before each document and
/// reading `VmHWM` after; it is reported above the RSS measured just before the document (which
/// already holds the input bytes), and as a multiple of the input size.
struct BenchPathologicalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pathological",
        abstract: "Hostile documents (deep nesting, attribute floods, unterminated constructs, deep JSON): MB/s and peak RSS per shape."
    )

    @Option(help: "Size of each generated document, in MB (the worker's default cap is 10).") var mb: Double = 4
    @Option(help: "Passes over the set (the time is the best pass).") var rounds: Int = 1

    func run() throws {
        guard mb > 0, mb <= 64, rounds >= 1 else { throw ValidationError("--mb in (0, 64], --rounds >= 1") }
        let extractor = DocumentExtractor()
        var limits = ExtractionLimits()
        limits.maxDocumentBytes = max(limits.maxDocumentBytes, Int(mb * 1_000_000) + 4096)
        let ctx = ExtractionContext(url: "https://example.test/page", fetchedAt: Timestamp(secondsSinceEpoch: 1_700_000_000), limits: limits)
        let clock = ContinuousClock()
        var totalBytes = 0, totalSeconds = 0.0, worstRatio = 0.0, worstSeconds = 0.0
        print("pathological set: documents of \(String(format: "%.1f", mb)) MB, \(rounds) round(s), 1 core")
        for (name, bytes) in PathologicalDocuments.shapes(bytes: Int(mb * 1_000_000)) {
            var best = Double.infinity
            var outcome = ""
            var peakExtra = 0
            for _ in 0..<rounds {
                let before = Self.resetPeakRSS()
                let t0 = clock.now
                let result = Result { () throws(ExtractionError) -> ExtractedDocument in try extractor.extract(bytes, context: ctx) }
                let d = clock.now - t0
                peakExtra = max(peakExtra, BenchExtractionCommand.peakRSSKiB() - before)
                best = min(best, Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
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
            print("  " + label + String(format: " %5.1f MB  %7.3f s  %8.1f MB/s  peak RSS +%4d MB (%4.1fx input)  ",
                                        inputMB, best, inputMB / best, peakExtra / 1024, ratio) + outcome)
        }
        print(String(format: "total: %.1f MB in %.2f s, %.1f MB/s; slowest document %.3f s; worst peak RSS %.1fx its input",
                     Double(totalBytes) / 1e6, totalSeconds, Double(totalBytes) / 1e6 / totalSeconds, worstSeconds, worstRatio))
    }

    /// Resets the peak-RSS mark to the current RSS and returns that RSS in KiB (0 where unavailable).
    static func resetPeakRSS() -> Int {
        #if os(Linux)
        _ = glibcMallocTrim(0)
        #endif
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in s.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }
        return 0
    }
}

#if os(Linux)
/// glibc's `malloc_trim(size_t)`: gives freed heap pages back to the kernel, so that the next document's
/// allocations show in the RSS high-water mark instead of reusing pages already resident.
@_silgen_name("malloc_trim") private func glibcMallocTrim(_ pad: Int) -> Int32
#endif
