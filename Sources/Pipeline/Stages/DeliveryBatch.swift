import Kafka
import Synchronization

/// Waits for the acknowledgements of several messages queued with `KafkaProducer.enqueue`.
final class DeliveryBatch: Sendable {
    private struct State {
        var remaining: Int
        var reports: [DeliveryReport?]
        var error: KafkaError?
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let state: Mutex<State>

    init(count: Int) {
        state = Mutex(State(remaining: count, reports: Array(repeating: nil, count: count)))
    }

    /// The delivery callback of message `index`.
    func complete(_ index: Int, _ result: Result<DeliveryReport, KafkaError>) {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { s in
            switch result {
            case .success(let r): s.reports[index] = r
            case .failure(let e): if s.error == nil { s.error = e }
            }
            s.remaining -= 1
            guard s.remaining == 0 else { return nil }
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    /// Suspends until every message was acknowledged or failed; throws the first failure.
    func wait() async throws(KafkaError) -> [DeliveryReport] {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { s in
                if s.remaining == 0 { return true }
                s.waiter = c
                return false
            }
            if ready { c.resume() }
        }
        let (reports, error) = state.withLock { ($0.reports, $0.error) }
        if let error { throw error }
        return reports.compactMap { $0 }
    }
}

extension KafkaProducer {
    /// Queues every message and waits for all acknowledgements (in the order given).
    func sendAll(topic: String, _ messages: [(key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader], partition: Int32?)])
        async throws(KafkaError) -> [DeliveryReport] {
        if messages.isEmpty { return [] }
        let batch = DeliveryBatch(count: messages.count)
        for (i, m) in messages.enumerated() {
            do {
                try await enqueue(topic: topic, key: m.key, value: m.value, headers: m.headers, partition: m.partition) { result in
                    batch.complete(i, result)
                }
            } catch {
                // Not queued: count it as failed so wait() returns.
                batch.complete(i, .failure(error))
            }
        }
        return try await batch.wait()
    }
}

/// A counting semaphore for async tasks (bounds parallel parses).
final class AsyncSemaphore: Sendable {
    private struct State {
        var permits: Int
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state: Mutex<State>

    init(permits: Int) { state = Mutex(State(permits: max(1, permits))) }

    func acquire() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { s in
                if s.permits > 0 { s.permits -= 1; return true }
                s.waiters.append(c)
                return false
            }
            if granted { c.resume() }
        }
    }

    func release() {
        let next: CheckedContinuation<Void, Never>? = state.withLock { s in
            if s.waiters.isEmpty { s.permits += 1; return nil }
            return s.waiters.removeFirst()
        }
        next?.resume()
    }
}
