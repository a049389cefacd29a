import Foundation
import Kafka
import Testing
import TestSupport

/// `feedworker dev-broker` as a process: bootstrap line, pre-created topics, --port, clean SIGTERM.
@Suite struct DevBrokerCommandTests {
    @Test(.enabled(if: DevBrokerProcess.isAvailable, "feedworker binary not built (swift build, or set FEEDWORKER_BIN)"))
    func servesKafkaOverTCPAndStopsOnSIGTERM() async throws {
        let port = try #require(DevBrokerProcess.freeLoopbackPort())
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(TestBroker.uniqueName("bootstrap")).path
        let broker = try DevBrokerProcess(arguments: ["--brokers", "3", "--port", "\(port)", "--topic", "jobs:6",
                                                      "--topic", "clean:2", "--bootstrap-file", file])
        let written = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(written == broker.bootstrapServers)
        #expect(broker.bootstrapServers.split(separator: ",").count == 4) // forwarder + 3 brokers
        #expect(broker.bootstrapServers.hasPrefix("127.0.0.1:\(port),"))

        // Through the fixed port only: clients bootstrap via the forwarder, then reach the brokers.
        let config: KafkaConfiguration = ["bootstrap.servers": "127.0.0.1:\(port)", "log_level": "3"]
        let admin = try KafkaAdmin(configuration: config)
        let topics = try await admin.listTopics()
        #expect(topics.first { $0.name == "jobs" }?.partitions.count == 6)
        #expect(topics.first { $0.name == "clean" }?.partitions.count == 2)
        admin.close()
        let producer = try KafkaProducer(configuration: config)
        let report = try await producer.send(topic: "jobs", key: Array("k".utf8), value: Array("hello".utf8))
        await producer.close()
        let reader = try KafkaConsumer(configuration: config)
        try reader.assign([TopicPartitionOffset(topic: "jobs", partition: report.partition, offset: report.offset)])
        var value: [UInt8]?
        for await case .message(let m) in reader.events { value = m.value; break }
        await reader.close()
        #expect(value == Array("hello".utf8))

        #expect(broker.stop() == 0)
        #expect(!FileManager.default.fileExists(atPath: file))
    }
}
