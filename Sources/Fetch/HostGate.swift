/// Politeness across all jobs of one worker: at most `concurrency` requests in flight per host, and at
/// least `minimumDelay` between the starts of two requests to the same host.
///
/// A permit is reserved on `acquire` (so waiters do not stampede) and returned by `release`.
public actor HostGate {
    private struct HostState {
        var active = 0
        var nextStart: ContinuousClock.Instant
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    public let concurrency: Int
    public let minimumDelay: Duration
    private var hosts: [String: HostState] = [:]
    private let clock = ContinuousClock()

    public init(concurrency: Int, minimumDelay: Duration) {
        self.concurrency = max(1, concurrency)
        self.minimumDelay = max(.zero, minimumDelay)
    }

    /// Waits for a permit for `host`. Throws `CancellationError` (permit already returned) if the task is
    /// cancelled while waiting for the start delay.
    public func acquire(_ host: String) async throws(CancellationError) {
        let key = host.lowercased()
        while (hosts[key]?.active ?? 0) >= concurrency {
            await withCheckedContinuation { continuation in
                hosts[key, default: HostState(nextStart: clock.now)].waiters.append(continuation)
            }
        }
        var state = hosts[key] ?? HostState(nextStart: clock.now)
        let now = clock.now
        let start = max(now, state.nextStart)
        state.active += 1
        state.nextStart = start + minimumDelay
        hosts[key] = state
        if start > now {
            do {
                try await Task.sleep(until: start, clock: clock)
            } catch {
                release(host)
                throw CancellationError()
            }
        }
    }

    /// Returns a permit taken by `acquire`.
    public func release(_ host: String) {
        let key = host.lowercased()
        guard var state = hosts[key] else { return }
        state.active = max(0, state.active - 1)
        if !state.waiters.isEmpty {
            let next = state.waiters.removeFirst()
            hosts[key] = state
            next.resume()
            return
        }
        if state.active == 0, state.nextStart <= clock.now {
            hosts[key] = nil // idle and past its delay: forget the host (bounded memory)
        } else {
            hosts[key] = state
        }
    }

    /// Requests in flight to `host` (for tests and metrics).
    public func inFlight(_ host: String) -> Int { hosts[host.lowercased()]?.active ?? 0 }
}
