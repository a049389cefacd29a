import Foundation
import Fetch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP/1.1 server for tests: POSIX sockets on a loopback address with an ephemeral port,
/// one thread per connection, responses scripted by a handler. It never listens outside loopback.
final class LoopbackHTTPServer: Sendable {
    /// One parsed request (GET/HEAD; bodies are not read).
    struct Request: Sendable {
        var method: String
        var target: String
        var headers: [(String, String)]
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    /// What the connection does after the handler returns.
    enum Next { case keepAlive, close }

    /// The client connection, for the handler to answer on.
    final class Connection: @unchecked Sendable {
        let fd: Int32
        let server: LoopbackHTTPServer
        fileprivate init(fd: Int32, server: LoopbackHTTPServer) { self.fd = fd; self.server = server }

        /// Writes all of `bytes`; false once the peer is gone.
        @discardableResult
        func write(_ bytes: [UInt8]) -> Bool {
            var offset = 0
            while offset < bytes.count {
                let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if sent <= 0 { return false }
                offset += sent
            }
            return true
        }

        @discardableResult
        func write(_ text: String) -> Bool { write(Array(text.utf8)) }

        /// Writes a complete response with `Content-Length`.
        @discardableResult
        func respond(_ status: Int, _ reason: String = "OK", headers: [(String, String)] = [], body: [UInt8] = []) -> Bool {
            var head = "HTTP/1.1 \(status) \(reason)\r\n"
            for (name, value) in headers { head += "\(name): \(value)\r\n" }
            head += "Content-Length: \(body.count)\r\n\r\n"
            return write(Array(head.utf8) + body)
        }

        /// Blocks until the client closes the connection (or the server stops).
        func waitForPeerClose() {
            var byte: UInt8 = 0
            while recv(fd, &byte, 1, 0) > 0 {}
        }

        /// Records an event for the test to assert on.
        func note(_ event: String) { server.events.withLock { $0.append(event) } }
    }

    typealias Handler = @Sendable (Request, Connection) -> Next

    /// The address listened on (`127.0.0.1` or `::1`).
    let host: String
    let port: Int
    private let listener: Int32
    private let handler: Handler
    private let counters = Mutex((connections: 0, requests: [Request]()))
    fileprivate let events = Mutex([String]())
    private let openConnections = Mutex(Set<Int32>())

    /// `http://127.0.0.1:PORT` or `http://[::1]:PORT`.
    var baseURL: String { host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)" }
    /// Connections accepted so far.
    var connectionCount: Int { counters.withLock { $0.connections } }
    /// Requests received so far.
    var requests: [Request] { counters.withLock { $0.requests } }
    /// Events noted by handlers.
    var notedEvents: [String] { events.withLock { $0 } }

    init(host: String = "127.0.0.1", handler: @escaping Handler) throws {
        self.host = host
        self.handler = handler
        let v6 = host.contains(":")
        let fd = socket(v6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ServerError.socket(errno) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var boundPort = 0
        if v6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            inet_pton(AF_INET6, host, &address.sin6_addr)
            let rc = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
            guard rc == 0 else { close(fd); throw ServerError.bind(errno) }
            var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
            boundPort = Int(UInt16(bigEndian: address.sin6_port))
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            inet_pton(AF_INET, host, &address.sin_addr)
            let rc = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            guard rc == 0 else { close(fd); throw ServerError.bind(errno) }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
            boundPort = Int(UInt16(bigEndian: address.sin_port))
        }
        guard listen(fd, 128) == 0 else { close(fd); throw ServerError.listen(errno) }
        self.listener = fd
        self.port = boundPort
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit { stop() }

    /// Stops accepting and closes every open connection.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        for fd in openConnections.withLock({ $0 }) { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                close(listener)
                return
            }
            counters.withLock { $0.connections += 1 }
            openConnections.withLock { _ = $0.insert(client) }
            let connection = Connection(fd: client, server: self)
            let thread = Thread { [self] in serve(connection) }
            thread.start()
        }
    }

    private func serve(_ connection: Connection) {
        defer {
            openConnections.withLock { _ = $0.remove(connection.fd) }
            close(connection.fd)
        }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let terminator: [UInt8] = [13, 10, 13, 10]
            var end: Int?
            while end == nil {
                if let found = buffer.firstRange(of: terminator) { end = found.upperBound; break }
                let count = recv(connection.fd, &chunk, chunk.count, 0)
                if count <= 0 { return }
                buffer.append(contentsOf: chunk[0..<count])
            }
            guard let end, let request = Self.parse(Array(buffer[0..<end])) else { return }
            buffer.removeFirst(end)
            counters.withLock { $0.requests.append(request) }
            if handler(request, connection) == .close { return }
        }
    }

    private static func parse(_ head: [UInt8]) -> Request? {
        let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")
        let first = lines[0].split(separator: " ")
        guard first.count >= 2 else { return nil }
        var headers: [(String, String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        return Request(method: String(first[0]), target: String(first[1]), headers: headers)
    }

    enum ServerError: Error { case socket(Int32), bind(Int32), listen(Int32) }
}

/// Test helpers.
enum Fixtures {
    /// `bytes` compressed by the system `gzip` (always present on Debian).
    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fetchtests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("body")
        try Data(bytes).write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-9", "-k", input.path]
        try process.run()
        process.waitUntilExit()
        return Array(try Data(contentsOf: directory.appendingPathComponent("body.gz")))
    }

    /// A fetcher for loopback tests: guard on with loopback allowlisted, no politeness delay, short timeouts.
    static func configuration(allowLoopback: Bool = true) -> FetchConfiguration {
        var configuration = FetchConfiguration()
        configuration.addressGuard = AddressGuard(allowlist: allowLoopback ? [AllowRule("127.0.0.0/8")!, AllowRule("::1")!] : [])
        configuration.perHostMinimumDelay = .zero
        // Upper bounds only: a loaded 2-core CI machine running other suites in parallel has
        // stretched a loopback redirect chain past 20 s. Timeout tests set their own, shorter ones.
        configuration.connectTimeout = .seconds(15)
        configuration.totalTimeout = .seconds(90)
        return configuration
    }
}

/// A loopback listener that never accepts, its backlog filled by idle client sockets, so a further
/// connection attempt hangs in the SYN stage (for connect-timeout tests).
final class FullBacklogListener {
    let port: Int
    private var descriptors: [Int32] = []

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        guard withUnsafePointer(to: &address, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, size) } }) == 0,
              listen(listener, 0) == 0 else { throw LoopbackHTTPServer.ServerError.listen(errno) }
        var length = size
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        port = Int(UInt16(bigEndian: address.sin_port))
        descriptors.append(listener)
        for _ in 0..<4 { // backlog 0 admits one or two; the rest sit in SYN_SENT
            let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, size) } }
            descriptors.append(client)
        }
    }

    deinit { for fd in descriptors { close(fd) } }
}
