import CRdKafka
import Kafka
import Testing

@Suite struct KafkaErrorTests {
    @Test func librdkafkaCodesKeepTheirNameAndRetriability() {
        let timedOut = KafkaError(code: RD_KAFKA_RESP_ERR__MSG_TIMED_OUT, topic: "t", partition: 2)
        #expect(timedOut.kind == .librdkafka)
        #expect(timedOut.code == -192) // RD_KAFKA_RESP_ERR__MSG_TIMED_OUT in rdkafka.h
        #expect(timedOut.codeName == "_MSG_TIMED_OUT")
        #expect(timedOut.isRetriable)
        #expect(!timedOut.isFatal)
        #expect(timedOut.description.contains("topic=t"))
        #expect(timedOut.description.contains("partition=2"))
        #expect(timedOut.hasCode(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT))

        let unknownTopic = KafkaError(code: RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
        #expect(unknownTopic.codeName == "UNKNOWN_TOPIC_OR_PART")
        #expect(unknownTopic.code == 3)

        let auth = KafkaError(code: RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)
        #expect(!auth.isRetriable)
        #expect(auth.codeName == "TOPIC_AUTHORIZATION_FAILED")
        #expect(!auth.message.isEmpty)

        let fatal = KafkaError(code: RD_KAFKA_RESP_ERR__FATAL)
        #expect(fatal.isFatal)
    }

    @Test func clientSideErrorsHaveTheirOwnKinds() {
        #expect(KafkaError.closed("producer").kind == .closed)
        #expect(KafkaError.timeout("x").isRetriable)
        let config = KafkaError.configuration("bad", property: "linger.ms")
        #expect(config.kind == .configuration)
        #expect(config.message.contains("linger.ms"))
    }
}

@Suite struct KafkaConfigurationTests {
    @Test func unknownPropertyIsRejectedWithItsName() throws {
        let config: KafkaConfiguration = ["bootstrap.servers": "127.0.0.1:1", "no.such.property": "1"]
        let error = #expect(throws: KafkaError.self) { try config.validate() }
        #expect(error?.kind == .configuration)
        #expect(error?.message.contains("no.such.property") == true)
    }

    @Test func invalidValueIsRejected() throws {
        let config: KafkaConfiguration = ["linger.ms": "soon"]
        let error = #expect(throws: KafkaError.self) { try config.validate() }
        #expect(error?.message.contains("linger.ms") == true)
    }

    @Test func validPropertiesPass() throws {
        let config: KafkaConfiguration = ["bootstrap.servers": "127.0.0.1:9092", "linger.ms": "20",
                                          "compression.codec": "lz4", "enable.idempotence": "true"]
        try config.validate()
    }

    @Test func effectiveValueIsWhatLibrdkafkaApplies() {
        let config: KafkaConfiguration = ["message.max.bytes": "0x300000", "max.partition.fetch.bytes": "2097152"]
        #expect(config.effectiveValue("message.max.bytes") == "3145728")
        #expect(config.effectiveValue("fetch.message.max.bytes") == "2097152", "an alias resolves to its property")
        #expect(config.effectiveValue("linger.ms") == "5", "librdkafka's default when unset")
        #expect(config.effectiveValue("no.such.property") == nil)
        #expect(KafkaConfiguration(["linger.ms": "soon"]).effectiveValue("linger.ms") == nil, "rejected properties give nil")
    }

    @Test func producerAndConsumerRefuseBadConfiguration() {
        #expect(throws: KafkaError.self) { _ = try KafkaProducer(configuration: ["acks": "sometimes"]) }
        #expect(throws: KafkaError.self) { _ = try KafkaConsumer(configuration: ["session.timeout.ms": "x"]) }
    }

    @Test func producerIsIdempotentByDefault() {
        #expect(KafkaProducer.defaults["enable.idempotence"] == "true")
        #expect(KafkaConsumer.defaults["enable.auto.offset.store"] == "false")
    }

    @Test func subscribeWithoutGroupIsRefused() throws {
        let consumer = try KafkaConsumer(configuration: ["bootstrap.servers": "127.0.0.1:1"])
        let error = #expect(throws: KafkaError.self) { try consumer.subscribe(topics: ["t"]) }
        #expect(error?.kind == .invalidArgument)
    }

    @Test func closedProducerRefusesSends() async throws {
        let producer = try KafkaProducer(configuration: ["bootstrap.servers": "127.0.0.1:1"])
        await producer.close(timeout: .milliseconds(10))
        await producer.close(timeout: .milliseconds(10)) // idempotent
        let error = await #expect(throws: KafkaError.self) {
            _ = try await producer.send(topic: "t", value: [1])
        }
        #expect(error?.kind == .closed)
    }
}
