import Foundation

/// One `noida-db start --only kafka` process on a free loopback port with its own data directory,
/// for one test. Stopped by ``stop()`` or when released.
///
/// The binary is found at `NOIDA_DB_BIN`, else in the venv `scripts/noida-db` makes under
/// `.build/noida-db-venv`. It is started through `/bin/sh` as a watchdog that reads this
/// process's end of a pipe: when the test process exits (even by a crash), the pipe closes and the
/// watchdog kills noida-db, so no broker outlives its tests.
public final class NoidaDBProcess: @unchecked Sendable {
    /// Why noida-db could not be used.
    public enum Failure: Error, CustomStringConvertible {
        /// No binary: not installed (`scripts/noida-db` installs it).
        case notInstalled(searched: [String])
        /// The process started but did not accept connections in time.
        case notReady(port: UInt16, output: String)

        public var description: String {
            switch self {
            case .notInstalled(let searched):
                "noida-db is not installed (looked at \(searched.joined(separator: ", "))); run scripts/noida-db (needs PyPI) or set NOIDA_DB_BIN"
            case .notReady(let port, let output):
                "noida-db did not listen on 127.0.0.1:\(port) in time; its output: \(output)"
            }
        }
    }

    private let process: Process
    private let watchdogInput: Pipe
    private let dataDirectory: URL
    /// The Kafka listener, `127.0.0.1:PORT`.
    public let bootstrapServers: String

    /// The noida-db executable, if installed.
    public static var binary: URL? {
        candidatePaths.first { FileManager.default.isExecutableFile(atPath: $0) }.map { URL(fileURLWithPath: $0) }
    }

    static var candidatePaths: [String] {
        var paths: [String] = []
        if let explicit = ProcessInfo.processInfo.environment["NOIDA_DB_BIN"], !explicit.isEmpty { paths.append(explicit) }
        let lib = SharedCorpora.packageRoot.appendingPathComponent(".build/noida-db-venv/lib")
        let pythons = (try? FileManager.default.contentsOfDirectory(atPath: lib.path))?.filter { $0.hasPrefix("python3") }.sorted() ?? ["python3"]
        for python in pythons {
            paths.append(lib.appendingPathComponent("\(python)/site-packages/noida_db/noida-db").path)
        }
        return paths
    }

    /// Starts noida-db and waits (up to `timeout` seconds) until its Kafka port accepts connections.
    public init(timeout: Double = 20) throws {
        guard let binary = Self.binary else { throw Failure.notInstalled(searched: Self.candidatePaths) }
        var lastError: Failure?
        // The free port can be taken between probing and binding: try a few.
        for _ in 0..<5 {
            guard let port = DevBrokerProcess.freeLoopbackPort() else { continue }
            let data = FileManager.default.temporaryDirectory.appendingPathComponent(TestBroker.uniqueName("noida-db"))
            try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            // $0 = binary, $1 = port, $2 = data dir. `read` returns when our end of stdin closes.
            process.arguments = ["-c", "\"$0\" start --only kafka --kafka-port \"$1\" --data-dir \"$2\" >\"$2.log\" 2>&1 & child=$!; read -r _; kill \"$child\" 2>/dev/null; wait \"$child\"",
                                 binary.path, "\(port)", data.path]
            let input = Pipe()
            process.standardInput = input
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            if Self.waitForListener(port: port, process: process, timeout: timeout) {
                self.process = process
                self.watchdogInput = input
                self.dataDirectory = data
                self.bootstrapServers = "127.0.0.1:\(port)"
                return
            }
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
            let log = URL(fileURLWithPath: data.path + ".log")
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(at: data)
            try? FileManager.default.removeItem(at: log)
            lastError = .notReady(port: port, output: text)
        }
        throw lastError ?? Failure.notReady(port: 0, output: "no free port")
    }

    private static func waitForListener(port: UInt16, process: Process, timeout: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while Date() < deadline && process.isRunning {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { return false }
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = port.bigEndian
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            close(fd)
            if connected { return true }
            usleep(20_000)
        }
        return false
    }

    /// Stops noida-db (closing the watchdog's input), waits, and removes its data. Idempotent.
    public func stop() {
        try? watchdogInput.fileHandleForWriting.close()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: dataDirectory)
        try? FileManager.default.removeItem(atPath: dataDirectory.path + ".log")
    }

    deinit { stop() }
}
