import CRdKafka

/// A topic's configuration as the broker describes it (`DescribeConfigs`).
public struct TopicConfig: Sendable, Hashable {
    /// The topic name.
    public var name: String
    /// Config name → value, for every entry the broker returned (defaults included; a
    /// sensitive or unset value is absent).
    public var entries: [String: String]

    /// A topic config.
    public init(name: String, entries: [String: String]) {
        self.name = name
        self.entries = entries
    }
}

extension KafkaAdmin {
    /// Describes the configs of `topics` (`rd_kafka_DescribeConfigs`). A topic the broker reports
    /// an error for (for example `UNKNOWN_TOPIC_OR_PART`) makes this throw that error.
    public func describeTopicConfigs(_ topics: [String], timeout: Duration = .seconds(30)) async throws(KafkaError) -> [String: TopicConfig] {
        guard !topics.isEmpty else { return [:] }
        let handle = self.handle
        let ms = timeout.milliseconds
        return try await runBlocking("kafka-admin") { () throws(KafkaError) -> [String: TopicConfig] in
            try handle.withHandle { rk throws(KafkaError) in
                var resources: [OpaquePointer?] = topics.map { rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, $0) }
                defer { for r in resources { rd_kafka_ConfigResource_destroy(r) } }
                let event = try Self.request(rk, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, timeoutMs: ms, what: "DescribeConfigs") { options, queue in
                    resources.withUnsafeMutableBufferPointer { rd_kafka_DescribeConfigs(rk, $0.baseAddress, $0.count, options, queue) }
                }
                defer { rd_kafka_event_destroy(event) }
                guard let result = rd_kafka_event_DescribeConfigs_result(event) else {
                    throw KafkaError(code: RD_KAFKA_RESP_ERR__FAIL, message: "DescribeConfigs: unexpected event")
                }
                var out: [String: TopicConfig] = [:]
                var count = 0
                guard let described = rd_kafka_DescribeConfigs_result_resources(result, &count) else { return out }
                for i in 0..<count {
                    let resource = described[i]
                    let name = String(cString: rd_kafka_ConfigResource_name(resource))
                    let err = rd_kafka_ConfigResource_error(resource)
                    if !err.isSuccess {
                        throw KafkaError(code: err, message: rd_kafka_ConfigResource_error_string(resource).map { String(cString: $0) }, topic: name)
                    }
                    var entryCount = 0
                    var entries: [String: String] = [:]
                    if let configs = rd_kafka_ConfigResource_configs(resource, &entryCount) {
                        for j in 0..<entryCount {
                            let entry = configs[j]
                            if let value = rd_kafka_ConfigEntry_value(entry) {
                                entries[String(cString: rd_kafka_ConfigEntry_name(entry))] = String(cString: value)
                            }
                        }
                    }
                    out[name] = TopicConfig(name: name, entries: entries)
                }
                return out
            }
        }
    }

    /// Deletes the records of each partition below its offset (`rd_kafka_DeleteRecords`; offset
    /// ``KafkaOffset/end`` deletes everything up to the high watermark). Returns each partition with
    /// its new low watermark, or its error.
    public func deleteRecords(before offsets: [TopicPartitionOffset], timeout: Duration = .seconds(30)) async throws(KafkaError) -> [TopicPartitionOffset] {
        guard !offsets.isEmpty else { return [] }
        let handle = self.handle
        let ms = timeout.milliseconds
        return try await runBlocking("kafka-admin") { () throws(KafkaError) -> [TopicPartitionOffset] in
            try handle.withHandle { rk throws(KafkaError) in
                try PartitionList.with(offsets) { list throws(KafkaError) in
                    var request: [OpaquePointer?] = [rd_kafka_DeleteRecords_new(list)]
                    defer { rd_kafka_DeleteRecords_destroy(request[0]) }
                    let event = try Self.request(rk, RD_KAFKA_ADMIN_OP_DELETERECORDS, timeoutMs: ms, what: "DeleteRecords") { options, queue in
                        request.withUnsafeMutableBufferPointer { rd_kafka_DeleteRecords(rk, $0.baseAddress, $0.count, options, queue) }
                    }
                    defer { rd_kafka_event_destroy(event) }
                    guard let result = rd_kafka_event_DeleteRecords_result(event) else {
                        throw KafkaError(code: RD_KAFKA_RESP_ERR__FAIL, message: "DeleteRecords: unexpected event")
                    }
                    return PartitionList.read(rd_kafka_DeleteRecords_result_offsets(result))
                }
            }
        }
    }

    /// Sends one admin request through `send(options, queue)` and waits for its result event
    /// (caller destroys it); throws the request-level error.
    static func request(_ rk: OpaquePointer, _ op: rd_kafka_admin_op_t, timeoutMs ms: Int32, what: String,
                        _ send: (OpaquePointer?, OpaquePointer?) -> Void) throws(KafkaError) -> OpaquePointer {
        let options = rd_kafka_AdminOptions_new(rk, op)
        defer { rd_kafka_AdminOptions_destroy(options) }
        var errstr = [CChar](repeating: 0, count: 512)
        _ = rd_kafka_AdminOptions_set_request_timeout(options, ms, &errstr, errstr.count)
        let queue = rd_kafka_queue_new(rk)
        defer { rd_kafka_queue_destroy(queue) }
        send(options, queue)
        guard let event = rd_kafka_queue_poll(queue, ms + 5000) else {
            throw KafkaError.timeout("\(what): no result within \(ms) ms")
        }
        let err = rd_kafka_event_error(event)
        if !err.isSuccess {
            let message = rd_kafka_event_error_string(event).map { String(cString: $0) }
            rd_kafka_event_destroy(event)
            throw KafkaError(code: err, message: "\(what): \(message ?? "")")
        }
        return event
    }
}
