import CRdKafka
import Logging
import Synchronization

/// An in-process Kafka cluster from librdkafka's mock broker (`rdkafka_mock.h`), serving the Kafka
/// protocol over TCP on loopback. For tests, demos and benchmarks; not durable.
///
/// Limitations of librdkafka 2.0.2's mock: each broker listens on an ephemeral 127.0.0.1 port (no
/// chosen port: read ``bootstrapServers``); CreateTopics is not implemented (use ``createTopic(_:partitions:replicationFactor:)``);
/// it keeps about 5 MB per partition (older batches are dropped and the low watermark moves);
/// a topic not created beforehand is auto-created, with the mock's default partition count, by the
/// first Metadata request naming it (whatever the client's `allow.auto.create.topics` says); its
/// ListOffsets has no time index (``KafkaConsumer/offsetsForTimes(_:timestamp:timeout:)`` answers
/// -1 for real timestamps); it answers OffsetCommit with REBALANCE_IN_PROGRESS while the group
/// rebalances (a real broker accepts the current generation's commit).
public final class MockKafkaCluster: Sendable {
    private let handle: KafkaHandle
    nonisolated(unsafe) private let cluster: OpaquePointer
    private let destroyed = Mutex(false)

    /// The `host:port,...` list to use as `bootstrap.servers`.
    public let bootstrapServers: String
    /// The number of brokers (ids `1...brokerCount`).
    public let brokerCount: Int

    /// Starts a cluster of `brokers` brokers.
    public init(brokers: Int = 3, logger: Logger = Logger(label: "kafka.mock")) throws(KafkaError) {
        guard brokers >= 1 else { throw KafkaError.invalidArgument("brokers must be at least 1") }
        // The mock cluster needs a client instance to run on; this one is never used otherwise.
        let context = ClientContext(logger: logger, statisticsHandler: nil)
        let handle = try KafkaHandle(type: RD_KAFKA_PRODUCER, configuration: ["log_level": "3"], context: context,
                                     what: "mock cluster")
        guard let cluster = rd_kafka_mock_cluster_new(handle.pointer, Int32(brokers)) else {
            handle.destroy()
            throw KafkaError(code: RD_KAFKA_RESP_ERR__FAIL, message: "rd_kafka_mock_cluster_new failed")
        }
        self.handle = handle
        self.cluster = cluster
        self.brokerCount = brokers
        self.bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    deinit { shutdown() }

    /// Stops every broker and frees the cluster. Idempotent.
    public func shutdown() {
        let first = destroyed.withLock { d -> Bool in
            if d { return false }
            d = true
            return true
        }
        guard first else { return }
        rd_kafka_mock_cluster_destroy(cluster)
        handle.destroy()
    }

    /// Creates a topic with `partitions` partitions.
    public func createTopic(_ name: String, partitions: Int32, replicationFactor: Int32 = 1) throws(KafkaError) {
        try checkOpen()
        let err = rd_kafka_mock_topic_create(cluster, name, partitions, min(replicationFactor, Int32(brokerCount)))
        if !err.isSuccess { throw KafkaError(code: err, message: "create topic \(name)", topic: name) }
    }

    /// Takes broker `id` down (its connections close and it refuses new ones).
    public func setBrokerDown(_ id: Int32) throws(KafkaError) {
        try checkOpen()
        let err = rd_kafka_mock_broker_set_down(cluster, id)
        if !err.isSuccess { throw KafkaError(code: err, message: "broker \(id) down") }
    }

    /// Brings broker `id` back up.
    public func setBrokerUp(_ id: Int32) throws(KafkaError) {
        try checkOpen()
        let err = rd_kafka_mock_broker_set_up(cluster, id)
        if !err.isSuccess { throw KafkaError(code: err, message: "broker \(id) up") }
    }

    /// Makes the next `count` requests of Kafka API `apiKey` (e.g. 0 = Produce, 1 = Fetch,
    /// 8 = OffsetCommit) fail with broker error `code` (an `RD_KAFKA_RESP_ERR_*` value), at most 64.
    public func pushRequestErrors(apiKey: Int16, code: Int32, count: Int = 1) throws(KafkaError) {
        try checkOpen()
        fw_mock_push_errors(cluster, apiKey, rd_kafka_resp_err_t(rawValue: code), count)
    }

    /// Makes every request for `topic` fail with broker error `code` (0 clears it).
    public func setTopicError(_ topic: String, code: Int32) throws(KafkaError) {
        try checkOpen()
        rd_kafka_mock_topic_set_error(cluster, topic, rd_kafka_resp_err_t(rawValue: code))
    }

    /// Makes broker `id` answer after `milliseconds` extra round-trip time.
    public func setBrokerRTT(_ id: Int32, milliseconds: Int32) throws(KafkaError) {
        try checkOpen()
        let err = rd_kafka_mock_broker_set_rtt(cluster, id, milliseconds)
        if !err.isSuccess { throw KafkaError(code: err, message: "broker \(id) rtt") }
    }

    private func checkOpen() throws(KafkaError) {
        if destroyed.withLock({ $0 }) { throw KafkaError.closed("mock cluster") }
    }
}
