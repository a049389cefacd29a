import CRdKafka
import Synchronization
import Kafka
import Testing
import TestSupport

/// Delivery failures reach the caller of `send` as typed errors: no hang, no crash.
@Suite struct DeliveryFailureTests {
    @Test func unknownTopicFailsTheSend() async throws {
        let broker = try TestBroker(topics: ["exists": 1])
        defer { broker.stop() }
        // librdkafka 2.0.2's mock broker auto-creates any topic a Metadata request names, whatever
        // `allow.auto.create.topics` says; make it answer UNKNOWN_TOPIC_OR_PART for this one, as a
        // real broker with auto.create.topics.enable=false does.
        try broker.cluster.setTopicError("no-such-topic", code: RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART.rawValue)
        let producer = try KafkaProducer(configuration: broker.configuration([
            "allow.auto.create.topics": "false", "message.timeout.ms": "2000",
        ]))
        // Sanity: a known topic works.
        let ok = try await producer.send(topic: "exists", value: Array("fine".utf8))
        #expect(ok.offset == 0)
        let error = await #expect(throws: KafkaError.self) {
            _ = try await producer.send(topic: "no-such-topic", key: [1], value: [2])
        }
        #expect(error?.kind == .librdkafka)
        #expect(["_UNKNOWN_TOPIC", "UNKNOWN_TOPIC_OR_PART", "_MSG_TIMED_OUT"].contains(error?.codeName ?? ""),
                "got \(String(describing: error))")
        #expect(error?.topic == "no-such-topic")
        await producer.close()
    }

    @Test func allBrokersDownFailsTheSendWithATimeoutThenRecovers() async throws {
        let broker = try TestBroker(topics: ["down": 2])
        defer { broker.stop() }
        let producer = try KafkaProducer(configuration: broker.configuration([
            "message.timeout.ms": "1500", "reconnect.backoff.ms": "50", "reconnect.backoff.max.ms": "200",
        ]))
        _ = try await producer.send(topic: "down", value: [0]) // connected, metadata known
        for id in Int32(1)...3 { try broker.cluster.setBrokerDown(id) }
        let error = await #expect(throws: KafkaError.self) {
            _ = try await producer.send(topic: "down", key: Array("k".utf8), value: [1])
        }
        #expect(error?.hasCode(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT) == true, "got \(String(describing: error))")
        #expect(error?.isRetriable == true)
        #expect(error?.topic == "down")
        // Back up: a retry of the failed (retriable) send succeeds within a few attempts.
        for id in Int32(1)...3 { try broker.cluster.setBrokerUp(id) }
        var report: DeliveryReport?
        for _ in 0..<10 where report == nil {
            report = try? await producer.send(topic: "down", key: Array("k".utf8), value: [2])
        }
        #expect((report?.offset ?? -1) >= 0)
        await producer.close()
    }

    @Test func brokerRejectingProducesSurfacesTheBrokerError() async throws {
        let broker = try TestBroker(brokers: 1, topics: ["rejected": 1])
        defer { broker.stop() }
        // Not idempotent here: a non-retriable error on an idempotent producer is fatal by design.
        let producer = try KafkaProducer(configuration: broker.configuration([
            "enable.idempotence": "false", "message.timeout.ms": "3000", "retries": "0",
        ]))
        _ = try await producer.send(topic: "rejected", value: [0])
        try broker.cluster.pushRequestErrors(apiKey: 0, code: RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE.rawValue, count: 1)
        let error = await #expect(throws: KafkaError.self) {
            _ = try await producer.send(topic: "rejected", value: [1])
        }
        #expect(error?.codeName == "MSG_SIZE_TOO_LARGE", "got \(String(describing: error))")
        #expect(error?.isRetriable == false)
        await producer.close()
    }

    @Test func closeFailsWhatCannotBeDeliveredInsteadOfHanging() async throws {
        let broker = try TestBroker(topics: ["stuck": 1])
        defer { broker.stop() }
        let producer = try KafkaProducer(configuration: broker.configuration(["message.timeout.ms": "60000"]))
        _ = try await producer.send(topic: "stuck", value: [0])
        for id in Int32(1)...3 { try broker.cluster.setBrokerDown(id) }
        let pending = Task { () -> KafkaError? in
            do throws(KafkaError) { _ = try await producer.send(topic: "stuck", value: [1]); return nil } catch { return error }
        }
        try await Task.sleep(for: .milliseconds(200))
        await producer.close(timeout: .milliseconds(300))
        let error = await pending.value
        #expect(error != nil)
        #expect(error?.codeName.hasPrefix("_PURGE") == true || error?.kind == .closed, "got \(String(describing: error))")
    }
}

/// Handle ownership edge cases.
@Suite struct ProducerLifetimeTests {
    @Test func producerReleasedInsideItsOwnDeliveryCallbackDoesNotDeadlock() async throws {
        let broker = try TestBroker(topics: ["life": 1])
        defer { broker.stop() }
        let holder = Mutex<KafkaProducer?>(try KafkaProducer(configuration: broker.configuration()))
        let released = Mutex(false)
        let producer = try #require(holder.withLock { $0 })
        try await producer.enqueue(topic: "life", value: [1]) { _ in
            holder.withLock { $0 = nil } // may drop the last reference: deinit on the poll thread
            released.withLock { $0 = true }
        }
        _ = consume producer
        var done = false
        for _ in 0..<200 where !done {
            try await Task.sleep(for: .milliseconds(25))
            done = released.withLock { $0 }
        }
        #expect(done)
    }
}

/// Local producer limits: a full local queue is waited out, an oversized message fails at once.
@Suite struct ProducerQueueTests {
    @Test func fullLocalQueueIsWaitedOutNotFailed() async throws {
        let broker = try TestBroker(topics: ["full": 2])
        defer { broker.stop() }
        let producer = try KafkaProducer(configuration: broker.configuration(["queue.buffering.max.messages": "10", "linger.ms": "0"]))
        let delivered = Mutex(0)
        let failed = Mutex<[KafkaError]>([])
        for i in 0..<2000 {
            try await producer.enqueue(topic: "full", key: Array("k\(i)".utf8), value: [UInt8](repeating: 1, count: 100)) { result in
                switch result {
                case .success: delivered.withLock { $0 += 1 }
                case .failure(let e): failed.withLock { $0.append(e) }
                }
            }
        }
        // And concurrent `send`s, each of which may meet a full queue.
        try await withThrowingTaskGroup(of: DeliveryReport.self) { group in
            for i in 0..<200 {
                group.addTask { try await producer.send(topic: "full", key: Array("s\(i)".utf8), value: [2]) }
            }
            var n = 0
            for try await _ in group { n += 1 }
            #expect(n == 200)
        }
        try await producer.flush()
        await producer.close()
        #expect(delivered.withLock { $0 } == 2000)
        #expect(failed.withLock { $0 }.isEmpty)
    }

    @Test func oversizedMessageWithHeadersFailsImmediately() async throws {
        let broker = try TestBroker(topics: ["big": 1])
        defer { broker.stop() }
        let producer = try KafkaProducer(configuration: broker.configuration(["message.max.bytes": "2000"]))
        let error = await #expect(throws: KafkaError.self) {
            _ = try await producer.send(topic: "big", key: [1], value: [UInt8](repeating: 0, count: 5000),
                                        headers: [KafkaHeader(key: "a", string: "b")])
        }
        #expect(error?.codeName == "MSG_SIZE_TOO_LARGE", "got \(String(describing: error))")
        // The producer is still fine afterwards.
        let ok = try await producer.send(topic: "big", value: [1], headers: [KafkaHeader(key: "a", string: "b")])
        #expect(ok.offset == 0)
        await producer.close()
    }
}
