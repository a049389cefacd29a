import Synchronization

/// Totals of one worker process since start, readable at any time (tests, benchmarks, the
/// shutdown log line). The same events are also counted through swift-metrics.
public final class PipelineStats: Sendable {
    /// Jobs finished by the extract stage (any outcome).
    public let jobs = Atomic<Int>(0)
    /// Jobs that produced at least one candidate.
    public let jobsWithArticles = Atomic<Int>(0)
    /// Jobs whose document held no article.
    public let jobsEmpty = Atomic<Int>(0)
    /// Candidates produced (acknowledged) by the extract stage.
    public let candidates = Atomic<Int>(0)
    /// Candidates the extract stage did not produce: their hash was already acknowledged on
    /// `topics.candidates` by this process (``KnownCandidates``), so they could only be duplicates.
    /// A job's articles are produced (``candidates``) or known; in one process running both stages
    /// and taking no DLQ `event_too_large`, the articles end as `clean + duplicates + knownDuplicates`.
    public let knownDuplicates = Atomic<Int>(0)
    /// Candidates read by the dedupe stage.
    public let candidatesSeen = Atomic<Int>(0)
    /// Clean events produced (acknowledged).
    public let clean = Atomic<Int>(0)
    /// Candidates the dedupe stage found already published (the extract stage's known duplicates
    /// are in ``knownDuplicates``, not here).
    public let duplicates = Atomic<Int>(0)
    /// DLQ records produced (acknowledged), all stages.
    public let dlq = Atomic<Int>(0)
    /// Jobs re-produced to the retry topic after a transient fetch failure.
    public let retried = Atomic<Int>(0)
    /// Clean events applied to stores by restores.
    public let restored = Atomic<Int>(0)
    /// Restores that found the changelog truncated past the store's applied offset.
    public let changelogGaps = Atomic<Int>(0)
    /// Dedupe stores found broken (corrupt, deleted, unreadable) and rebuilt from the changelog.
    public let storeRebuilds = Atomic<Int>(0)
    /// Messages skipped because the consumer delivered an offset again after a rewind
    /// (a librdkafka pause/resume quirk); each had already been handled in this assignment.
    public let redeliveriesSkipped = Atomic<Int>(0)
    /// Jobs currently in flight in the extract stage.
    public let inFlight = Atomic<Int>(0)
    /// The story stage's totals (issue 12); zero when it does not run.
    public let stories = StoryStats()

    public init() {}

    /// One line of `name=value` pairs.
    public var summary: String {
        "jobs=\(jobs.load(ordering: .relaxed)) jobs_with_articles=\(jobsWithArticles.load(ordering: .relaxed)) "
            + "jobs_empty=\(jobsEmpty.load(ordering: .relaxed)) candidates=\(candidates.load(ordering: .relaxed)) "
            + "known_duplicates=\(knownDuplicates.load(ordering: .relaxed)) "
            + "candidates_seen=\(candidatesSeen.load(ordering: .relaxed)) clean=\(clean.load(ordering: .relaxed)) "
            + "duplicates=\(duplicates.load(ordering: .relaxed)) dlq=\(dlq.load(ordering: .relaxed)) "
            + "restored=\(restored.load(ordering: .relaxed)) changelog_gaps=\(changelogGaps.load(ordering: .relaxed)) "
            + "store_rebuilds=\(storeRebuilds.load(ordering: .relaxed)) "
            + "retried=\(retried.load(ordering: .relaxed)) redeliveries_skipped=\(redeliveriesSkipped.load(ordering: .relaxed))"
    }
}
