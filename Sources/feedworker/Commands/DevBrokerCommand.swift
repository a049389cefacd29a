import ArgumentParser
import Foundation
import Kafka
import Logging

/// `feedworker dev-broker`: librdkafka's mock Kafka cluster as a process, for tests and the README.
struct DevBrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev-broker",
        abstract: "Run an in-memory Kafka cluster (librdkafka's mock broker) on loopback until SIGTERM/SIGINT.",
        discussion: """
        Prints `bootstrap=<host:port,...>` as its first line on stdout (and writes the bare list to --bootstrap-file if given), then serves the Kafka protocol on 127.0.0.1 until SIGTERM or SIGINT.

        Limitations of librdkafka 2.0.2's mock cluster: brokers listen on ephemeral ports chosen by the kernel, so read the printed bootstrap list. With --port P a small TCP forwarder on 127.0.0.1:P leads to broker 1 for bootstrapping; clients then connect to the brokers' own ports from the metadata. CreateTopics is not implemented: pre-create topics with --topic. Unknown topics are auto-created on first use. Data lives in memory only, about 5 MB per partition.

        """
    )

    @Option(name: .long, help: "Number of brokers.")
    var brokers: Int = 3

    @Option(name: .long, help: "Also accept bootstrap connections on 127.0.0.1:<port> (forwarded to broker 1).")
    var port: Int?

    @Option(name: .long, parsing: .singleValue, help: "Topic to create, as name:partitions (repeatable).")
    var topic: [String] = []

    @Option(name: .long, help: "Write the bootstrap list to this file.")
    var bootstrapFile: String?

    func validate() throws {
        guard brokers >= 1 && brokers <= 32 else { throw ValidationError("--brokers must be between 1 and 32") }
        if let port, !(1...65535).contains(port) { throw ValidationError("--port must be between 1 and 65535") }
        for spec in topic { _ = try Self.parseTopic(spec) }
    }

    static func parseTopic(_ spec: String) throws -> (String, Int32) {
        guard let colon = spec.lastIndex(of: ":"), let n = Int32(spec[spec.index(after: colon)...]), n >= 1,
              colon != spec.startIndex else {
            throw ValidationError("--topic expects name:partitions (partitions >= 1), got \"\(spec)\"")
        }
        return (String(spec[..<colon]), n)
    }

    func run() async throws {
        let logger = Logger(label: "feedworker.dev-broker")
        let cluster = try MockKafkaCluster(brokers: brokers, logger: logger)
        for spec in topic {
            let (name, partitions) = try Self.parseTopic(spec)
            try cluster.createTopic(name, partitions: partitions)
        }
        var bootstrap = cluster.bootstrapServers
        var forwarder: LoopbackForwarder?
        if let port {
            let target = cluster.bootstrapServers.split(separator: ",").first.map(String.init) ?? ""
            forwarder = try LoopbackForwarder(port: UInt16(port), target: target)
            bootstrap = "127.0.0.1:\(port),\(bootstrap)"
        }
        if let bootstrapFile {
            try Data((bootstrap + "\n").utf8).write(to: URL(fileURLWithPath: bootstrapFile), options: .atomic)
        }
        FileHandle.standardOutput.write(Data("bootstrap=\(bootstrap)\n".utf8))
        let signal = await SignalWaiter.wait(for: [SIGTERM, SIGINT])
        logger.info("dev-broker: signal \(signal), stopping")
        forwarder?.stop()
        cluster.shutdown()
        if let bootstrapFile { try? FileManager.default.removeItem(atPath: bootstrapFile) }
    }
}

/// Waits for the first of some POSIX signals.
enum SignalWaiter {
    static func wait(for signals: [Int32]) async -> Int32 {
        await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            let queue = DispatchQueue(label: "feedworker.signals")
            let state = SignalState(continuation: continuation)
            for sig in signals {
                Foundation.signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
                source.setEventHandler { state.fire(sig) }
                source.resume()
                state.keep(source)
            }
        }
    }

    private final class SignalState: @unchecked Sendable {
        private var continuation: CheckedContinuation<Int32, Never>?
        private var sources: [any DispatchSourceSignal] = []
        private let lock = NSLock()
        init(continuation: CheckedContinuation<Int32, Never>) { self.continuation = continuation }
        func keep(_ source: any DispatchSourceSignal) { lock.withLock { sources.append(source) } }
        func fire(_ sig: Int32) {
            let c = lock.withLock { () -> CheckedContinuation<Int32, Never>? in
                defer { continuation = nil; for s in sources { s.cancel() }; sources = [] }
                return continuation
            }
            c?.resume(returning: sig)
        }
    }
}
