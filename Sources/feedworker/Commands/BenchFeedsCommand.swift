import ArgumentParser
import Benchmarks

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
        try FeedsBenchmark(.init(folder: dir, seconds: seconds, runsBaseline: !noBaseline)).run(report: { print($0) })
    }
}
