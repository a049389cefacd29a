import Foundation

/// Which Kafka broker an integration test runs against.
///
/// - `mock`: librdkafka's own mock cluster, in process (``TestBroker/init(brokers:topics:)``); the
///   only one with fault injection.
/// - `noida`: a `noida-db` process (PyPI, installed by `scripts/noida-db` into `.build/`), an
///   independent implementation of the Kafka protocol with CreateTopics, a time index and
///   DeleteRecords. README "Test brokers" lists where it differs from Kafka and from the mock.
///
/// `FEEDWORKER_TEST_BROKER` = `mock`, `noida` or `both` (the default) picks the kinds the
/// parameterized integration tests run on (``selected``).
public enum BrokerKind: String, Sendable, CaseIterable, CustomStringConvertible {
    case mock
    case noida

    public var description: String { rawValue }

    /// The kinds chosen by `FEEDWORKER_TEST_BROKER` (`mock`, `noida`, `both`; default `both`).
    ///
    /// An unknown value selects both, so a typo never silently drops a broker.
    public static let selected: [BrokerKind] = {
        switch ProcessInfo.processInfo.environment["FEEDWORKER_TEST_BROKER"]?.lowercased() {
        case "mock": [.mock]
        case "noida": [.noida]
        default: [.mock, .noida]
        }
    }()

    /// The selected kinds that can run something beyond the mock: `[.noida]` when selected, else `[]`.
    public static var selectedReal: [BrokerKind] { selected.filter { $0 != .mock } }

    /// Whether this run is CI's (`CI=true`): an unavailable noida-db then fails the tests that need
    /// it instead of skipping them.
    public static var isCI: Bool {
        ["true", "1", "yes"].contains(ProcessInfo.processInfo.environment["CI"]?.lowercased() ?? "")
    }
}
