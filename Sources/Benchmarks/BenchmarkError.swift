/// Why a benchmark stopped before printing its figures.
public enum BenchmarkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input file or folder does not exist.
    case inputMissing(path: String)
    /// The input folder holds no document to measure.
    case inputEmpty(folder: String)
    /// The benchmark's loopback server could not listen on `address`.
    case listenFailed(address: String, errno: Int32)
    /// Some Kafka deliveries of the produce phase failed.
    case deliveriesFailed(count: Int)
    /// The consume phase read fewer messages or bytes than were produced.
    case consumeIncomplete(messages: Int, bytes: Int)
    /// The passthrough phase had fewer outputs acknowledged than inputs read.
    case passthroughIncomplete(acknowledged: Int, expected: Int)
    /// The dedupe store answered "first sight" for hashes it had recorded.
    case storeLostHashes(found: Int, expected: Int)

    /// The message as `feedworker bench` prints it.
    public var description: String {
        switch self {
        case .inputMissing(let path): return "no such file or directory: \(path)"
        case .inputEmpty(let folder): return "no pages in \(folder)"
        case .listenFailed(let address, let errno): return "cannot listen on \(address): errno \(errno)"
        case .deliveriesFailed(let count): return "produce: \(count) deliveries failed"
        case .consumeIncomplete(let messages, let bytes): return "consume: got \(messages) messages, \(bytes) bytes"
        case .passthroughIncomplete(let acknowledged, let expected): return "passthrough: \(acknowledged) acknowledged of \(expected)"
        case .storeLostHashes(let found, let expected): return "store lost hashes: \(found) of \(expected) found"
        }
    }
}
