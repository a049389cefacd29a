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

    /// The value librdkafka applies for `name` given these properties: aliases and defaults
    /// resolved, numbers parsed the way librdkafka parses them (`"0x300000"` → `"3145728"`).
    /// Nil when librdkafka rejects one of the properties or does not know `name`.
    public func effectiveValue(_ name: String) -> String? {
        guard let conf = try? makeConf() else { return nil }
        defer { rd_kafka_conf_destroy(conf) }
        return confValue(conf, name)
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

/// `name`'s value in `conf` as librdkafka formats it, or nil when librdkafka does not know it.
func confValue(_ conf: OpaquePointer, _ name: String) -> String? {
    var size = 0
    guard rd_kafka_conf_get(conf, name, nil, &size) == RD_KAFKA_CONF_OK, size > 0 else { return nil }
    var buffer = [CChar](repeating: 0, count: size)
    guard rd_kafka_conf_get(conf, name, &buffer, &size) == RD_KAFKA_CONF_OK else { return nil }
    return cString(buffer)
}
