import ArgumentParser
import Benchmarks

/// `feedworker bench pathological`: hostile document shapes, generated in memory, each through the
/// whole `DocumentExtractor`: MB/s, the extra peak RSS it caused, and the outcome (see
/// `PathologicalBenchmark` for how the peak RSS per document is measured).
struct BenchPathologicalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pathological",
        abstract: "Hostile documents (deep nesting, attribute floods, unterminated constructs, deep JSON): MB/s and peak RSS per shape."
    )

    @Option(help: "Size of each generated document, in MB (the worker's default cap is 10).") var mb: Double = 4
    @Option(help: "Passes over the set (the time is the best pass).") var rounds: Int = 1

    func run() throws {
        guard mb > 0, mb <= 64, rounds >= 1 else { throw ValidationError("--mb in (0, 64], --rounds >= 1") }
        PathologicalBenchmark(.init(megabytes: mb, rounds: rounds)).run(report: { print($0) })
    }
}
