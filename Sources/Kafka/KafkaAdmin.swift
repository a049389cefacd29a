import CRdKafka
import Logging

/// What to create: a topic name, partition count, replication factor and topic configs.
public struct NewTopic: Sendable, Hashable {
    /// The topic name.
    public var name: String
    /// The number of partitions.
    public var partitions: Int32
    /// The replication factor (-1 for the broker default).
    public var replicationFactor: Int32
    /// Topic configs, for example `["cleanup.policy": "compact"]`.
    public var config: [String: String]

    /// A topic to create.
    public init(name: String, partitions: Int32, replicationFactor: Int32 = -1, config: [String: String] = [:]) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.config = config
    }
}

/// A topic as described by cluster metadata.
public struct TopicMetadata: Sendable, Hashable {
    /// A partition's metadata.
    public struct Partition: Sendable, Hashable {
        /// The partition number.
        public var id: Int32
        /// The leader broker id (-1 if none).
        public var leader: Int32
        /// Replica broker ids.
        public var replicas: [Int32]
        /// In-sync replica broker ids.
        public var inSyncReplicas: [Int32]
    }

    /// The topic name.
    public var name: String
    /// Partitions, by id.
    public var partitions: [Partition]
    /// The topic-level error, if the broker reported one.
    public var error: KafkaError?
}

/// Topic administration: create topics, list topics and their partitions.
///
/// `createTopics` uses the CreateTopics API (`rd_kafka_CreateTopics`), which real Kafka brokers
/// implement; librdkafka 2.0.2's mock cluster does not (create mock topics with
/// ``MockKafkaCluster/createTopic(_:partitions:replicationFactor:)``).
public final class KafkaAdmin: Sendable {
    let handle: KafkaHandle

    /// A client for admin requests (`bootstrap.servers` required).
    public init(configuration: KafkaConfiguration, logger: Logger = Logger(label: "kafka.admin")) throws(KafkaError) {
        handle = try KafkaHandle(type: RD_KAFKA_PRODUCER, configuration: configuration,
                                 context: ClientContext(logger: logger, statisticsHandler: nil), what: "admin")
    }

    deinit { handle.destroy() }

    /// Frees the client. Idempotent.
    public func close() { handle.destroy() }

    /// Creates topics; returns per-topic errors (`TOPIC_ALREADY_EXISTS` among them) keyed by name,
    /// empty when all were created. Throws when the request itself fails.
    public func createTopics(_ topics: [NewTopic], timeout: Duration = .seconds(30)) async throws(KafkaError) -> [String: KafkaError] {
        let handle = self.handle
        let ms = timeout.milliseconds
        return try await runBlocking("kafka-admin") { () throws(KafkaError) -> [String: KafkaError] in
            try handle.withHandle { rk throws(KafkaError) in
                var newTopics: [OpaquePointer?] = []
                defer { for t in newTopics { rd_kafka_NewTopic_destroy(t) } }
                for topic in topics {
                    var errstr = [CChar](repeating: 0, count: 512)
                    guard let nt = rd_kafka_NewTopic_new(topic.name, topic.partitions, topic.replicationFactor, &errstr, errstr.count) else {
                        throw KafkaError.invalidArgument("topic \(topic.name): \(cString(errstr))")
                    }
                    newTopics.append(nt)
                    for (k, v) in topic.config.sorted(by: { $0.key < $1.key }) {
                        let err = rd_kafka_NewTopic_set_config(nt, k, v)
                        if !err.isSuccess { throw KafkaError(code: err, message: "config \(k)=\(v)", topic: topic.name) }
                    }
                }
                let options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS)
                defer { rd_kafka_AdminOptions_destroy(options) }
                var errstr = [CChar](repeating: 0, count: 512)
                _ = rd_kafka_AdminOptions_set_request_timeout(options, ms, &errstr, errstr.count)
                _ = rd_kafka_AdminOptions_set_operation_timeout(options, ms, &errstr, errstr.count)
                let queue = rd_kafka_queue_new(rk)
                defer { rd_kafka_queue_destroy(queue) }
                newTopics.withUnsafeMutableBufferPointer { buf in
                    rd_kafka_CreateTopics(rk, buf.baseAddress, buf.count, options, queue)
                }
                guard let event = rd_kafka_queue_poll(queue, ms + 5000) else {
                    throw KafkaError.timeout("CreateTopics: no result within \(timeout)")
                }
                defer { rd_kafka_event_destroy(event) }
                let err = rd_kafka_event_error(event)
                if !err.isSuccess {
                    throw KafkaError(code: err, message: rd_kafka_event_error_string(event).map { String(cString: $0) })
                }
                guard let result = rd_kafka_event_CreateTopics_result(event) else {
                    throw KafkaError(code: RD_KAFKA_RESP_ERR__FAIL, message: "CreateTopics: unexpected event")
                }
                var count = 0
                var errors: [String: KafkaError] = [:]
                if let results = rd_kafka_CreateTopics_result_topics(result, &count) {
                    for i in 0..<count {
                        let r = results[i]
                        let name = String(cString: rd_kafka_topic_result_name(r))
                        let e = rd_kafka_topic_result_error(r)
                        if !e.isSuccess {
                            errors[name] = KafkaError(code: e, message: rd_kafka_topic_result_error_string(r).map { String(cString: $0) }, topic: name)
                        }
                    }
                }
                return errors
            }
        }
    }

    /// Lists topics and their partitions (all topics, or only `topic`).
    public func listTopics(_ topic: String? = nil, timeout: Duration = .seconds(10)) async throws(KafkaError) -> [TopicMetadata] {
        let handle = self.handle
        let ms = timeout.milliseconds
        return try await runBlocking("kafka-metadata") { () throws(KafkaError) -> [TopicMetadata] in
            try handle.withHandle { rk throws(KafkaError) in try Self.metadata(rk: rk, topic: topic, timeoutMs: ms) }
        }
    }

    static func metadata(rk: OpaquePointer, topic: String?, timeoutMs: Int32) throws(KafkaError) -> [TopicMetadata] {
        var md: UnsafePointer<rd_kafka_metadata>? = nil
        var rkt: OpaquePointer? = nil
        if let topic { rkt = rd_kafka_topic_new(rk, topic, nil) }
        defer { if let rkt { rd_kafka_topic_destroy(rkt) } }
        let err = rd_kafka_metadata(rk, topic == nil ? 1 : 0, rkt, &md, timeoutMs)
        guard err.isSuccess, let md else { throw KafkaError(code: err, message: "metadata", topic: topic) }
        defer { rd_kafka_metadata_destroy(md) }
        var out: [TopicMetadata] = []
        for i in 0..<Int(md.pointee.topic_cnt) {
            let t = md.pointee.topics[i]
            let name = String(cString: t.topic)
            var partitions: [TopicMetadata.Partition] = []
            for j in 0..<Int(t.partition_cnt) {
                let p = t.partitions[j]
                partitions.append(.init(id: p.id, leader: p.leader,
                                        replicas: (0..<Int(p.replica_cnt)).map { p.replicas[$0] },
                                        inSyncReplicas: (0..<Int(p.isr_cnt)).map { p.isrs[$0] }))
            }
            partitions.sort { $0.id < $1.id }
            out.append(TopicMetadata(name: name, partitions: partitions,
                                     error: t.err.isSuccess ? nil : KafkaError(code: t.err, topic: name)))
        }
        return out.sorted { $0.name < $1.name }
    }
}
