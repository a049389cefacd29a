import Foundation
import Synchronization

/// One `noida-db start --only kafka` process on a free loopback port with its own data directory,
/// for one test. Stopped by ``stop()`` or when released.
///
/// The binary is found at `NOIDA_DB_BIN`, else in the venv `scripts/noida-db` makes under
/// `.build/noida-db-venv`. It is started through `/bin/sh` as a watchdog that reads the other end
/// of a pipe only this process holds: when the test process exits (even by a crash), the pipe
/// closes and the watchdog stops noida-db, so no broker outlives its tests.
public final class NoidaDBProcess: Sendable {
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

    private let pid: pid_t
    private let watchdogInput: Int32
    private let stopped = Mutex(false)
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
            // $0 = binary, $1 = port, $2 = data dir. `read` returns when our end of stdin closes.
            let script = "\"$0\" start --only kafka --kafka-port \"$1\" --data-dir \"$2\" >\"$2.log\" 2>&1 </dev/null & child=$!; read -r _; kill \"$child\" 2>/dev/null; wait \"$child\""
            let (pid, input) = try Self.spawn(["/bin/sh", "-c", script, binary.path, "\(port)", data.path])
            if Self.waitForListener(port: port, pid: pid, timeout: timeout) {
                self.pid = pid
                self.watchdogInput = input
                self.dataDirectory = data
                self.bootstrapServers = "127.0.0.1:\(port)"
                return
            }
            close(input)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            let log = URL(fileURLWithPath: data.path + ".log")
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(at: data)
            try? FileManager.default.removeItem(at: log)
            lastError = .notReady(port: port, output: text)
        }
        throw lastError ?? Failure.notReady(port: 0, output: "no free port")
    }

    private static func waitForListener(port: UInt16, pid: pid_t, timeout: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while Date() < deadline && waitpid(pid, nil, WNOHANG) == 0 {
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
        guard stopped.withLock({ let was = $0; $0 = true; return !was }) else { return }
        close(watchdogInput)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        try? FileManager.default.removeItem(at: dataDirectory)
        try? FileManager.default.removeItem(atPath: dataDirectory.path + ".log")
    }

    /// posix_spawn with every signal unblocked and at its default (Foundation's `Process` passes
    /// on the test process's signal mask, in which SIGTERM and SIGCHLD are blocked: noida-db
    /// would ignore SIGTERM and the shell's `wait` would never return), stdin the read end of a new
    /// pipe, stdout and stderr /dev/null, no other descriptor inherited. Returns the pid and the
    /// pipe's write end.
    private static func spawn(_ argv: [String]) throws -> (pid_t, Int32) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw Failure.notReady(port: 0, output: "pipe: \(String(cString: strerror(errno)))") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) } // the child gets the read end through dup2 only
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGCHLD, SIGPIPE, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for arg in cArgs { free(arg) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, &attributes, &cArgs, environ)
        close(fds[0])
        guard rc == 0 else {
            close(fds[1])
            throw Failure.notReady(port: 0, output: "posix_spawn \(argv[0]): \(String(cString: strerror(rc)))")
        }
        return (pid, fds[1])
    }

    deinit { stop() }
}
