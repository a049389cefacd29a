#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Where structured lines go.
public enum LineDestination: Sendable {
    /// Standard output (journald captures it when run under systemd).
    case standardOutput
    /// Standard error.
    case standardError
    /// A caller-supplied sink (tests, or a custom transport); receives each line including its newline.
    /// It may be called from several threads at once and must synchronise itself.
    case custom(@Sendable (String) -> Void)
}

/// Writes whole lines to a destination, one `write(2)` per line under a lock so lines never interleave.
public final class LineWriter: Sendable {
    private let destination: LineDestination
    private let lock = Mutex<Void>(())

    /// Creates a writer for `destination`.
    public init(_ destination: LineDestination) {
        self.destination = destination
    }

    /// Whether the destination is a terminal (never true for custom sinks).
    public var isTerminal: Bool {
        switch destination {
        case .standardOutput: return isatty(1) == 1
        case .standardError: return isatty(2) == 1
        case .custom: return false
        }
    }

    /// Writes one encoded line (which should end in `\n`). Short writes are retried; EINTR is retried;
    /// other errors drop the line (a logger must not crash the process).
    public func write(_ bytes: [UInt8]) {
        let fd: Int32
        switch destination {
        case .standardOutput: fd = 1
        case .standardError: fd = 2
        case .custom(let sink):
            sink(String(decoding: bytes, as: UTF8.self))
            return
        }
        lock.withLock { _ in
            bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    #if canImport(Glibc)
                    let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                    #else
                    let n = Darwin.write(fd, raw.baseAddress! + offset, raw.count - offset)
                    #endif
                    if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { return }
                }
            }
        }
    }
}
