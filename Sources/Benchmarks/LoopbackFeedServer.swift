import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Hands out 0, 1, 2... to concurrent workers.
final class IndexCounter: Sendable {
    private let value = Atomic<Int>(0)
    func take() -> Int { value.add(1, ordering: .relaxed).oldValue }
}

/// A keep-alive HTTP/1.1 server on 127.0.0.1...127.0.0.N for the fetch benchmark: thread per
/// connection, `GET /feed/<i>` answers document i.
final class LoopbackFeedServer: Sendable {
    /// The port of each listener, for 127.0.0.1 ... 127.0.0.N in that order.
    let ports: [Int]
    private let listeners: [Int32]
    private let documents: [[UInt8]]
    private let accepted = Atomic<Int>(0)
    private let open = Mutex(Set<Int32>())

    /// Connections accepted so far, over all listeners.
    var connectionsAccepted: Int { accepted.load(ordering: .relaxed) }

    /// Listens on 127.0.0.1 ... 127.0.0.`hostCount` (an ephemeral port each) and starts serving.
    /// - Throws: ``BenchmarkError/listenFailed(address:errno:)``.
    init(hostCount: Int, documents: [[UInt8]]) throws {
        self.documents = documents
        var listeners: [Int32] = []
        var ports: [Int] = []
        for host in 1...hostCount {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var yes: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            inet_pton(AF_INET, "127.0.0.\(host)", &address.sin_addr)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard fd >= 0, bound == 0, listen(fd, 512) == 0 else {
                throw BenchmarkError.listenFailed(address: "127.0.0.\(host)", errno: errno)
            }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
            listeners.append(fd)
            ports.append(Int(UInt16(bigEndian: address.sin_port)))
        }
        self.listeners = listeners
        self.ports = ports
        for fd in listeners { Thread { [self] in acceptLoop(fd) }.start() }
    }

    /// Shuts the listeners and the open connections down (their threads then end).
    func stop() {
        for fd in listeners { shutdown(fd, Int32(SHUT_RDWR)) }
        for fd in open.withLock({ $0 }) { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    private func acceptLoop(_ listener: Int32) {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { if errno == EINTR { continue }; close(listener); return }
            accepted.add(1, ordering: .relaxed)
            open.withLock { _ = $0.insert(client) }
            Thread { [self] in serve(client) }.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer { open.withLock { _ = $0.remove(fd) }; close(fd) }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 8192)
        while true {
            var headEnd: Int?
            while headEnd == nil {
                if buffer.count >= 4 {
                    for index in 3..<buffer.count where buffer[index - 3] == 13 && buffer[index - 2] == 10 && buffer[index - 1] == 13 && buffer[index] == 10 {
                        headEnd = index + 1
                        break
                    }
                }
                if headEnd != nil { break }
                let count = recv(fd, &chunk, chunk.count, 0)
                if count <= 0 { return }
                buffer.append(contentsOf: chunk[0..<count])
            }
            let head = String(decoding: buffer[0..<headEnd!], as: UTF8.self)
            buffer.removeFirst(headEnd!)
            let target = head.split(separator: " ", maxSplits: 2).dropFirst().first ?? ""
            let index = target.hasPrefix("/feed/") ? Int(target.dropFirst(6)) : nil
            let response: [UInt8]
            if let index, documents.indices.contains(index) {
                let body = documents[index]
                response = Array("HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml; charset=utf-8\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
            } else {
                response = Array("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".utf8)
            }
            var offset = 0
            while offset < response.count {
                let sent = response[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if sent <= 0 { return }
                offset += sent
            }
        }
    }
}
