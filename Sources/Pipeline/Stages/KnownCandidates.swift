import Dedupe
import Synchronization

/// Content hashes whose candidates the broker has acknowledged on `topics.candidates` for this
/// process: the extract stage does not produce a candidate with one of them again.
///
/// A feed is polled again and again and most of its entries come back unchanged; each repeat would
/// be encoded, produced, read back by the dedupe stage and looked up only to be counted as a
/// duplicate. Skipping it is exact: an acknowledged candidate is in the topic, so the dedupe stage
/// decides that hash (first sight → one clean event) whatever this process does next, and a skipped
/// repeat could only have been a duplicate. A hash enters only after its acknowledgement, so a
/// candidate still in flight, or lost with a crash, is produced again by the next job that has it.
///
/// Bounded two ways: at most `capacity` hashes (two generations of `capacity / 2`; when the newer
/// one is full the older is dropped) and younger than two `generationLifetime`s whenever asked,
/// so a hash the dedupe store has since purged (`store.retention_days`) is offered to the dedupe
/// stage again in time.
/// A capacity of 0 turns the cache off.
public final class KnownCandidates: Sendable {
    private struct State {
        var current: Set<ContentHash> = []
        var previous: Set<ContentHash> = []
        /// When `current` began (every hash in it was added later).
        var currentStarted: ContinuousClock.Instant
        /// When `previous` began (every hash in it was added later).
        var previousStarted: ContinuousClock.Instant

        /// Drops what is too old at `now`: `previous` once its start is two lifetimes back, and
        /// turns `current` into `previous` once its start is one lifetime back. So a hash is never
        /// reported known two lifetimes after it was added, however long nothing was inserted.
        mutating func expire(now: ContinuousClock.Instant, lifetime: Duration) {
            if now - currentStarted >= lifetime { shift(now: now) }
            if now - previousStarted >= lifetime * 2 { previous = [] }
        }

        /// `current` becomes `previous`; a new, empty `current` starts at `now`.
        mutating func shift(now: ContinuousClock.Instant) {
            previous = current
            previousStarted = currentStarted
            current = []
            currentStarted = now
        }
    }

    /// The most hashes held (both generations together).
    public let capacity: Int
    /// How long a generation takes new hashes before it becomes the older one.
    public let generationLifetime: Duration
    private let state: Mutex<State>

    /// - Parameters:
    ///   - capacity: the most hashes held; 0 = off (nothing is ever known); 1 is taken as 2 (one
    ///     hash per generation).
    ///   - generationLifetime: a hash is forgotten at most twice this long after it was added
    ///     (sooner when more than `capacity / 2` new hashes arrive meanwhile).
    ///   - now: the start of the first generation (tests pass their own times).
    public init(capacity: Int, generationLifetime: Duration = .seconds(3600), now: ContinuousClock.Instant = .now) {
        self.capacity = capacity <= 0 ? 0 : max(2, capacity)
        self.generationLifetime = generationLifetime
        state = Mutex(State(currentStarted: now, previousStarted: now))
    }

    /// Whether `hash`'s candidate was acknowledged (and is still remembered).
    public func contains(_ hash: ContentHash) -> Bool {
        contains(hash, at: .now)
    }

    /// ``contains(_:)`` at the time `now`.
    public func contains(_ hash: ContentHash, at now: ContinuousClock.Instant) -> Bool {
        guard capacity > 0 else { return false }
        return state.withLock { s in
            s.expire(now: now, lifetime: generationLifetime)
            return s.current.contains(hash) || s.previous.contains(hash)
        }
    }

    /// The hashes of candidates the broker has just acknowledged.
    public func insert(_ hashes: some Sequence<ContentHash>) {
        insert(hashes, at: .now)
    }

    /// ``insert(_:)`` at the time `now`.
    public func insert(_ hashes: some Sequence<ContentHash>, at now: ContinuousClock.Instant) {
        guard capacity > 0 else { return }
        let half = capacity / 2
        state.withLock { s in
            s.expire(now: now, lifetime: generationLifetime)
            for hash in hashes {
                if s.current.count >= half { s.shift(now: now) }
                s.current.insert(hash)
            }
        }
    }

    /// Hashes held now (both generations; a hash in both counts twice).
    public var count: Int {
        state.withLock { $0.current.count + $0.previous.count }
    }
}
