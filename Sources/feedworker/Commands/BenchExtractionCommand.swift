import ArgumentParser
import Benchmarks

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
        let options = ExtractionBenchmark.Options(pagesFolder: dir, secondPagesFolder: also.isEmpty ? nil : also, dumpsFolder: dumps, rounds: rounds)
        do {
            try ExtractionBenchmark(options).run(report: { print($0) })
        } catch let error as BenchmarkError {
            throw ValidationError(error.description)
        }
    }
}
