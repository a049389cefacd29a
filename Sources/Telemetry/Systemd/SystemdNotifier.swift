#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One assignment of the sd_notify protocol.
public enum NotifyState: Sendable, Equatable {
    /// `READY=1`: start-up finished (groups joined, stores restored).
    case ready
    /// `RELOADING=1`: reloading configuration.
    case reloading
    /// `STOPPING=1`: shutdown begun.
    case stopping
    /// `STATUS=…`: a one-line summary shown by `systemctl status` (newlines become spaces).
    case status(String)
    /// `WATCHDOG=1`: keep-alive ping.
    case watchdog
    /// `WATCHDOG=trigger`: ask systemd to act as if the watchdog expired.
    case watchdogTrigger
    /// `EXTEND_TIMEOUT_USEC=…`: ask for more time to start or stop.
    case extendTimeout(Duration)
    /// `MAINPID=…`.
    case mainPID(Int32)

    /// The `KEY=value` text of the assignment.
    public var assignment: String {
        switch self {
        case .ready: return "READY=1"
        case .reloading: return "RELOADING=1"
        case .stopping: return "STOPPING=1"
        case .status(let text):
            var bytes = Array(text.utf8)
            for i in bytes.indices where bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0 { bytes[i] = 0x20 }
            return "STATUS=" + String(decoding: bytes, as: UTF8.self)
        case .watchdog: return "WATCHDOG=1"
        case .watchdogTrigger: return "WATCHDOG=trigger"
        case .extendTimeout(let d):
            let (s, atto) = d.components
            return "EXTEND_TIMEOUT_USEC=\(max(0, s * 1_000_000 + atto / 1_000_000_000_000))"
        case .mainPID(let pid): return "MAINPID=\(pid)"
        }
    }
}

/// Why a notification could not be sent.
public enum SystemdNotifyError: Error, Sendable, Equatable {
    /// `$NOTIFY_SOCKET` is not an absolute path nor an abstract (`@`) name.
    case unsupportedSocketAddress(String)
    /// The socket path does not fit in `sockaddr_un`.
    case socketPathTooLong(String)
    /// `socket(2)` failed.
    case socketFailed(errno: Int32)
    /// `sendto(2)` failed (e.g. `ECONNREFUSED` when nothing listens, `ENOENT` when the path is gone).
    case sendFailed(socket: String, errno: Int32)
}

/// Talks to systemd's notification socket with the sd_notify datagram protocol, without libsystemd.
///
/// Reads `$NOTIFY_SOCKET` (a path, or an abstract socket written `@name`), `$WATCHDOG_USEC` and
/// `$WATCHDOG_PID` once, at creation. When `$NOTIFY_SOCKET` is unset every call is a no-op returning
/// `false`, so the same binary runs outside systemd (containers, tests, the demo).
public struct SystemdNotifier: Sendable {
    /// The notification socket address from the environment (`nil` when not under `Type=notify`).
    public let socketAddress: String?
    /// The watchdog timeout from `$WATCHDOG_USEC`, when it is set, positive and (if `$WATCHDOG_PID` is set)
    /// meant for this process. `nil` means: do not send `WATCHDOG=1`.
    public let watchdogTimeout: Duration?

    /// Reads the process environment.
    public init() {
        func env(_ name: String) -> String? {
            guard let value = getenv(name) else { return nil }
            return String(cString: value)
        }
        self.init(environment: [
            "NOTIFY_SOCKET": env("NOTIFY_SOCKET"),
            "WATCHDOG_USEC": env("WATCHDOG_USEC"),
            "WATCHDOG_PID": env("WATCHDOG_PID"),
        ].compactMapValues { $0 }, processID: getpid())
    }

    /// Uses the given environment (tests, or a supervisor that passes it explicitly).
    /// - Parameter processID: this process's id, compared with `WATCHDOG_PID`.
    public init(environment: [String: String], processID: Int32 = getpid()) {
        if let socket = environment["NOTIFY_SOCKET"], !socket.isEmpty {
            socketAddress = socket
        } else {
            socketAddress = nil
        }
        var timeout: Duration? = nil
        if let usecText = environment["WATCHDOG_USEC"], let usec = Int64(usecText), usec > 0 {
            if let pidText = environment["WATCHDOG_PID"] {
                if let pid = Int32(pidText), pid == processID { timeout = .microseconds(usec) }
            } else {
                timeout = .microseconds(usec)
            }
        }
        watchdogTimeout = socketAddress == nil ? nil : timeout
    }

    /// Whether notifications go anywhere.
    public var isEnabled: Bool { socketAddress != nil }

    /// Sends the states as one datagram (`KEY=value` lines). Returns `false` (and sends nothing) when
    /// `$NOTIFY_SOCKET` is unset, `true` when the datagram was sent.
    @discardableResult
    public func notify(_ states: NotifyState...) throws(SystemdNotifyError) -> Bool {
        try notify(states)
    }

    /// Sends the states as one datagram. See ``notify(_:)-(NotifyState...)``.
    @discardableResult
    public func notify(_ states: [NotifyState]) throws(SystemdNotifyError) -> Bool {
        guard let socketAddress, !states.isEmpty else { return false }
        var message = ""
        for state in states {
            message += state.assignment
            message += "\n"
        }
        try Self.send(Array(message.utf8), to: socketAddress)
        return true
    }

    /// Sends one datagram without blocking: when the receiver's queue is full (systemd busy, or a
    /// listener that does not read; Linux queues only `net.unix.max_dgram_qlen` datagrams, 10 by
    /// default) the send fails with `EAGAIN` instead of stalling the calling thread, which is a
    /// thread of Swift's cooperative pool. The watchdog logs such a failure and pings again next period.
    static func send(_ payload: [UInt8], to address: String) throws(SystemdNotifyError) {
        var path = Array(address.utf8)
        if path.first == UInt8(ascii: "@") {
            path[0] = 0 // abstract namespace
        } else if path.first != UInt8(ascii: "/") {
            throw .unsupportedSocketAddress(address)
        }
        var addr = sockaddr_un()
        let capacity = MemoryLayout.size(ofValue: addr.sun_path)
        // A path needs room for its terminating NUL; an abstract name does not.
        guard path.count < capacity || (path[0] == 0 && path.count <= capacity) else {
            throw .socketPathTooLong(address)
        }
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: path)
        }
        let length = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)! + path.count + (path[0] == 0 ? 0 : 1)

        #if canImport(Glibc)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_DGRAM, 0)
        #endif
        guard fd >= 0 else { throw .socketFailed(errno: errno) }
        defer { close(fd) }
        var sent: Int
        repeat {
            sent = payload.withUnsafeBytes { bytes in
                withUnsafePointer(to: &addr) { addrPointer in
                    addrPointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(fd, bytes.baseAddress, bytes.count, noSignalFlag | Int32(MSG_DONTWAIT), $0, socklen_t(length))
                    }
                }
            }
        } while sent < 0 && errno == EINTR
        guard sent >= 0 else { throw .sendFailed(socket: address, errno: errno) }
    }
}
