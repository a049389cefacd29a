import Foundation
import Kafka
import Synchronization
import Testing
import TestSupport

/// Two consumers in one group split a 6-partition topic; when one closes, the other takes over from
/// the committed offsets.
@Suite struct GroupRebalanceTests {
    struct Processed: Hashable { var partition: Int32; var offset: Int64 }

    /// What one member did, recorded from its event loop.
    final class Member: Sendable {
        let name: String
        let consumer: KafkaConsumer
        /// Process at most this many messages, storing only the first `storeLimit`.
        let processLimit: Int
        let storeLimit: Int
        let processed = Mutex<[Processed]>([])
        let stored = Mutex<Set<Processed>>([])
        let assignedEvents = Mutex<[[TopicPartition]]>([])
        let revokedEvents = Mutex<[[TopicPartition]]>([])

        init(name: String, consumer: KafkaConsumer, processLimit: Int = .max, storeLimit: Int = .max) {
            self.name = name
            self.consumer = consumer
            self.processLimit = processLimit
            self.storeLimit = storeLimit
        }

        func run() async throws {
            for await event in consumer.events {
                switch event {
                case .message(let m):
                    let count = processed.withLock { $0.count }
                    guard count < processLimit else { continue } // stopped working: leave it unprocessed
                    let p = Processed(partition: m.partition, offset: m.offset)
                    processed.withLock { $0.append(p) }
                    if count < storeLimit {
                        try consumer.store(m)
                        stored.withLock { _ = $0.insert(p) }
                    }
                case .partitionsAssigned(let parts):
                    assignedEvents.withLock { $0.append(parts) }
                case .partitionsRevoked(let revocation):
                    revokedEvents.withLock { $0.append(revocation.partitions) }
                    if !revocation.lost { do { try await consumer.commit() } catch { print("\(name) revoke commit: \(error)") } }
                    revocation.acknowledge()
                default:
                    break
                }
            }
        }
    }

    @Test(arguments: ["range", "cooperative-sticky"])
    func secondMemberTakesOverFromCommittedOffsetsWithoutLossOrExtraDuplicates(strategy: String) async throws {
        let topic = "split"
        let broker = try TestBroker(topics: [topic: 6])
        defer { broker.stop() }
        let group = TestBroker.uniqueName("split-group")
        let config = broker.configuration(["group.id": group, "enable.auto.commit": "false",
                                           "partition.assignment.strategy": strategy])
        let a = Member(name: "A", consumer: try KafkaConsumer(configuration: config), processLimit: 80, storeLimit: 60)
        let b = Member(name: "B", consumer: try KafkaConsumer(configuration: config))
        try a.consumer.subscribe(topics: [topic])
        try b.consumer.subscribe(topics: [topic])

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await a.run() }
            tasks.addTask { try await b.run() }

            // 1. Wait for a 3/3 split.
            let split = try await Self.waitUntil(seconds: 120) {
                let pa = Set(try a.consumer.assignment()), pb = Set(try b.consumer.assignment())
                return pa.count == 3 && pb.count == 3 && pa.isDisjoint(with: pb)
            }
            #expect(split)
            let aPartitions = Set(try a.consumer.assignment().map(\.partition))

            // 2. 100 messages per partition.
            let producer = try KafkaProducer(configuration: broker.configuration())
            for i in 0..<600 {
                try await producer.enqueue(topic: topic, key: Array("k\(i)".utf8), value: Array("v\(i)".utf8),
                                           partition: Int32(i % 6)) { _ in }
            }
            try await producer.flush(timeout: .seconds(30))
            await producer.close()

            // 3. A processes 80 messages, stores the first 60, commits, closes. B has processed and
            //    committed its own 300 by then. (B commits here rather than only when its partitions are
            //    revoked: librdkafka 2.0.2's mock broker answers OffsetCommit with REBALANCE_IN_PROGRESS
            //    while the group rebalances, where a real broker accepts the current generation's commit.)
            #expect(try await Self.waitUntil(seconds: 120) { a.processed.withLock { $0.count } == 80 })
            #expect(try await Self.waitUntil(seconds: 120) { b.processed.withLock { $0.count } == 300 })
            try await b.consumer.commit()
            try await a.consumer.commit()
            let committedByA = try await a.consumer.committed(aPartitions.sorted().map { TopicPartition(topic: topic, partition: $0) })
            await a.consumer.close()

            // 4. B gets all six partitions and finishes the topic.
            let done = try await Self.waitUntil(seconds: 120) {
                let all = Set(a.processed.withLock { $0 } + b.processed.withLock { $0 })
                return all.count == 600
            }
            #expect(done)
            #expect(Set(try b.consumer.assignment().map(\.partition)) == Set(0..<6))
            await b.consumer.close()
            try await tasks.waitForAll()

            // Committed offsets of A = one past its last stored message per partition.
            let storedByA = a.stored.withLock { $0 }
            for c in committedByA {
                let lastStored = storedByA.filter { $0.partition == c.partition }.map(\.offset).max()
                #expect(c.offset == (lastStored.map { $0 + 1 } ?? KafkaOffset.invalid), "partition \(c.partition)")
            }
        }

        let aProcessed = a.processed.withLock { $0 }
        let bProcessed = b.processed.withLock { $0 }
        let storedByA = a.stored.withLock { $0 }
        let tailOfA = Set(aProcessed).subtracting(storedByA)
        #expect(aProcessed.count == 80 && storedByA.count == 60 && tailOfA.count == 20)
        // Nothing lost.
        #expect(Set(aProcessed).union(bProcessed).count == 600)
        // B processed nothing twice itself, nothing A had committed, and all of A's uncommitted tail.
        #expect(Set(bProcessed).count == bProcessed.count)
        #expect(Set(bProcessed).isDisjoint(with: storedByA))
        #expect(Set(bProcessed).intersection(aProcessed) == tailOfA)
        // B saw the takeover as events: eager gives it all six at once, cooperative adds A's three.
        let bAssigned = b.assignedEvents.withLock { $0 }
        if strategy == "range" {
            #expect(Set(bAssigned.last ?? []).count == 6)
        } else {
            #expect(Set(bAssigned.flatMap { $0 }).count == 6)
            #expect(b.revokedEvents.withLock { $0 }.dropLast().allSatisfy { $0.isEmpty }) // only the final close revokes
        }
        #expect(!a.revokedEvents.withLock { $0 }.isEmpty)
    }

    @Test func revocationWaitsForTheAcknowledgement() async throws {
        let topic = "ack"
        let broker = try TestBroker(topics: [topic: 4])
        defer { broker.stop() }
        // A holds its revocation 5 s: the session must outlast that with room for a loaded machine,
        // or the mock coordinator evicts A mid-rebalance and the group rebalances again and again.
        let config = broker.configuration(["group.id": TestBroker.uniqueName("ack-group"),
                                           "partition.assignment.strategy": "range",
                                           "session.timeout.ms": "30000"])
        let order = LineSink()
        let a = try KafkaConsumer(configuration: config, revocationTimeout: .seconds(30))
        try a.subscribe(topics: [topic])
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                for await event in a.events {
                    if case .partitionsRevoked(let revocation) = event, !revocation.partitions.isEmpty {
                        order.value.withLock { $0.append("A revoked") }
                        try await Task.sleep(for: .seconds(5)) // "finishing work": longer than a mock rebalance (~3 s)
                        order.value.withLock { $0.append("A acknowledged") }
                        revocation.acknowledge()
                    }
                }
            }
            #expect(try await Self.waitUntil(seconds: 120) { try a.assignment().count == 4 })
            let b = try KafkaConsumer(configuration: config)
            try b.subscribe(topics: [topic])
            tasks.addTask {
                for await event in b.events {
                    if case .partitionsAssigned = event { order.value.withLock { $0.append("B assigned") } }
                    if case .partitionsRevoked(let revocation) = event { revocation.acknowledge() }
                }
            }
            #expect(try await Self.waitUntil(seconds: 120) { order.value.withLock { $0.contains("B assigned") } })
            await b.close()
            await a.close()
            try await tasks.waitForAll()
        }
        let events = order.value.withLock { $0 }
        let acked = try #require(events.firstIndex(of: "A acknowledged"))
        let assigned = try #require(events.firstIndex(of: "B assigned"))
        #expect(acked < assigned, "\(events)")
    }

    /// Polls `condition` every 50 ms until it holds or `seconds` pass.
    static func waitUntil(seconds: Double, _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try condition()
    }
}
