import Foundation
import Glibc

/// An AF_UNIX datagram socket standing in for systemd's notification socket (shared by the
/// Telemetry and Pipeline tests).
///
/// A background thread reads every datagram as it arrives, as systemd does: Linux queues only
/// `net.unix.max_dgram_qlen` datagrams (10 by default) on a socket nobody reads, so a test that
/// looked at its messages only at the end would see the notifier's sends fail once the queue is
/// full (a watchdog pings every few milliseconds in the tests).
public final class NotifySocketListener: @unchecked Sendable {
    public let fd: Int32
    /// The `$NOTIFY_SOCKET` value that reaches this listener.
    public let address: String
    private let path: String?
    private let inbox: Inbox

    /// What the reader thread shares with the listener (the thread holds this, not the listener,
    /// so the listener's deinit runs and stops it).
    private final class Inbox: @unchecked Sendable {
        let condition = NSCondition()
        /// Guarded by `condition`.
        var received: [String] = []
        var stopped = false
        let finished = DispatchSemaphore(value: 0)

        func readLoop(_ fd: Int32) {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                condition.lock()
                let stop = stopped
                condition.unlock()
                if stop { break }
                var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&pfd, 1, 50) == 1 else { continue }
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                guard n >= 0 else { continue }
                let message = String(decoding: buffer[0..<n], as: UTF8.self)
                condition.lock()
                received.append(message)
                condition.broadcast()
                condition.unlock()
            }
            finished.signal()
        }
    }

    /// Binds a path socket in a fresh temporary directory, or an abstract socket when `abstract` is true.
    public init(abstract: Bool = false) throws {
        let inbox = Inbox()
        self.inbox = inbox
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
        guard rc == 0 else { close(fd); throw ListenerError.system("bind", errno) }
        let socketFD = fd
        let reader = Thread { inbox.readLoop(socketFD) }
        reader.name = "notify-listener"
        reader.start()
    }

    deinit {
        inbox.condition.lock()
        inbox.stopped = true
        inbox.condition.unlock()
        inbox.finished.wait() // the reader polls in 50 ms steps
        close(fd)
        if let path {
            unlink(path)
            rmdir(String(path.dropLast("/notify.sock".count)))
        }
    }

    /// Waits up to `timeoutMilliseconds` for the next datagram (in arrival order).
    public func receive(timeoutMilliseconds: Int32 = 5_000) -> String? {
        let deadline = Date(timeIntervalSinceNow: Double(timeoutMilliseconds) / 1000)
        inbox.condition.lock()
        defer { inbox.condition.unlock() }
        while inbox.received.isEmpty {
            if !inbox.condition.wait(until: deadline) { break }
        }
        return inbox.received.isEmpty ? nil : inbox.received.removeFirst()
    }

    /// Every datagram received and not yet taken. Waits briefly (100 ms) for datagrams still in
    /// the socket's queue, so "sent just before" is included.
    public func drain() -> [String] {
        usleep(100_000)
        inbox.condition.lock()
        defer { inbox.condition.unlock() }
        let all = inbox.received
        inbox.received.removeAll()
        return all
    }
}

public enum ListenerError: Error {
    case system(String, Int32)
}
