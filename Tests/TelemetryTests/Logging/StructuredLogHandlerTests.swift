import Foundation
import Logging
import Synchronization
import Testing
@testable import Telemetry

/// Collects lines written to a custom destination.
final class LineCollector: Sendable {
    private let storage = Mutex<[String]>([])
    var lines: [String] { storage.withLock { $0 } }
    var destination: LineDestination { .custom { line in self.storage.withLock { $0.append(line) } } }
}

@Suite struct StructuredLogHandlerTests {
    func logger(_ format: LineFormat, level: Logger.Level = .info, into collector: LineCollector) -> Logger {
        let factory = LoggingSetup.makeHandlerFactory(format: format, level: level, destination: collector.destination)
        return Logger(label: "feedworker.test", factory: factory)
    }

    @Test func jsonRecordCarriesTimestampLevelLabelMessageAndFlattenedMetadata() throws {
        let collector = LineCollector()
        var log = logger(.json, into: collector)
        log[metadataKey: "worker"] = "w1"
        log.info("fetched", metadata: [
            "job": ["id": "j-9", "attempt": "2"],
            "tags": ["a", "b"],
            "status": .stringConvertible(200),
        ])
        let line = try #require(collector.lines.first)
        let object = try parseJSONObject(line)
        #expect(object["level"] as? String == "info")
        #expect(object["logger"] as? String == "feedworker.test")
        #expect(object["msg"] as? String == "fetched")
        #expect(object["worker"] as? String == "w1")
        #expect(object["job.id"] as? String == "j-9")
        #expect(object["job.attempt"] as? String == "2")
        #expect(object["tags.0"] as? String == "a")
        #expect(object["tags.1"] as? String == "b")
        #expect(object["status"] as? String == "200")
        let ts = try #require(object["ts"] as? String)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let date = try #require(formatter.date(from: ts), "ts must be ISO-8601: \(ts)")
        #expect(abs(date.timeIntervalSinceNow) < 3600)
    }

    @Test func levelFiltersRecordsBelowIt() {
        let collector = LineCollector()
        let log = logger(.logfmt, level: .warning, into: collector)
        log.info("dropped")
        log.debug("dropped too")
        log.warning("kept")
        log.error("kept too")
        #expect(collector.lines.count == 2)
        #expect(collector.lines.allSatisfy { !$0.contains("dropped") })
    }

    @Test func logfmtRecordReadsBack() {
        let collector = LineCollector()
        let log = logger(.logfmt, into: collector)
        log.notice("store restored", metadata: ["rows": "1200", "path": "/var/lib/feedworker/store db"])
        let pairs = Dictionary(uniqueKeysWithValues: parseLogfmt(collector.lines[0]))
        #expect(pairs["level"] == "notice")
        #expect(pairs["msg"] == "store restored")
        #expect(pairs["rows"] == "1200")
        #expect(pairs["path"] == "/var/lib/feedworker/store db")
        #expect(pairs["ts"]?.hasSuffix("Z") == true)
    }

    @Test func debugRecordsNameTheirCaller() {
        let collector = LineCollector()
        let log = logger(.logfmt, level: .trace, into: collector)
        log.debug("x")
        let pairs = Dictionary(uniqueKeysWithValues: parseLogfmt(collector.lines[0]))
        #expect(pairs["caller"]?.hasPrefix("StructuredLogHandlerTests.swift:") == true)
    }

    @Test func levelConfigValuesParse() {
        #expect(LoggingSetup.level(configValue: "WARN") == .warning)
        #expect(LoggingSetup.level(configValue: "debug") == .debug)
        #expect(LoggingSetup.level(configValue: "loud") == nil)
    }
}
