import CRdKafka
import Foundation
import Logging
import Synchronization

/// Per-client state reachable from librdkafka's C callbacks through the `opaque` pointer.
///
/// C callbacks cannot capture context; every client sets its `ClientContext` as the conf opaque
/// (unretained: the owning ``KafkaHandle`` keeps it alive until after `rd_kafka_destroy`).
final class ClientContext: Sendable {
    let logger: Logger
    let statisticsHandler: (@Sendable (String) -> Void)?
    /// The first fatal error reported through `error_cb`.
    let fatalError = Mutex<KafkaError?>(nil)
    /// The consumer's rebalance handler (set once, before `rd_kafka_new`; called on the poll thread).
    let rebalanceHandler: Mutex<(@Sendable (OpaquePointer, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> Void)?>

    init(logger: Logger, statisticsHandler: (@Sendable (String) -> Void)?) {
        self.logger = logger
        self.statisticsHandler = statisticsHandler
        self.rebalanceHandler = Mutex(nil)
    }

    static func from(_ opaque: UnsafeMutableRawPointer?) -> ClientContext? {
        guard let opaque else { return nil }
        return Unmanaged<ClientContext>.fromOpaque(opaque).takeUnretainedValue()
    }
}

/// Owns one `rd_kafka_t`: created in `init`, destroyed exactly once by ``destroy()`` or `deinit`.
///
/// Calls go through ``withHandle(_:)``, which refuses after `destroy()` began and makes `destroy()`
/// wait for calls in progress, so the pointer is never used after it is freed.
final class KafkaHandle: Sendable {
    private struct State {
        var closed = false
        var users = 0
        var destroyed = false
    }

    nonisolated(unsafe) let pointer: OpaquePointer
    let context: ClientContext
    let what: String
    private let state = Mutex(State())

    /// Creates the client. `configure` may install extra callbacks on the conf before `rd_kafka_new`.
    init(type: rd_kafka_type_t, configuration: KafkaConfiguration, context: ClientContext, what: String,
         configure: (OpaquePointer) -> Void = { _ in }) throws(KafkaError) {
        let conf = try configuration.makeConf()
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(context).toOpaque())
        rd_kafka_conf_set_log_cb(conf) { rk, level, facility, buffer in
            guard let rk, let context = ClientContext.from(rd_kafka_opaque(rk)) else { return }
            let facility = facility.map { String(cString: $0) } ?? ""
            let text = buffer.map { String(cString: $0) } ?? ""
            context.logger.log(level: KafkaHandle.logLevel(syslog: level), "\(text)",
                               metadata: ["librdkafka.facility": "\(facility)"])
        }
        rd_kafka_conf_set_error_cb(conf) { rk, code, reason, opaque in
            guard let context = ClientContext.from(opaque) else { return }
            let err = rd_kafka_resp_err_t(rawValue: code)
            let reason = reason.map { String(cString: $0) } ?? ""
            if err == RD_KAFKA_RESP_ERR__FATAL, let rk {
                var buf = [CChar](repeating: 0, count: 512)
                let code = rd_kafka_fatal_error(rk, &buf, buf.count)
                let fatal = KafkaError(code: code, message: cString(buf), isFatal: true)
                context.fatalError.withLock { if $0 == nil { $0 = fatal } }
                context.logger.critical("librdkafka fatal error: \(fatal)")
            } else {
                context.logger.warning("librdkafka error \(String(cString: rd_kafka_err2name(err))): \(reason)")
            }
        }
        if configuration["statistics.interval.ms"].map({ (Int($0) ?? 0) > 0 }) ?? false {
            rd_kafka_conf_set_stats_cb(conf) { _, json, length, opaque in
                guard let context = ClientContext.from(opaque), let json else { return 0 }
                let text = String(decoding: UnsafeRawBufferPointer(start: json, count: length), as: UTF8.self)
                if let handler = context.statisticsHandler { handler(text) } else {
                    context.logger.debug("librdkafka statistics", metadata: ["statistics": "\(text)"])
                }
                return 0
            }
        }
        configure(conf)
        var errstr = [CChar](repeating: 0, count: 512)
        guard let rk = rd_kafka_new(type, conf, &errstr, errstr.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError(kind: .configuration, code: RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue,
                             codeName: "CONFIGURATION", message: cString(errstr))
        }
        self.pointer = rk
        self.context = context
        self.what = what
    }

    /// Runs `body` with the live handle, or throws `.closed` once destruction began.
    func withHandle<T>(_ body: (OpaquePointer) throws(KafkaError) -> T) throws(KafkaError) -> T {
        let ok = state.withLock { s -> Bool in
            if s.closed { return false }
            s.users += 1
            return true
        }
        guard ok else { throw KafkaError.closed(what) }
        defer { state.withLock { $0.users -= 1 } }
        return try body(pointer)
    }

    /// Whether ``markClosed()`` was called.
    var isClosed: Bool { state.withLock { $0.closed } }

    /// Refuses new calls from now on (calls in progress finish).
    func markClosed() { state.withLock { $0.closed = true } }

    /// Refuses new calls, waits for calls in progress, and frees the handle (once; idempotent).
    func destroy() {
        state.withLock { $0.closed = true }
        while state.withLock({ $0.users }) > 0 { usleep(1000) }
        let first = state.withLock { s -> Bool in
            if s.destroyed { return false }
            s.destroyed = true
            return true
        }
        if first { rd_kafka_destroy(pointer) }
    }

    deinit { destroy() }

    static func logLevel(syslog level: Int32) -> Logger.Level {
        switch level {
        case ...2: return .critical
        case 3: return .error
        case 4: return .warning
        case 5: return .notice
        case 6: return .info
        default: return .debug
        }
    }
}

/// Runs a blocking librdkafka call on its own thread so that Swift's cooperative pool never blocks.
func runBlocking<T: Sendable>(_ name: String, _ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
        let thread = Thread { continuation.resume(returning: body()) }
        thread.name = name
        thread.start()
    }
}

/// Runs a blocking, throwing librdkafka call on its own thread.
func runBlocking<T: Sendable>(_ name: String, _ body: @escaping @Sendable () throws(KafkaError) -> T) async throws(KafkaError) -> T {
    let result: Result<T, KafkaError> = await runBlocking(name) { () -> Result<T, KafkaError> in
        do throws(KafkaError) { return .success(try body()) } catch { return .failure(error) }
    }
    return try result.get()
}

/// A thread that runs `body` until it returns, with a way to wait for its end.
final class ServiceThread: Sendable {
    private let finished = DispatchSemaphore(value: 0)
    private let threadID = ThreadIdentity()

    init(name: String, body: @escaping @Sendable () -> Void) {
        let finished = self.finished
        let threadID = self.threadID
        let thread = Thread {
            threadID.value.withLock { $0 = pthread_self() }
            body()
            finished.signal()
        }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Whether the caller is running on this thread.
    var isCurrent: Bool {
        guard let id = threadID.value.withLock({ $0 }) else { return false }
        return pthread_equal(id, pthread_self()) != 0
    }

    /// Blocks until the thread's body returned (call once).
    func join() {
        finished.wait()
        finished.signal() // let any later join return too
    }
}

/// True for the first caller of ``claim()`` only.
final class OnceFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func claim() -> Bool {
        value.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    }
}

/// The text of a NUL-terminated C buffer.
func cString(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// A stop flag shared between an owner and its thread.
final class StopFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}

/// The pthread a ``ServiceThread`` runs on, once started.
final class ThreadIdentity: Sendable {
    let value = Mutex<pthread_t?>(nil)
}

/// A mutex between a consumer's poll thread and the callers that change its manual assignment,
/// held across a blocking `rd_kafka_consumer_poll` (hence not a `Mutex` closure). A change
/// announces itself first: the poll thread then leaves the gate to it instead of taking it again,
/// and the change wakes the poll in progress (`rd_kafka_queue_yield`) rather than wait out its
/// timeout.
final class PollGate: @unchecked Sendable {
    private let mutex = NSLock()
    private let changesWaiting = Atomic<Int>(0)

    /// Poll thread: takes the gate once no assignment change is waiting for it.
    func lockForPoll() {
        while changesWaiting.load(ordering: .acquiring) > 0 { usleep(100) }
        mutex.lock()
    }

    /// Poll thread: releases the gate after a poll.
    func unlockAfterPoll() { mutex.unlock() }

    /// Assignment change, step 1: from now on the poll thread does not take the gate again.
    func announceChange() { changesWaiting.add(1, ordering: .acquiringAndReleasing) }

    /// Assignment change, step 2 (after waking the poll in progress): waits for the gate.
    func lockForChange() { mutex.lock() }

    /// Assignment change done.
    func unlockAfterChange() {
        mutex.unlock()
        changesWaiting.subtract(1, ordering: .releasing)
    }
}
