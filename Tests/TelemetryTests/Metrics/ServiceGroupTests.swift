import TestSupport
import CoreMetrics
import Logging
import ServiceLifecycle
import Testing
@testable import Telemetry

/// Stands in for the worker pipeline: runs until graceful shutdown, then counts its final flush.
struct FakePipeline: Service {
    let flushed: Counter

    func run() async throws {
        try? await gracefulShutdown()
        flushed.increment(by: 7) // work done while draining must reach the final metrics line
    }
}

@Suite struct ServiceGroupTests {
    @Test func gracefulShutdownSendsStoppingAndEndsWatchdogAndReporterAfterThePipelineWithAFinalLine() async throws {
        let listener = try NotifySocketListener()
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.address, "WATCHDOG_USEC": "40000"])
        let metrics = MetricsAggregator()
        let (lines, continuation) = AsyncStream.makeStream(of: String.self)
        let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let watchdog = Watchdog(notifier: notifier, logger: quiet) { .healthy }
        let reporter = MetricsReporter(aggregator: metrics, destination: .lines(.custom { continuation.yield($0) }, .json),
                                       configuration: .init(interval: .milliseconds(10), includeProcessStats: false))
        let pipeline = FakePipeline(flushed: Counter(label: "flushed", factory: metrics))
        // Order matters: shutdown runs in reverse, so the pipeline drains first, then the reporter writes
        // its final line, then the watchdog stops.
        let stopping = SystemdShutdownNotifier(notifier: notifier, status: "draining")
        let group = ServiceGroup(services: [watchdog, reporter, pipeline, stopping], logger: quiet)
        #expect(try notifier.notify(.ready))

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = lines.makeAsyncIterator()
            _ = await iterator.next() // one periodic line: everything runs
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            continuation.finish()
            var all: [[String: Any]] = []
            while let line = await iterator.next() { all.append(try parseJSONObject(line)) }
            let last = try #require(all.last)
            #expect(last["final"] as? Bool == true)
            #expect(last["flushed.total"] as? Int == 7, "the final line comes after the pipeline drained")
            #expect(all.dropLast().allSatisfy { $0["final"] as? Bool == false })
        }
        let messages = listener.drain()
        #expect(messages.first == "READY=1\n")
        #expect(messages.contains("WATCHDOG=1\n"))
        #expect(messages.filter { $0 == "STOPPING=1\nSTATUS=draining\n" }.count == 1)
        // STOPPING=1 is sent once, after READY=1.
        #expect(messages.firstIndex(of: "STOPPING=1\nSTATUS=draining\n")! > 0)
    }
}
