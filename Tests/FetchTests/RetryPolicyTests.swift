import Testing
@testable import Fetch
import TestSupport


@Suite struct RetryPolicyTests {
    @Test func classification() {
        let transient: [FetchError] = [
            .timedOut(.connect, url: "u"), .timedOut(.lowSpeed, url: "u"), .connectFailed(url: "u", message: "refused"),
            .dnsFailure(host: "h", message: "m"), .httpStatus(status: 500, url: "u", retryAfter: nil),
            .httpStatus(status: 503, url: "u", retryAfter: .seconds(5)), .httpStatus(status: 429, url: "u", retryAfter: nil),
            .transport(code: 56, message: "reset", url: "u"),
        ]
        let final: [FetchError] = [
            .httpStatus(status: 404, url: "u", retryAfter: nil), .httpStatus(status: 403, url: "u", retryAfter: nil),
            .httpStatus(status: 410, url: "u", retryAfter: nil), .bodyTooLarge(limit: 1, compressed: true, url: "u"),
            .unsupportedScheme(scheme: "file", url: "u"), .invalidURL("u"), .redirectLoop(chain: []),
            .tooManyRedirects(limit: 5, chain: []),
        ]
        for error in transient { #expect(RetryPolicy.isTransient(error), "\(error)") }
        for error in final { #expect(!RetryPolicy.isTransient(error), "\(error)") }
    }

    @Test func exponentialBackoffWithJitterIsBoundedAndCapped() {
        var policy = RetryPolicy()
        policy.baseDelay = .seconds(10)
        policy.multiplier = 2
        policy.maxDelay = .seconds(60)
        policy.jitter = 0.5
        policy.maxAttempts = 10
        var generator = SplitMix64(seed: 42)
        let error = FetchError.httpStatus(status: 502, url: "u", retryAfter: nil)
        // Un-jittered delays: 10, 20, 40, 60 (cap), 60; jitter draws from [d/2, d].
        for (attempt, full) in [(1, 10.0), (2, 20.0), (3, 40.0), (4, 60.0), (5, 60.0)] {
            guard case .retry(let after) = policy.decide(error: error, attempt: attempt, using: &generator) else {
                Issue.record("attempt \(attempt) should retry"); continue
            }
            #expect(after >= .milliseconds(Int64(full * 500)) && after <= .seconds(full), "attempt \(attempt): \(after)")
        }
    }

    @Test func givesUpAfterMaxAttempts() {
        var policy = RetryPolicy()
        policy.maxAttempts = 3
        let error = FetchError.timedOut(.total, url: "u")
        if case .giveUp = policy.decide(error: error, attempt: 2) { Issue.record("attempt 2 of 3 should retry") }
        guard case .giveUp(let reason) = policy.decide(error: error, attempt: 3) else { Issue.record("should give up"); return }
        #expect(reason.hasPrefix("fetch.timeout.total after 3 attempts"))
    }

    @Test func retryAfterIsHonouredAndCapped() {
        var policy = RetryPolicy()
        policy.baseDelay = .seconds(1)
        policy.maxRetryAfter = .seconds(600)
        var generator = SplitMix64(seed: 1)
        let polite = FetchError.httpStatus(status: 503, url: "u", retryAfter: .seconds(300))
        #expect(policy.decide(error: polite, attempt: 1, using: &generator) == .retry(after: .seconds(300)))
        let greedy = FetchError.httpStatus(status: 429, url: "u", retryAfter: .seconds(86_400))
        #expect(policy.decide(error: greedy, attempt: 1, using: &generator) == .retry(after: .seconds(600)))
    }
}

@Suite struct HostGateTests {
    actor Tracker {
        var current = 0, peak = 0
        func enter() { current += 1; peak = max(peak, current) }
        func leave() { current -= 1 }
    }

    @Test func perHostConcurrencyIsBounded() async throws {
        let gate = HostGate(concurrency: 2, minimumDelay: .zero)
        let tracker = Tracker()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await gate.acquire("example.org")
                    await tracker.enter()
                    try await Task.sleep(for: .milliseconds(20))
                    await tracker.leave()
                    await gate.release("example.org")
                }
            }
            try await group.waitForAll()
        }
        #expect(await tracker.peak == 2)
        #expect(await gate.inFlight("example.org") == 0)
    }

    @Test func otherHostsAreNotHeldBack() async throws {
        let gate = HostGate(concurrency: 1, minimumDelay: .zero)
        try await gate.acquire("a.example")
        try await gate.acquire("B.example")
        #expect(await gate.inFlight("a.example") == 1)
        #expect(await gate.inFlight("b.example") == 1, "hosts are case-insensitive and independent")
    }

    @Test func minimumDelayBetweenStarts() async throws {
        let gate = HostGate(concurrency: 4, minimumDelay: .milliseconds(100))
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<3 {
            try await gate.acquire("slow.example")
            await gate.release("slow.example")
        }
        // Starts at >= 0, 100, 200 ms: a lower bound, which cannot flake on a loaded machine.
        #expect(clock.now - start >= .milliseconds(200))
    }

    @Test func cancelledWaiterLeavesWithoutAPermit() async throws {
        let gate = HostGate(concurrency: 1, minimumDelay: .zero)
        try await gate.acquire("busy.example")
        let waiter = Task { () async -> Bool in
            do { try await gate.acquire("busy.example"); return true } catch { return false }
        }
        try await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        #expect(await waiter.value == false, "the waiter ends with CancellationError")
        #expect(await gate.inFlight("busy.example") == 1, "only the first holder has a permit")
        await gate.release("busy.example")
        try await gate.acquire("busy.example") // the permit is free again
        #expect(await gate.inFlight("busy.example") == 1)
    }

    @Test func idleHostsAreForgotten() async throws {
        let gate = HostGate(concurrency: 2, minimumDelay: .milliseconds(1))
        for index in 0..<5000 {
            try await gate.acquire("host\(index).example")
            await gate.release("host\(index).example")
        }
        try await Task.sleep(for: .milliseconds(5))
        for index in 0..<2048 { // enough acquisitions to trigger a sweep with every delay passed
            try await gate.acquire("again\(index % 2).example")
            await gate.release("again\(index % 2).example")
        }
        #expect(await gate.trackedHostCount < 5000, "the table does not keep every host ever seen")
    }
}
