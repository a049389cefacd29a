import ArgumentParser
import Foundation
import Logging
import Pipeline
import Telemetry

/// `feedworker demo`: the whole pipeline in one process, no external services.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole pipeline on the shipped samples with an embedded broker, and print the outcome.",
        discussion: """
        Starts librdkafka's mock cluster in this process, enqueues the documents of --samples as \
        inline fetch jobs (plus one job that is not JSON and one without a url), runs the extract \
        dedupe and story stages of a real worker until every job is accounted for, then prints the clean \
        events, the duplicates dedupe suppressed, the story groups with more than one article \
        (syndicated copies, updates), the dead-letter records with their reasons, and a final \
        metrics line. Needs no Kafka and no network beyond loopback.
        """
    )

    @Option(help: "Directory of sample documents (.rss.xml, .atom.xml, .json, .html, .txt).")
    var samples: String = "Config/samples"

    @Flag(help: "Print every output record (clean, stories, DLQ) as one JSON line with its topic, instead of the summary.")
    var json = false

    @Option(help: "Log level for the worker's own log lines (stderr).")
    var logLevel: String = "warning"

    func run() async throws {
        let path = samples.hasPrefix("/") ? samples : FileManager.default.currentDirectoryPath + "/" + samples
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("samples directory '\(samples)' not found (resolved to \(path)); run from the repository root or pass --samples DIR")
        }
        LoggingSetup.bootstrap(format: .logfmt, level: LoggingSetup.level(configValue: logLevel) ?? .warning)
        let reporter = MetricsSetup.bootstrap(destination: .lines(.standardOutput, .logfmt),
                                              configuration: .init(interval: .seconds(3600), includeProcessStats: true,
                                                                   view: .summary(.worker)))
        let demo = EmbeddedDemo(samplesDirectory: path)
        let outcome: EmbeddedDemo.Outcome
        do {
            outcome = try await demo.run()
        } catch let error as DemoError {
            FileHandle.standardError.write(Data("feedworker demo: \(error)\n".utf8))
            throw ExitCode.failure
        }
        if json {
            for record in outcome.records {
                FileHandle.standardOutput.write(Data(record.jsonLine() + [0x0A]))
            }
            return
        }
        print("feedworker demo: \(outcome.jobs) jobs from \(samples) through an embedded broker")
        print("")
        print("clean events (\(outcome.clean.count)):")
        for e in outcome.clean {
            print("  \(e.hash.prefix(12))  \(e.source.isEmpty ? "-" : e.source)  \"\(e.title)\"  \(e.publishedAt ?? "-")")
        }
        print("")
        print("duplicates suppressed (\(outcome.duplicates.count)):")
        for e in outcome.duplicates {
            print("  \(e.hash.prefix(12))  from \(e.jobID)  \"\(e.title)\"")
        }
        print("")
        let groups = Dictionary(grouping: outcome.stories, by: \.storyID)
        let shared = groups.filter { $0.value.count > 1 }
        print("stories (\(groups.count) for \(outcome.stories.count) clean events; \(shared.count) with more than one article):")
        let titles = Dictionary(outcome.clean.map { ($0.hash, $0.title) }, uniquingKeysWith: { a, _ in a })
        for story in outcome.stories.map(\.storyID).reduce(into: [String](), { if !$0.contains($1) { $0.append($1) } }) {
            let members = groups[story] ?? []
            guard members.count > 1 else { continue }
            print("  story \(story.prefix(12))  \"\(titles[story] ?? titles[members[0].hash] ?? "")\"")
            for m in members {
                print("    \(m.hash.prefix(12))  \(m.relation)\(m.relation == "new" ? "" : " (distance \(m.distance))")  \(m.source.isEmpty ? "-" : m.source)")
            }
        }
        print("")
        print("dead letters (\(outcome.deadLetters.count)):")
        for d in outcome.deadLetters {
            print("  \(d.code): \(d.message)  [job: \(d.preview)]")
        }
        print("")
        print("totals: \(outcome.stats) elapsed=\(outcome.elapsed.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1))))")
        fflush(nil) // the metrics line is written unbuffered: keep it after the text above
        reporter.report(final: true)
    }
}
