import CCurl
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Runs curl transfers on one dedicated thread driving a `curl_multi` handle, so blocking network I/O
/// never occupies Swift's cooperative pool. Callers suspend on a continuation until their transfer ends.
///
/// The multi handle owns the connection pool (keep-alive and HTTP/2 multiplexing are reused across all
/// transfers) and the DNS cache. `shutdown()` ends the thread; transfers still running end as cancelled.
final class CurlMultiEngine: Sendable {
    private struct Inbox: ~Copyable {
        var submitted: [CurlTransfer] = []
        var cancelled: [UInt64] = []
        var stopping = false
        var nextID: UInt64 = 1
    }

    private let inbox = Mutex(Inbox())
    /// Used from other threads only through `curl_multi_wakeup`, which is thread-safe.
    nonisolated(unsafe) private let multi: UnsafeMutableRawPointer

    init(maxConnections: Int) {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        multi = curl_multi_init()
        _ = fw_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, maxConnections)
        _ = fw_curl_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        let loop = Unmanaged.passRetained(EngineLoop(multi: multi, engine: self))
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { argument in
            let loop = Unmanaged<EngineLoop>.fromOpaque(argument!).takeRetainedValue()
            loop.run()
            return nil
        }, loop.toOpaque())
        if rc == 0 { pthread_detach(thread) } else { loop.release() }
    }

    /// Runs one transfer and returns what happened (never throws: errors are in the outcome).
    func perform(_ spec: TransferSpec) async -> TransferOutcome {
        let id = inbox.withLock { inbox in
            defer { inbox.nextID += 1 }
            return inbox.nextID
        }
        let transfer = CurlTransfer(id: id, spec: spec)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                transfer.continuation = continuation
                let accepted = inbox.withLock { inbox in
                    guard !inbox.stopping else { return false }
                    inbox.submitted.append(transfer)
                    // Cancelled before the submission was queued: onCancel's request may be processed
                    // before the transfer exists, so queue one after it.
                    if Task.isCancelled { inbox.cancelled.append(id) }
                    return true
                }
                if accepted {
                    curl_multi_wakeup(multi)
                } else {
                    transfer.continuation = nil
                    var outcome = TransferOutcome()
                    outcome.cancelled = true
                    continuation.resume(returning: outcome)
                }
            }
        } onCancel: {
            inbox.withLock { $0.cancelled.append(id) }
            curl_multi_wakeup(multi)
        }
    }

    deinit {
        // Reached only after the engine thread has ended (it holds a reference), so no handle is in use.
        curl_multi_cleanup(multi)
    }

    /// Stops the engine thread; in-flight transfers finish as cancelled. Idempotent.
    func shutdown() {
        inbox.withLock { $0.stopping = true }
        curl_multi_wakeup(multi)
    }

    fileprivate func takeInbox() -> (submitted: [CurlTransfer], cancelled: [UInt64], stopping: Bool) {
        inbox.withLock { inbox in
            defer { inbox.submitted.removeAll(); inbox.cancelled.removeAll() }
            return (inbox.submitted, inbox.cancelled, inbox.stopping)
        }
    }
}

/// The engine thread's state (touched by that thread only).
private final class EngineLoop {
    let multi: UnsafeMutableRawPointer
    let engine: CurlMultiEngine
    var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]

    init(multi: UnsafeMutableRawPointer, engine: CurlMultiEngine) {
        self.multi = multi
        self.engine = engine
    }

    func run() {
        while true {
            let (submitted, cancelled, stopping) = engine.takeInbox()
            for transfer in submitted {
                guard transfer.configure(), let easy = transfer.easy,
                      curl_multi_add_handle(multi, easy) == CURLM_OK else {
                    transfer.outcome.curlCode = Int(CURLE_FAILED_INIT.rawValue)
                    transfer.outcome.errorMessage = "could not set up the transfer"
                    finish(transfer)
                    continue
                }
                active[easy] = transfer
            }
            for id in cancelled {
                if let (easy, transfer) = active.first(where: { $0.value.id == id }) {
                    curl_multi_remove_handle(multi, easy)
                    active[easy] = nil
                    transfer.outcome.cancelled = true
                    finish(transfer)
                }
            }
            if stopping {
                for (easy, transfer) in active {
                    curl_multi_remove_handle(multi, easy)
                    transfer.outcome.cancelled = true
                    finish(transfer)
                }
                active.removeAll()
                // Anything submitted after our last look is answered too.
                for transfer in engine.takeInbox().submitted { transfer.outcome.cancelled = true; finish(transfer) }
                return // the multi handle is freed by the engine's deinit
            }
            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            var easy: UnsafeMutableRawPointer?
            var result = CURLE_OK
            while fw_curl_multi_next_done(multi, &easy, &result) == 1 {
                guard let done = easy, let transfer = active.removeValue(forKey: done) else { continue }
                transfer.collect(result: result)
                curl_multi_remove_handle(multi, done)
                finish(transfer)
            }
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
    }

    private func finish(_ transfer: CurlTransfer) {
        transfer.releaseHandle()
        let continuation = transfer.continuation
        transfer.continuation = nil
        continuation?.resume(returning: transfer.outcome)
    }
}
