import TestSupport
import Glibc
import Logging
import Synchronization
import Testing
@testable import Telemetry

@Suite struct SystemdNotifierTests {
    @Test func sendsReadyAndStatusAsOneDatagramToAPathSocket() throws {
        let listener = try NotifySocketListener()
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.address])
        #expect(notifier.isEnabled)
        #expect(try notifier.notify(.ready, .status("joined 2 groups,\nrestored 12 partitions")))
        #expect(listener.receive() == "READY=1\nSTATUS=joined 2 groups, restored 12 partitions\n")
        #expect(try notifier.notify(.stopping))
        #expect(listener.receive() == "STOPPING=1\n")
        try notifier.notify(.watchdog)
        #expect(listener.receive() == "WATCHDOG=1\n")
    }

    @Test func reachesAnAbstractSocket() throws {
        let listener = try NotifySocketListener(abstract: true)
        #expect(listener.address.hasPrefix("@"))
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.address])
        try notifier.notify(.ready)
        #expect(listener.receive() == "READY=1\n")
    }

    @Test func isANoOpWithoutNotifySocket() throws {
        let notifier = SystemdNotifier(environment: ["WATCHDOG_USEC": "1000000"])
        #expect(!notifier.isEnabled)
        #expect(notifier.watchdogTimeout == nil)
        #expect(try notifier.notify(.ready) == false)
    }

    @Test func reportsASocketNobodyListensOn() throws {
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": "/nonexistent-dir/notify.sock"])
        #expect(throws: SystemdNotifyError.sendFailed(socket: "/nonexistent-dir/notify.sock", errno: ENOENT)) {
            try notifier.notify(.ready)
        }
        let relative = SystemdNotifier(environment: ["NOTIFY_SOCKET": "relative.sock"])
        #expect(throws: SystemdNotifyError.unsupportedSocketAddress("relative.sock")) { try relative.notify(.ready) }
        let long = "/" + String(repeating: "x", count: 200)
        #expect(throws: SystemdNotifyError.socketPathTooLong(long)) {
            try SystemdNotifier(environment: ["NOTIFY_SOCKET": long]).notify(.ready)
        }
    }

    @Test func watchdogTimeoutHonoursWatchdogPid() {
        let socket = "/run/systemd/notify"
        let mine = SystemdNotifier(environment: ["NOTIFY_SOCKET": socket, "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "4242"],
                                   processID: 4242)
        #expect(mine.watchdogTimeout == .seconds(30))
        let unpinned = SystemdNotifier(environment: ["NOTIFY_SOCKET": socket, "WATCHDOG_USEC": "30000000"], processID: 1)
        #expect(unpinned.watchdogTimeout == .seconds(30))
        let other = SystemdNotifier(environment: ["NOTIFY_SOCKET": socket, "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"],
                                    processID: 4242)
        #expect(other.watchdogTimeout == nil)
        let bad = SystemdNotifier(environment: ["NOTIFY_SOCKET": socket, "WATCHDOG_USEC": "soon"], processID: 1)
        #expect(bad.watchdogTimeout == nil)
    }

    @Test func stateAssignments() {
        #expect(NotifyState.extendTimeout(.seconds(90)).assignment == "EXTEND_TIMEOUT_USEC=90000000")
        #expect(NotifyState.mainPID(77).assignment == "MAINPID=77")
        #expect(NotifyState.watchdogTrigger.assignment == "WATCHDOG=trigger")
    }
}

@Suite struct WatchdogTests {
    let logger = Logger(label: "test.watchdog", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A health check that is healthy for its first `healthyCalls` calls, then unhealthy; it signals once it
    /// has answered `stopAfter` calls.
    final class ScriptedHealth: Sendable {
        let calls = Atomic<Int>(0)
        let healthyCalls: Int
        let stopAfter: Int
        let reached: AsyncStream<Void>.Continuation
        let reachedStream: AsyncStream<Void>

        init(healthyCalls: Int, stopAfter: Int) {
            self.healthyCalls = healthyCalls
            self.stopAfter = stopAfter
            (reachedStream, reached) = AsyncStream.makeStream(of: Void.self)
        }

        func check() -> HealthStatus {
            let n = calls.wrappingAdd(1, ordering: .relaxed).newValue
            if n == stopAfter { reached.yield() }
            return n <= healthyCalls ? .healthy : .unhealthy(reason: "poll loop stalled")
        }
    }

    @Test func pingsOnlyWhileHealthyAndSaysWhyItStopped() async throws {
        let listener = try NotifySocketListener()
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.address, "WATCHDOG_USEC": "20000"])
        let health = ScriptedHealth(healthyCalls: 3, stopAfter: 6)
        let watchdog = Watchdog(notifier: notifier, logger: logger) { health.check() }
        #expect(watchdog.pingInterval == .milliseconds(10))
        let task = Task { try await watchdog.run() }
        var reached = health.reachedStream.makeAsyncIterator()
        _ = await reached.next()
        task.cancel()
        try await task.value
        let messages = listener.drain()
        #expect(messages.filter { $0 == "WATCHDOG=1\n" }.count == 3, "one ping per healthy check: \(messages)")
        #expect(messages.filter { $0.hasPrefix("STATUS=unhealthy: poll loop stalled") }.count == 1)
        // No ping after the health check turned unhealthy.
        let lastPing = try #require(messages.lastIndex(of: "WATCHDOG=1\n"))
        let status = try #require(messages.firstIndex { $0.hasPrefix("STATUS=") })
        #expect(lastPing < status)
    }

    @Test func silentWhenWatchdogPidNamesAnotherProcess() async throws {
        let listener = try NotifySocketListener()
        let notifier = SystemdNotifier(environment: [
            "NOTIFY_SOCKET": listener.address, "WATCHDOG_USEC": "20000", "WATCHDOG_PID": "\(getpid() + 1)",
        ])
        let health = ScriptedHealth(healthyCalls: 100, stopAfter: 1)
        let watchdog = Watchdog(notifier: notifier, logger: logger) { health.check() }
        #expect(watchdog.pingInterval == nil)
        let task = Task { try await watchdog.run() }
        try await Task.sleep(for: .milliseconds(100)) // several ping periods, had it been on
        task.cancel()
        try await task.value
        #expect(listener.drain().isEmpty)
        #expect(health.calls.load(ordering: .relaxed) == 0, "the health check is not even called")
    }

    @Test func offWithoutNotifySocketAndEndsOnCancel() async throws {
        let watchdog = Watchdog(notifier: SystemdNotifier(environment: ["WATCHDOG_USEC": "20000"]), logger: logger) {
            Issue.record("health check must not run when the watchdog is off")
            return .healthy
        }
        let task = Task { try await watchdog.run() }
        try await Task.sleep(for: .milliseconds(30))
        task.cancel()
        try await task.value
    }

    @Test func heartbeatFileIsTouchedWhileHealthyAndRemovedAtStop() async throws {
        var template = Array("/tmp/fw-heartbeat-XXXXXX".utf8CString)
        let dir = String(cString: try #require(mkdtemp(&template)))
        defer { rmdir(dir) }
        let path = dir + "/healthy"
        let health = ScriptedHealth(healthyCalls: 100, stopAfter: 2)
        let watchdog = Watchdog(notifier: SystemdNotifier(environment: [:]), logger: logger,
                                heartbeatFile: path, heartbeatInterval: .milliseconds(5)) { health.check() }
        #expect(watchdog.pingInterval == nil)
        #expect(watchdog.checkInterval == .milliseconds(5))
        let task = Task { try await watchdog.run() }
        var reached = health.reachedStream.makeAsyncIterator()
        _ = await reached.next() // the second check runs after the first healthy check touched the file
        #expect(access(path, F_OK) == 0, "heartbeat file written after a healthy check")
        task.cancel()
        try await task.value
        #expect(access(path, F_OK) != 0, "heartbeat file removed when the watchdog stops")
    }

    @Test func noHeartbeatWhileUnhealthy() async throws {
        var template = Array("/tmp/fw-heartbeat-XXXXXX".utf8CString)
        let dir = String(cString: try #require(mkdtemp(&template)))
        defer { rmdir(dir) }
        let path = dir + "/healthy"
        let health = ScriptedHealth(healthyCalls: 0, stopAfter: 3)
        let watchdog = Watchdog(notifier: SystemdNotifier(environment: [:]), logger: logger,
                                heartbeatFile: path, heartbeatInterval: .milliseconds(5)) { health.check() }
        let task = Task { try await watchdog.run() }
        var reached = health.reachedStream.makeAsyncIterator()
        _ = await reached.next()
        #expect(access(path, F_OK) != 0, "never healthy: no heartbeat file")
        task.cancel()
        try await task.value
    }
}
