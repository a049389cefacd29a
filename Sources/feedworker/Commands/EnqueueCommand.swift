import ArgumentParser
import Config
import Foundation
import Kafka
import Logging
import Articles
import Normalization
import Pipeline

/// `feedworker enqueue`: produce fetch jobs for operators and tests.
struct EnqueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enqueue",
        abstract: "Produce fetch jobs from a file of URLs, a directory of documents (inline bodies), or JSON lines.",
        discussion: """
        Exactly one source:
          --urls FILE        one URL per line (blank lines and #comments skipped):
                             {"job_id","url"} jobs, to be fetched over HTTP by the
                             worker;
          --documents DIR    each regular file becomes one job with the file inline as
                             its body (UTF-8 text as is, anything else base64), url =
                             --base-url + file name;
          --json-lines FILE  each non-blank line is produced as it is (not validated:
                             malformed lines are how the DLQ is exercised).
        Job ids are derived from the content (SHA-256 of the URL, or of the file name and bytes), so \
        enqueueing the same input twice yields the same jobs and, after the worker, the same events. \
        Messages are keyed by job id (JSON lines: by their job_id when readable, else unkeyed).
        """
    )

    @Option(name: .long, help: "The TOML configuration file for brokers and topic names.")
    var config: String?

    @Option(name: .long, help: "bootstrap.servers (overrides the configuration).")
    var brokers: String?

    @Option(name: .long, help: "Topic (default: topics.fetch_jobs of the configuration).")
    var topic: String?

    @Option(name: .long, help: "A file of URLs, one per line.")
    var urls: String?

    @Option(name: .long, help: "A directory of documents to inline.")
    var documents: String?

    @Option(name: .long, help: "A file of JSON lines, each one job.")
    var jsonLines: String?

    @Option(name: .long, help: "For --documents: the URL prefix before each file name.")
    var baseURL: String = "https://documents.invalid/"

    @Option(name: .long, help: "For --documents and --urls: the jobs' kind (feed, article, page, auto).")
    var kind: String = "auto"

    @Option(name: .long, help: "For --documents and --urls: the jobs' fetched_at (RFC 3339).")
    var fetchedAt: String?

    func validate() throws {
        let sources = [urls, documents, jsonLines].compactMap { $0 }
        guard sources.count == 1 else { throw ValidationError("give exactly one of --urls, --documents, --json-lines") }
        guard DocumentKind(rawValue: kind) != nil else { throw ValidationError("--kind must be feed, article, page or auto") }
    }

    func run() async throws {
        var settings = FeedworkerConfig()
        if let config { settings = try loadConfigOrExit(config) }
        if let brokers { settings.kafka.brokers = brokers }
        let topic = self.topic ?? settings.topics.fetchJobs
        let jobs = try makeJobs()
        var logger = Logger(label: "feedworker.enqueue")
        logger.logLevel = .warning
        let producer = try KafkaProducer(configuration: KafkaConfiguration(settings.kafkaProperties(clientSuffix: "enqueue")), logger: logger)
        var sent = 0
        var failed = 0
        for chunk in stride(from: 0, to: jobs.count, by: 1000) {
            let slice = jobs[chunk..<min(chunk + 1000, jobs.count)]
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for job in slice {
                    group.addTask {
                        do {
                            _ = try await producer.send(topic: topic, key: job.key, value: job.value)
                            return true
                        } catch {
                            FileHandle.standardError.write(Data("enqueue: \(error)\n".utf8))
                            return false
                        }
                    }
                }
                for try await ok in group { if ok { sent += 1 } else { failed += 1 } }
            }
        }
        await producer.close()
        print("enqueued \(sent) job(s) to \(topic)" + (failed > 0 ? ", \(failed) failed" : ""))
        if failed > 0 { throw ExitCode(1) }
    }

    private func makeJobs() throws -> [(key: [UInt8]?, value: [UInt8])] {
        let kind = DocumentKind(rawValue: self.kind) ?? .auto
        var fetched: Timestamp? = nil
        if let fetchedAt {
            // Reuse the job decoder's RFC 3339 reading by decoding a probe job.
            let probe = try FetchJob.decode(Array("{\"job_id\":\"x\",\"url\":\"x\",\"fetched_at\":\"\(fetchedAt)\"}".utf8), maxBodyBytes: 1024)
            fetched = probe.fetchedAt
        }
        if let urls {
            let text = try String(contentsOfFile: urls, encoding: .utf8)
            return text.split(whereSeparator: \.isNewline).compactMap { raw in
                let line = raw.trimmingCharacters(in: .whitespaces)
                if line.isEmpty || line.hasPrefix("#") { return nil }
                let id = "url-" + SHA256.hex(Array(line.utf8)).prefix(24)
                let job = FetchJob(jobID: id, url: line, kind: kind, fetchedAt: fetched)
                return (Array(id.utf8), job.encodeJSON())
            }
        }
        if let documents {
            let names = try FileManager.default.contentsOfDirectory(atPath: documents).sorted()
            var out: [(key: [UInt8]?, value: [UInt8])] = []
            for name in names where !name.hasPrefix(".") {
                let path = (documents as NSString).appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
                let id = "doc-" + SHA256.hex(Array(name.utf8) + [0] + bytes).prefix(24)
                let job = FetchJob(jobID: id, url: baseURL + name, kind: kind, body: bytes, fetchedAt: fetched)
                out.append((Array(id.utf8), job.encodeJSON()))
            }
            return out
        }
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: jsonLines ?? "")))
        return data.split(separator: 0x0A, omittingEmptySubsequences: true).compactMap { line in
            let bytes = Array(line)
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { return nil }
            let key = (try? FetchJob.decode(bytes, maxBodyBytes: Int.max / 4)).map { Array($0.jobID.utf8) }
            return (key, bytes)
        }
    }
}
