/// One clean article as the story decider sees it.
public struct StoryArticle: Sendable, Hashable {
    /// The article's content hash (64 hex digits), its identity.
    public var contentHash: String
    /// ``StoryFingerprint`` of its normalized body.
    public var fingerprint: UInt64
    /// Canonical URL, if any: the same URL with another hash is an update.
    public var canonicalURL: String?
    /// Feed entry id (guid), if any: same rule as the URL.
    public var entryID: String?
    /// Seconds since the epoch: `published_at`, else `fetched_at`. Drives the window.
    public var time: Int64

    /// An article as the decider sees it.
    public init(contentHash: String, fingerprint: UInt64, canonicalURL: String?, entryID: String?, time: Int64) {
        self.contentHash = contentHash
        self.fingerprint = fingerprint
        self.canonicalURL = canonicalURL
        self.entryID = entryID
        self.time = time
    }
}

/// How an article relates to the stories seen before it.
public enum StoryRelation: String, Sendable, Hashable, CaseIterable {
    /// Starts a story whose id is its own content hash.
    case new
    /// Within distance k of a member: joins that member's story.
    case nearDuplicate = "near_duplicate"
    /// Same canonical URL or entry id as an earlier member, another hash: a new version of it.
    case update
}

/// The decision for one article: what `articles.stories` publishes, and what restores a decider.
public struct StoryDecision: Sendable, Hashable {
    /// The article decided.
    public var article: StoryArticle
    /// The story joined (own content hash for ``StoryRelation/new``).
    public var storyID: String
    /// How it relates to the story.
    public var relation: StoryRelation
    /// Hamming distance to the member it was matched with (0 for `new`).
    public var distance: Int
    /// For an update: the content hash of the version it replaces.
    public var supersedes: String?
    /// 1 for the first version of a URL/entry; previous version + 1 for an update.
    public var version: Int

    /// A decision (as made by ``StoryDecider/decide(_:)``, or read back from a story event).
    public init(article: StoryArticle, storyID: String, relation: StoryRelation, distance: Int, supersedes: String?, version: Int) {
        self.article = article
        self.storyID = storyID
        self.relation = relation
        self.distance = distance
        self.supersedes = supersedes
        self.version = version
    }
}

/// Gives each article exactly one story (issue 12), in memory; pure (no I/O, no clock).
///
/// Rules, in order, for an article not seen before (a content hash already decided gets no
/// second decision: ``decide(_:)`` returns nil, so replays are idempotent):
/// 1. its canonical URL or entry id belongs to a member with another hash → ``StoryRelation/update``
///    of that member: same story, `supersedes` = that member's hash, `version` + 1;
/// 2. a member within Hamming distance `k` (nearest; ties → earliest) → ``StoryRelation/nearDuplicate``;
/// 3. else ``StoryRelation/new``, story id = own hash.
///
/// The decision is applied at once (the article becomes a member). A restore feeds published
/// decisions to ``apply(_:)``, which rebuilds the same state. ``evict(before:)`` drops members older
/// than the window (by their article time), which bounds memory; an evicted story can no longer be
/// joined, so a copy arriving later starts a new one.
public struct StoryDecider: Sendable {
    struct Member: Sendable {
        var article: StoryArticle
        var storyID: String
        var version: Int
    }

    /// The Hamming threshold k.
    public let maxDistance: Int
    /// The window in seconds (for ``cutoff(now:)``).
    public let windowSeconds: Int64

    private var index = SimHashIndex()
    private var members: [Int: Member] = [:]
    private var slotByHash: [String: Int] = [:]
    private var slotByURL: [String: Int] = [:]
    private var slotByEntry: [String: Int] = [:]
    private var nextSlot = 0

    /// - Parameters:
    ///   - maxDistance: k, 0...3 (the index is exact up to 3).
    ///   - windowSeconds: how long members stay joinable (default 7 days).
    public init(maxDistance: Int = 3, windowSeconds: Int64 = 7 * 86_400) throws(StoryError) {
        guard (0...SimHashIndex.maximumExactDistance).contains(maxDistance) else { throw .distanceOutOfRange(maxDistance) }
        guard windowSeconds > 0 else { throw .windowNotPositive(windowSeconds) }
        self.maxDistance = maxDistance
        self.windowSeconds = windowSeconds
    }

    /// Members held (articles inside the window).
    public var memberCount: Int { members.count }

    /// Whether `contentHash` was decided (and not evicted).
    public func contains(_ contentHash: String) -> Bool { slotByHash[contentHash] != nil }

    /// The story of a member, if held.
    public func story(of contentHash: String) -> String? { slotByHash[contentHash].flatMap { members[$0]?.storyID } }

    /// Decides `article` and applies the decision; nil if its content hash was decided already.
    public mutating func decide(_ article: StoryArticle) -> StoryDecision? {
        guard slotByHash[article.contentHash] == nil else { return nil }
        let decision = classify(article)
        apply(decision)
        return decision
    }

    /// What ``decide(_:)`` would answer, without applying it.
    public func classify(_ article: StoryArticle) -> StoryDecision {
        let previous = article.canonicalURL.flatMap { slotByURL[$0] } ?? article.entryID.flatMap { slotByEntry[$0] }
        if let slot = previous, let member = members[slot] {
            return StoryDecision(article: article, storyID: member.storyID, relation: .update,
                                 distance: StoryFingerprint.distance(member.article.fingerprint, article.fingerprint),
                                 supersedes: member.article.contentHash, version: member.version + 1)
        }
        if let (slot, distance) = index.nearest(to: article.fingerprint, within: maxDistance), let member = members[slot] {
            return StoryDecision(article: article, storyID: member.storyID, relation: .nearDuplicate, distance: distance,
                                 supersedes: nil, version: 1)
        }
        return StoryDecision(article: article, storyID: article.contentHash, relation: .new, distance: 0, supersedes: nil, version: 1)
    }

    /// Makes the decided article a member (restore path: decisions read back from the changelog).
    /// A content hash already held is left as it is.
    public mutating func apply(_ decision: StoryDecision) {
        let article = decision.article
        guard slotByHash[article.contentHash] == nil else { return }
        let slot = nextSlot
        nextSlot += 1
        members[slot] = Member(article: article, storyID: decision.storyID, version: decision.version)
        slotByHash[article.contentHash] = slot
        index.insert(slot, fingerprint: article.fingerprint)
        // The latest version answers for its URL / entry id.
        if let url = article.canonicalURL { slotByURL[url] = slot }
        if let entry = article.entryID { slotByEntry[entry] = slot }
    }

    /// The eviction cutoff for wall-clock `now` (seconds): `now - window`.
    public func cutoff(now: Int64) -> Int64 { now - windowSeconds }

    /// Drops members whose article time is before `cutoff`; returns how many.
    @discardableResult
    public mutating func evict(before cutoff: Int64) -> Int {
        let old = members.filter { $0.value.article.time < cutoff }
        for (slot, member) in old {
            members[slot] = nil
            index.remove(slot)
            slotByHash[member.article.contentHash] = nil
            if let url = member.article.canonicalURL, slotByURL[url] == slot { slotByURL[url] = nil }
            if let entry = member.article.entryID, slotByEntry[entry] == slot { slotByEntry[entry] = nil }
        }
        return old.count
    }
}
