import Testing
@testable import Pipeline

/// `MessageSizeLimit` reads `message.max.bytes` as librdkafka does: the extract stage's event-size
/// check and the job consumer's `fetch.max.bytes` floor both follow from it.
@Suite struct MessageSizeLimitTests {
    @Test func unsetIsLibrdkafkasDefault() {
        #expect(MessageSizeLimit(properties: [:]).maxMessageBytes == 1_000_000)
        #expect(MessageSizeLimit(properties: ["linger.ms": "5"]).maxMessageBytes == 1_000_000)
    }

    @Test func aDecimalValueIsTaken() {
        #expect(MessageSizeLimit(properties: ["message.max.bytes": "40000"]).maxMessageBytes == 40_000)
    }

    /// librdkafka parses integers with strtol (base 0): a hex value is 3 MB to it, and a Swift
    /// `Int(_:)` parse would have fallen back to 1 MB (then the job consumer's 2 MB fetches are
    /// below `message.max.bytes` and librdkafka refuses to create it).
    @Test func aValueIsReadTheWayLibrdkafkaReadsIt() {
        #expect(MessageSizeLimit(properties: ["message.max.bytes": "0x300000"]).maxMessageBytes == 3_145_728)
    }
}
