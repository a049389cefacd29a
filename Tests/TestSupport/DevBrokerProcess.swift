import Foundation

/// `feedworker dev-broker` run as a child process, for tests of the command itself.
///
/// Reads the `bootstrap=...` line the command prints first; ``stop()`` sends SIGTERM and waits.
public final class DevBrokerProcess: @unchecked Sendable {
    /// Why a dev-broker process could not be used.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private let process: Process
    private let stdout: Pipe
    /// The first line's bootstrap list.
    public let bootstrapServers: String

    /// Whether the feedworker binary exists (tests that need it are skipped otherwise).
    public static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: SharedCorpora.feedworkerBinary.path)
    }

    /// Starts `feedworker dev-broker` with `arguments` and waits (up to `timeout` seconds) for its
    /// bootstrap line.
    public init(arguments: [String], timeout: Double = 20) throws {
        process = Process()
        process.executableURL = SharedCorpora.feedworkerBinary
        process.arguments = ["dev-broker"] + arguments
        stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        let fd = stdout.fileHandleForReading.fileDescriptor
        var line: [UInt8] = []
        let deadline = Date(timeIntervalSinceNow: timeout)
        var byte: UInt8 = 0
        while Date() < deadline {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 100) > 0 else { continue }
            guard read(fd, &byte, 1) == 1 else { break }
            if byte == UInt8(ascii: "\n") { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("bootstrap=") else {
            process.terminate()
            process.waitUntilExit()
            throw Failure(description: "dev-broker printed \"\(text)\" instead of bootstrap=...")
        }
        bootstrapServers = String(text.dropFirst("bootstrap=".count))
    }

    /// The process id.
    public var pid: Int32 { process.processIdentifier }

    /// Sends SIGTERM and waits up to `timeout` seconds; returns the exit status, or nil if it had to be killed.
    @discardableResult
    public func stop(timeout: Double = 10) -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date(timeIntervalSinceNow: timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    deinit { if process.isRunning { stop(timeout: 2) } }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    public static func freeLoopbackPort() -> UInt16? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        return ok ? UInt16(bigEndian: addr.sin_port) : nil
    }
}
