/// Politeness across all jobs of one worker: at most `concurrency` requests in flight per host, and at
/// least `minimumDelay` between the starts of two requests to the same host.
///
/// A permit is reserved on `acquire` (so waiters do not stampede) and returned by `release`.
public actor HostGate {
    private struct HostState {
        var active = 0
        var nextStart: ContinuousClock.Instant
        var waiters: [Waiter] = []
    }

    /// A task waiting for a permit; resumed with true when a permit was returned, false when cancelled.
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Bool, Never>
    }

    public let concurrency: Int
    public let minimumDelay: Duration
    private var hosts: [String: HostState] = [:]
    private let clock = ContinuousClock()
    private var nextWaiterID: UInt64 = 0
    private var acquisitions: UInt64 = 0

    public init(concurrency: Int, minimumDelay: Duration) {
        self.concurrency = max(1, concurrency)
        self.minimumDelay = max(.zero, minimumDelay)
    }

    /// Waits for a permit for `host`. Throws `CancellationError` (holding no permit) if the task is
    /// cancelled while waiting for a permit or for the start delay.
    public func acquire(_ host: String) async throws(CancellationError) {
        let key = host.lowercased()
        while (hosts[key]?.active ?? 0) >= concurrency {
            if Task.isCancelled { throw CancellationError() }
            nextWaiterID += 1
            let id = nextWaiterID
            let woken = await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                    hosts[key, default: HostState(nextStart: clock.now)].waiters.append(Waiter(id: id, continuation: continuation))
                }
            } onCancel: {
                // Runs after the waiter is queued: the actor is busy until the continuation is stored.
                Task { await self.cancelWaiter(key, id: id) }
            }
            if !woken { throw CancellationError() }
        }
        sweepIdleHosts()
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
            next.continuation.resume(returning: true)
            return
        }
        if state.active == 0, state.nextStart <= clock.now {
            hosts[key] = nil // idle and past its delay: forget the host (bounded memory)
        } else {
            hosts[key] = state
        }
    }

    /// Forgets hosts with nothing in flight, nobody waiting and their delay passed, once the table is
    /// large (hosts seen once would otherwise stay forever when `minimumDelay` outlasts their request).
    private func sweepIdleHosts() {
        acquisitions &+= 1
        guard hosts.count > 4096, acquisitions % 1024 == 0 else { return }
        let now = clock.now
        hosts = hosts.filter { $0.value.active > 0 || !$0.value.waiters.isEmpty || $0.value.nextStart > now }
    }

    private func cancelWaiter(_ key: String, id: UInt64) {
        guard let index = hosts[key]?.waiters.firstIndex(where: { $0.id == id }) else { return }
        let waiter = hosts[key]!.waiters.remove(at: index)
        waiter.continuation.resume(returning: false)
    }

    /// Hosts currently remembered (for tests and metrics).
    public var trackedHostCount: Int { hosts.count }

    /// Requests in flight to `host` (for tests and metrics).
    public func inFlight(_ host: String) -> Int { hosts[host.lowercased()]?.active ?? 0 }
}
