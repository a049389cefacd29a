#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import ServiceLifecycle

#if canImport(Glibc)
let noSignalFlag = Int32(MSG_NOSIGNAL)
#else
let noSignalFlag: Int32 = 0 // Darwin has no MSG_NOSIGNAL (the daemon targets Linux)
#endif

/// Why the Prometheus endpoint could not start.
public enum PrometheusEndpointError: Error, Sendable, Equatable {
    /// The host is not an IPv4 address.
    case invalidHost(String)
    /// The host is not a loopback address and `allowNonLoopback` was not set.
    case notLoopback(String)
    /// A socket call failed.
    case system(call: String, errno: Int32)
}

/// An optional `GET /metrics` endpoint in the Prometheus text format (off unless the worker creates it).
///
/// Binds at creation (so the port is known and errors surface at start-up); `run()` serves one
/// connection at a time until graceful shutdown or cancellation. Loopback only unless
/// `allowNonLoopback` is set. Scrapes read current values and do not disturb the reporter's intervals.
/// Non-blocking sockets polled with short sleeps: no thread of the cooperative pool is ever blocked.
public final class PrometheusEndpoint: Service, Sendable {
    /// The bound address.
    public let host: String
    /// The bound port (useful when created with port 0).
    public let port: UInt16
    private let fd: Int32
    private let aggregator: MetricsAggregator
    private let logger: Logger

    /// Binds a listening socket.
    /// - Parameters:
    ///   - host: an IPv4 address; default `127.0.0.1`.
    ///   - port: TCP port; default 9464; 0 picks a free one.
    ///   - allowNonLoopback: permit a non-loopback `host` (exposes metrics to the network).
    public init(
        aggregator: MetricsAggregator,
        host: String = "127.0.0.1",
        port: UInt16 = 9464,
        allowNonLoopback: Bool = false,
        logger: Logger
    ) throws(PrometheusEndpointError) {
        var address = in_addr()
        guard inet_pton(AF_INET, host, &address) == 1 else { throw .invalidHost(host) }
        let firstOctet = UInt32(bigEndian: address.s_addr) >> 24
        guard firstOctet == 127 || allowNonLoopback else { throw .notLoopback(host) }

        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw .system(call: "socket", errno: errno) }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var sin = sockaddr_in()
        sin.sin_family = sa_family_t(AF_INET)
        sin.sin_port = port.bigEndian
        sin.sin_addr = address
        let bound = withUnsafePointer(to: &sin) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            let code = errno
            close(fd)
            throw .system(call: "bind/listen", errno: code)
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        self.host = host
        self.port = UInt16(bigEndian: actual.sin_port)
        self.aggregator = aggregator
        self.logger = logger
    }

    deinit {
        close(fd)
    }

    public func run() async throws {
        logger.info("prometheus endpoint listening", metadata: ["address": "\(host):\(port)"])
        await cancelWhenGracefulShutdown { [self] in
            while !Task.isCancelled {
                let client = accept(fd, nil, nil)
                if client < 0 {
                    try? await Task.sleep(for: .milliseconds(20))
                    continue
                }
                _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK)
                await serve(client)
                close(client)
            }
        }
    }

    private func serve(_ client: Int32) async {
        let deadline = ContinuousClock.now + .seconds(2)
        var request: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 2048)
        while request.count < 8192 {
            let n = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                request += buffer[0..<n]
                if containsTerminator(request) { break }
            } else if n == 0 {
                break
            } else if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
                if ContinuousClock.now > deadline || Task.isCancelled { return }
                try? await Task.sleep(for: .milliseconds(2))
            } else {
                return
            }
        }
        let isMetrics = request.starts(with: Array("GET /metrics ".utf8)) || request.starts(with: Array("GET /metrics?".utf8))
        let body = isMetrics ? PrometheusText.render(aggregator.currentValues()) : "not found\n"
        let status = isMetrics ? "200 OK" : "404 Not Found"
        let contentType = isMetrics ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain; charset=utf-8"
        let bodyBytes = Array(body.utf8)
        let response = Array("HTTP/1.1 \(status)\r\nContent-Type: \(contentType)\r\nContent-Length: \(bodyBytes.count)\r\nConnection: close\r\n\r\n".utf8) + bodyBytes
        var offset = 0
        let writeDeadline = ContinuousClock.now + .seconds(5)
        while offset < response.count {
            let n = response.withUnsafeBytes { send(client, $0.baseAddress! + offset, $0.count - offset, noSignalFlag) }
            if n > 0 {
                offset += n
            } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                if ContinuousClock.now > writeDeadline || Task.isCancelled { return }
                try? await Task.sleep(for: .milliseconds(2))
            } else {
                return
            }
        }
    }

    private func containsTerminator(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 4 else { return false }
        for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return true
        }
        return false
    }
}
