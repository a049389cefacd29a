import Synchronization
import Telemetry

/// Liveness and readiness of one worker process, fed by its stages and read by the
/// ``Telemetry/Watchdog`` health check and the systemd `READY=1` notification.
///
/// - Progress: each stage calls ``progressed(_:)`` whenever its poll loop takes an event or a unit
///   of work finishes, and registers how much work it has pending (events buffered by the consumer
///   plus work in flight). A stage is **stalled** when it has pending work but made no progress for
///   `stallTimeout`: an idle stage (nothing to do) is healthy.
/// - Store: the dedupe stage registers a probe (an indexed lookup in every open store); a probe
///   that fails or throws makes the worker unhealthy.
/// - Restores: while a stage restores its stores (``setRestoring(_:_:)``) it is not stalled.
/// - Readiness: each stage calls ``markReady(_:)`` once its group is joined (first assignment)
///   and, for dedupe, its stores are restored. The worker is ready when every registered stage is.
///   The story stage is ready from its start: only one worker decides, the others wait, and a
///   worker that waits is not unready.
public final class WorkerHealth: Sendable {
    /// The stages that report.
    public enum Stage: String, Sendable, CaseIterable {
        case extract, dedupe, stories
    }

    private struct StageState {
        var lastProgress: ContinuousClock.Instant
        var pending: @Sendable () -> Int
        var ready = false
        var restoring = false
    }

    private struct State {
        var stages: [Stage: StageState] = [:]
        var storeProbe: (@Sendable () async -> String?)?
    }

    /// How long a stage with pending work may go without progress.
    public let stallTimeout: Duration
    private let state = Mutex(State())
    private let clock = ContinuousClock()

    /// - Parameter stallTimeout: how long a stage with pending work may make no progress before the
    ///   worker counts as unhealthy (default 120 s: longer than a slow HTTP fetch and a rebalance).
    public init(stallTimeout: Duration = .seconds(120)) {
        self.stallTimeout = stallTimeout
    }

    /// Registers `stage` with a closure returning its pending work (buffered events + in flight).
    public func register(_ stage: Stage, pending: @escaping @Sendable () -> Int) {
        let now = clock.now
        state.withLock { $0.stages[stage] = StageState(lastProgress: now, pending: pending) }
    }

    /// Drops `stage`'s closures when it stops (its readiness is kept).
    public func stageStopped(_ stage: Stage) {
        state.withLock { s in
            s.stages[stage]?.pending = { 0 }
            if stage == .dedupe { s.storeProbe = nil }
        }
    }

    /// Registers the store probe: returns nil when every store answers, else the reason.
    public func registerStoreProbe(_ probe: @escaping @Sendable () async -> String?) {
        state.withLock { $0.storeProbe = probe }
    }

    /// The stage's poll loop took an event or finished work.
    public func progressed(_ stage: Stage) {
        let now = clock.now
        state.withLock { $0.stages[stage]?.lastProgress = now }
    }

    /// The stage is restoring its stores from the changelog (its poll loop waits meanwhile, which is
    /// not a stall); `false` when done, which counts as progress.
    public func setRestoring(_ stage: Stage, _ restoring: Bool) {
        let now = clock.now
        state.withLock { s in
            s.stages[stage]?.restoring = restoring
            if !restoring { s.stages[stage]?.lastProgress = now }
        }
    }

    /// The stage joined its group (and restored its stores). Idempotent.
    public func markReady(_ stage: Stage) {
        state.withLock { $0.stages[stage]?.ready = true }
    }

    /// The stages registered so far, by name.
    public var registeredStages: [Stage] {
        state.withLock { s in s.stages.keys.sorted { $0.rawValue < $1.rawValue } }
    }

    /// Registered stages not ready yet.
    public var stagesNotReady: [Stage] {
        state.withLock { s in s.stages.filter { !$0.value.ready }.map(\.key).sorted { $0.rawValue < $1.rawValue } }
    }

    /// True once every registered stage is ready.
    public var isReady: Bool { state.withLock { Self.allReady($0) } }

    /// Returns once every registered stage is ready, or when the task is cancelled (callers
    /// re-check ``isReady``). Polls every 100 ms: simple and cancellation-safe.
    public func waitUntilReady() async {
        while !Task.isCancelled {
            if isReady { return }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The health check of the watchdog: every stage progressed recently (or has nothing to do),
    /// and the stores answer.
    public func check() async -> HealthStatus {
        let now = clock.now
        let (stalls, probe) = state.withLock { s -> ([String], (@Sendable () async -> String?)?) in
            var stalls: [String] = []
            for (stage, st) in s.stages.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                let idle = now - st.lastProgress
                if idle > stallTimeout && !st.restoring {
                    let pending = st.pending()
                    if pending > 0 {
                        stalls.append("\(stage.rawValue) stage made no progress for \(idle.components.seconds)s with \(pending) pending")
                    }
                }
            }
            return (stalls, s.storeProbe)
        }
        if !stalls.isEmpty { return .unhealthy(reason: stalls.joined(separator: "; ")) }
        if let probe, let failure = await probe() { return .unhealthy(reason: "store: \(failure)") }
        return .healthy
    }

    private static func allReady(_ s: State) -> Bool {
        !s.stages.isEmpty && s.stages.values.allSatisfy(\.ready)
    }
}
