import Glibc

/// An AF_UNIX datagram socket standing in for systemd's notification socket (shared by the
/// Telemetry and Pipeline tests).
public final class NotifySocketListener: @unchecked Sendable {
    public let fd: Int32
    /// The `$NOTIFY_SOCKET` value that reaches this listener.
    public let address: String
    private let path: String?

    /// Binds a path socket in a fresh temporary directory, or an abstract socket when `abstract` is true.
    public init(abstract: Bool = false) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ListenerError.system("socket", errno) }
        let name: [UInt8]
        if abstract {
            let tag = "feedworker-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            address = "@" + tag
            name = [0] + Array(tag.utf8)
            path = nil
        } else {
            var template = Array("/tmp/fw-notify-XXXXXX".utf8CString)
            guard let dir = mkdtemp(&template) else { throw ListenerError.system("mkdtemp", errno) }
            let p = String(cString: dir) + "/notify.sock"
            address = p
            path = p
            name = Array(p.utf8)
        }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: name) }
        let length = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)! + name.count + (abstract ? 0 : 1)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(length)) }
        }
        guard rc == 0 else { throw ListenerError.system("bind", errno) }
    }

    deinit {
        close(fd)
        if let path {
            unlink(path)
            rmdir(String(path.dropLast("/notify.sock".count)))
        }
    }

    /// Waits up to `timeoutMilliseconds` for one datagram.
    public func receive(timeoutMilliseconds: Int32 = 5_000) -> String? {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, timeoutMilliseconds) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n >= 0 else { return nil }
        return String(decoding: buffer[0..<n], as: UTF8.self)
    }

    /// Every datagram already queued.
    public func drain() -> [String] {
        var messages: [String] = []
        while let message = receive(timeoutMilliseconds: 0) { messages.append(message) }
        return messages
    }
}

public enum ListenerError: Error {
    case system(String, Int32)
}
