import Synchronization

/// A one-shot "stop taking new work" flag that tasks can also wait for.
public final class StopSignal: Sendable {
    private struct State {
        var stopped = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    public init() {}

    /// True once ``stop()`` was called.
    public var isStopped: Bool { state.withLock { $0.stopped } }

    /// Sets the flag and wakes every waiter. Idempotent.
    public func stop() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            if s.stopped { return [] }
            s.stopped = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for w in waiters { w.resume() }
    }

    /// Suspends until ``stop()`` was called (returns at once if it was).
    public func wait() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s in
                if s.stopped { return true }
                s.waiters.append(c)
                return false
            }
            if now { c.resume() }
        }
    }
}

/// Polls `condition` every few milliseconds until it holds or `timeout` passes; returns whether it held.
func waitUntil(isolation: isolated (any Actor)? = #isolation, timeout: Duration, _ condition: () -> Bool) async -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while true {
        if condition() { return true }
        if clock.now >= deadline || Task.isCancelled { return false }
        try? await Task.sleep(for: .milliseconds(5))
    }
}
