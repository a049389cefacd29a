#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// A TCP forwarder from a chosen `127.0.0.1` port to another loopback `host:port`.
///
/// librdkafka 2.0.2's mock brokers listen on ephemeral ports; this gives a fixed bootstrap address
/// (clients bootstrap through it, then connect to the brokers' own addresses from the metadata).
/// Only loopback targets are accepted.
public final class LoopbackForwarder: Sendable {
    private let listenFD: Int32
    private let stopFlag = StopFlag()
    private let acceptThread: ServiceThread
    private let stopped = Mutex(false)
    /// The port listened on.
    public let port: UInt16

    /// Listens on 127.0.0.1:`port` and forwards each connection to `target` (`127.x.x.x:port`).
    public init(port: UInt16, target: String) throws(KafkaError) {
        guard let (host, targetPort) = Self.parse(target), host.hasPrefix("127.") || host == "localhost" else {
            throw KafkaError.invalidArgument("forwarder target must be a loopback host:port, got \(target)")
        }
        let targetHost = host == "localhost" ? "127.0.0.1" : host
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw KafkaError.invalidArgument("socket: errno \(errno)") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = Self.address("127.0.0.1", port)
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            let e = errno
            close(fd)
            throw KafkaError.invalidArgument("cannot listen on 127.0.0.1:\(port): \(String(cString: strerror(e)))")
        }
        self.listenFD = fd
        self.port = port
        let stop = stopFlag
        self.acceptThread = ServiceThread(name: "forwarder-accept") {
            while !stop.isSet {
                var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&pfd, 1, 200) > 0 else { continue }
                let client = accept(fd, nil, nil)
                guard client >= 0 else { continue }
                let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                var target = LoopbackForwarder.address(targetHost, targetPort)
                let connected = withUnsafePointer(to: &target) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
                if upstream < 0 || connected != 0 {
                    close(client)
                    if upstream >= 0 { close(upstream) }
                    continue
                }
                LoopbackForwarder.pipe(client, upstream)
            }
        }
    }

    /// Stops accepting connections (open ones continue until either side closes). Idempotent.
    public func stop() {
        let first = stopped.withLock { s -> Bool in
            defer { s = true }
            return !s
        }
        guard first else { return }
        stopFlag.set()
        acceptThread.join()
        close(listenFD)
    }

    deinit { stop() }

    /// Copies bytes both ways between two sockets until either side closes.
    private static func pipe(_ a: Int32, _ b: Int32) {
        let remaining = Mutex(2)
        let done: @Sendable () -> Void = {
            let last = remaining.withLock { n -> Bool in n -= 1; return n == 0 }
            if last { close(a); close(b) }
        }
        for (from, to) in [(a, b), (b, a)] {
            let t = Thread {
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let n = buffer.withUnsafeMutableBytes { read(from, $0.baseAddress, $0.count) }
                    if n <= 0 { break }
                    var sent = 0
                    while sent < n {
                        let w = buffer.withUnsafeBytes { send(to, $0.baseAddress! + sent, n - sent, Int32(MSG_NOSIGNAL)) }
                        if w <= 0 { break }
                        sent += w
                    }
                    if sent < n { break }
                }
                shutdown(to, Int32(SHUT_WR))
                shutdown(from, Int32(SHUT_RD))
                done()
            }
            t.name = "forwarder-pipe"
            t.start()
        }
    }

    private static func parse(_ hostPort: String) -> (String, UInt16)? {
        guard let colon = hostPort.lastIndex(of: ":"), let port = UInt16(hostPort[hostPort.index(after: colon)...]) else { return nil }
        return (String(hostPort[..<colon]), port)
    }

    private static func address(_ host: String, _ port: UInt16) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr(host)
        return addr
    }
}
