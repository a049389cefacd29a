import CRdKafka
import Logging

/// librdkafka properties as `name → value` strings, passed through unchanged.
///
/// Any property librdkafka knows (`bootstrap.servers`, `linger.ms`, `session.timeout.ms`, ...) may be set;
/// an unknown name or invalid value is rejected with a ``KafkaError`` of kind `.configuration` when a
/// client is created. See librdkafka's CONFIGURATION.md for the list.
public struct KafkaConfiguration: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    /// The properties, in no particular order.
    public var properties: [String: String]

    /// Properties from a dictionary.
    public init(_ properties: [String: String] = [:]) { self.properties = properties }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.properties = Dictionary(elements, uniquingKeysWith: { _, last in last })
    }

    /// Reads or sets one property.
    public subscript(name: String) -> String? {
        get { properties[name] }
        set { properties[name] = newValue }
    }

    /// `bootstrap.servers`.
    public var bootstrapServers: String? {
        get { properties["bootstrap.servers"] }
        set { properties["bootstrap.servers"] = newValue }
    }

    /// These properties with `defaults` filled in where not set.
    func withDefaults(_ defaults: [String: String]) -> KafkaConfiguration {
        var copy = self
        for (k, v) in defaults where copy.properties[k] == nil { copy.properties[k] = v }
        return copy
    }

    /// Checks every property against librdkafka without creating a client.
    public func validate() throws(KafkaError) {
        let conf = try makeConf()
        rd_kafka_conf_destroy(conf)
    }

    /// A new `rd_kafka_conf_t` holding these properties; the caller owns it.
    func makeConf() throws(KafkaError) -> OpaquePointer {
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError(kind: .configuration, codeName: "CONFIGURATION", message: "rd_kafka_conf_new failed")
        }
        for (name, value) in properties.sorted(by: { $0.key < $1.key }) {
            var errstr = [CChar](repeating: 0, count: 512)
            let result = rd_kafka_conf_set(conf, name, value, &errstr, errstr.count)
            if result != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                let message = cString(errstr)
                throw KafkaError.configuration(message.isEmpty ? "rejected value \"\(value)\"" : message, property: name)
            }
        }
        return conf
    }
}
