import Kafka
import Testing
import TestSupport

/// Assign mode, seek, pause/resume, watermarks, backpressure.
@Suite struct ConsumerControlTests {
    static func fill(_ broker: TestBroker, topic: String, partition: Int32, count: Int) async throws {
        let producer = try KafkaProducer(configuration: broker.configuration())
        for i in 0..<count {
            try await producer.enqueue(topic: topic, key: nil, value: Array("m\(i)".utf8), partition: partition) { _ in }
        }
        try await producer.flush()
        await producer.close()
    }

    @Test(arguments: BrokerKind.selected) func assignModeReadsFromAnOffsetToTheHighWatermark(on kind: BrokerKind) async throws {
        let broker = try await TestBroker.start(kind, topics: ["changelog": 3])
        defer { broker.stop() }
        try await Self.fill(broker, topic: "changelog", partition: 1, count: 50)
        let reader = try KafkaConsumer(configuration: broker.configuration())
        let marks = try await reader.watermarks(topic: "changelog", partition: 1)
        #expect(marks == Watermarks(low: 0, high: 50))
        try reader.assign([TopicPartitionOffset(topic: "changelog", partition: 1, offset: 20)])
        #expect(try reader.assignment() == [TopicPartition(topic: "changelog", partition: 1)])
        var offsets: [Int64] = []
        for await case .message(let m) in reader.events {
            offsets.append(m.offset)
            #expect(m.value == Array("m\(m.offset)".utf8))
            if m.offset + 1 >= marks.high { break }
        }
        #expect(offsets == Array(20..<50))
        // Seek back and read one message again.
        try await reader.seek(TopicPartitionOffset(topic: "changelog", partition: 1, offset: 5))
        var again: KafkaMessage?
        for await case .message(let m) in reader.events { again = m; break }
        #expect(again?.offset == 5)
        await reader.close()
        await reader.close() // idempotent
    }

    @Test(arguments: BrokerKind.selected) func endOfPartitionEventsWhenEnabled(on kind: BrokerKind) async throws {
        let broker = try await TestBroker.start(kind, topics: ["eof": 1])
        defer { broker.stop() }
        try await Self.fill(broker, topic: "eof", partition: 0, count: 3)
        let reader = try KafkaConsumer(configuration: broker.configuration(["enable.partition.eof": "true"]))
        try reader.assign([TopicPartitionOffset(topic: "eof", partition: 0, offset: KafkaOffset.beginning)])
        var messages = 0
        var eof: TopicPartitionOffset?
        for await event in reader.events {
            if case .message = event { messages += 1 }
            if case .endOfPartition(let at) = event { eof = at; break }
        }
        await reader.close()
        #expect(messages == 3)
        #expect(eof == TopicPartitionOffset(topic: "eof", partition: 0, offset: 3))
    }

    /// Pausing a partition that is being fetched stops its delivery until it is resumed, and the
    /// resume continues from its position. The pause comes after the partition's first records are
    /// read: a pause issued right after `assign`, before the fetcher started, can be overtaken by
    /// the fetch start inside librdkafka (librdkafka#2190; the CI saw 20 records delivered through
    /// such a pause). The pipeline only pauses for backpressure and for the story elector, where a
    /// late pause costs memory or an ignored record, never a lost or repeated one.
    @Test(arguments: BrokerKind.selected) func pausedPartitionDeliversNothingUntilResumed(on kind: BrokerKind) async throws {
        let broker = try await TestBroker.start(kind, topics: ["pause": 2])
        defer { broker.stop() }
        try await Self.fill(broker, topic: "pause", partition: 0, count: 5)
        try await Self.fill(broker, topic: "pause", partition: 1, count: 5)
        let reader = try KafkaConsumer(configuration: broker.configuration())
        let p0 = TopicPartition(topic: "pause", partition: 0)
        try reader.assign([TopicPartitionOffset(topic: "pause", partition: 0, offset: 0),
                           TopicPartitionOffset(topic: "pause", partition: 1, offset: 0)])
        var offsets: [Int32: [Int64]] = [0: [], 1: []]
        var events = reader.events.makeAsyncIterator()
        while offsets[0]!.count < 5 || offsets[1]!.count < 5, let event = await events.next() {
            if case .message(let m) = event { offsets[m.partition]!.append(m.offset) }
        }
        try reader.pause([p0])
        try await Self.fill(broker, topic: "pause", partition: 0, count: 20)
        try await Self.fill(broker, topic: "pause", partition: 1, count: 20)
        var fromP0WhilePaused = 0
        while offsets[1]!.count < 25, let event = await events.next() {
            guard case .message(let m) = event else { continue }
            offsets[m.partition]!.append(m.offset)
            if m.partition == 0 { fromP0WhilePaused += 1 }
        }
        // p1 delivered 20 new records meanwhile; p0's 20 waited.
        #expect(fromP0WhilePaused == 0)
        try reader.resume([p0])
        while offsets[0]!.count < 25, let event = await events.next() {
            if case .message(let m) = event { offsets[m.partition]!.append(m.offset) }
        }
        await reader.close()
        #expect(offsets[0] == Array(0..<25))
        #expect(offsets[1] == Array(0..<25))
    }

    /// Replacing a manual assignment drops what the old one fetched and nobody read yet: the
    /// next event is the new assignment's, not a leftover record or end-of-partition event.
    @Test(arguments: BrokerKind.selected) func reassigningDropsTheOldAssignmentsUndeliveredEvents(on kind: BrokerKind) async throws {
        let broker = try await TestBroker.start(kind, topics: ["again": 1])
        defer { broker.stop() }
        try await Self.fill(broker, topic: "again", partition: 0, count: 10)
        let reader = try KafkaConsumer(configuration: broker.configuration(["enable.partition.eof": "true"]))
        try reader.assign([TopicPartitionOffset(topic: "again", partition: 0, offset: 0)])
        var events = reader.events.makeAsyncIterator()
        guard case .message(let first)? = await events.next() else {
            Issue.record("no first message")
            await reader.close()
            return
        }
        #expect(first.offset == 0)
        // Wait until the rest of the first read (9 records and its end-of-partition event) is buffered.
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(10)
        while reader.bufferedEventCount < 10 && clock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(reader.bufferedEventCount == 10)
        try reader.assign([TopicPartitionOffset(topic: "again", partition: 0, offset: 7)])
        var seen: [String] = []
        while let event = await events.next() {
            switch event {
            case .message(let m): seen.append("m\(m.offset)")
            case .endOfPartition(let at): seen.append("eof\(at.offset)")
            default: continue
            }
            if seen.last == "eof10" { break }
        }
        await reader.close()
        #expect(seen == ["m7", "m8", "m9", "eof10"])
    }

    @Test func slowReaderBoundsTheBuffer() async throws {
        let broker = try TestBroker(topics: ["slow": 1])
        defer { broker.stop() }
        try await Self.fill(broker, topic: "slow", partition: 0, count: 500)
        let reader = try KafkaConsumer(configuration: broker.configuration(), bufferCapacity: 16)
        try reader.assign([TopicPartitionOffset(topic: "slow", partition: 0, offset: 0)])
        // Nobody reads for a while: the poll thread must stop at the buffer's capacity.
        var peak = 0
        for _ in 0..<20 {
            try await Task.sleep(for: .milliseconds(50))
            peak = max(peak, reader.bufferedEventCount)
        }
        #expect(peak <= 16)
        #expect(peak > 0)
        var offsets: [Int64] = []
        for await case .message(let m) in reader.events {
            offsets.append(m.offset)
            if offsets.count == 500 { break }
        }
        await reader.close()
        #expect(offsets == Array(0..<500)) // nothing dropped while it waited
    }

    @Test(arguments: BrokerKind.selected) func eventsEndAfterClose(on kind: BrokerKind) async throws {
        let broker = try await TestBroker.start(kind, topics: ["end": 1])
        defer { broker.stop() }
        let reader = try KafkaConsumer(configuration: broker.configuration())
        try reader.assign([TopicPartitionOffset(topic: "end", partition: 0, offset: 0)])
        let iterating = Task {
            var n = 0
            for await _ in reader.events { n += 1 }
            return n
        }
        try await Task.sleep(for: .milliseconds(200))
        await reader.close()
        #expect(await iterating.value == 0)
        #expect(throws: KafkaError.self) { try reader.storeOffset(topic: "end", partition: 0, offset: 0) }
    }
}

/// Admin requests against the mock: metadata listing works; CreateTopics is not implemented by the
/// 2.0.2 mock and must fail with an error, not hang or crash. (On noida-db: NoidaAdminTests.)
@Suite struct KafkaAdminTests {
    @Test func listsTopicsAndPartitions() async throws {
        let broker = try TestBroker(topics: ["alpha": 3, "beta": 6])
        defer { broker.stop() }
        let admin = try KafkaAdmin(configuration: broker.configuration())
        let topics = try await admin.listTopics()
        let alpha = try #require(topics.first { $0.name == "alpha" })
        let beta = try #require(topics.first { $0.name == "beta" })
        #expect(alpha.partitions.map(\.id) == [0, 1, 2])
        #expect(beta.partitions.count == 6)
        #expect(alpha.partitions.allSatisfy { (1...3).contains($0.leader) })
        let only = try await admin.listTopics("beta")
        #expect(only.map(\.name) == ["beta"])
        admin.close()
        admin.close()
    }

    @Test func createTopicsOnTheMockFailsCleanly() async throws {
        let broker = try TestBroker(topics: [:])
        defer { broker.stop() }
        let admin = try KafkaAdmin(configuration: broker.configuration())
        var failed = false
        do {
            let errors = try await admin.createTopics([NewTopic(name: "made", partitions: 4, config: ["cleanup.policy": "compact"])],
                                                      timeout: .seconds(5))
            failed = !errors.isEmpty
        } catch {
            failed = true
        }
        #expect(failed, "the 2.0.2 mock does not implement CreateTopics; if this passes, update the docs")
    }
}
