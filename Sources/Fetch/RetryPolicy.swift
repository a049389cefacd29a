/// What to do with a failed fetch.
public enum RetryDecision: Sendable, Equatable {
    /// Re-produce the job with `attempt + 1`, to be fetched no earlier than `after` from now.
    case retry(after: Duration)
    /// Send the job to the DLQ with this reason.
    case giveUp(reason: String)
}

/// Classifies fetch failures as transient or final and computes the next delay: exponential backoff
/// with jitter, capped, honouring `Retry-After`, up to `maxAttempts`.
///
/// The worker calls `decide(error:attempt:)` after a failed fetch and re-produces the job with
/// `attempt + 1` (to the retry topic) on `.retry`, or sends it to the DLQ on `.giveUp`, so a slow host
/// never blocks a partition.
public struct RetryPolicy: Sendable {
    /// Attempts in total, the first included (1 = never retry).
    public var maxAttempts: Int = 5
    /// Delay before the second attempt (before jitter).
    public var baseDelay: Duration = .seconds(30)
    /// Each further attempt multiplies the delay by this.
    public var multiplier: Double = 2
    /// Upper bound of a computed delay.
    public var maxDelay: Duration = .seconds(3600)
    /// Upper bound of a honoured `Retry-After` (a server asking for a week gets `maxRetryAfter`).
    public var maxRetryAfter: Duration = .seconds(6 * 3600)
    /// Fraction of the delay randomised: the delay is drawn uniformly from `[d·(1-jitter), d]`.
    public var jitter: Double = 0.5

    public init() {}

    /// Whether a failure may succeed later: connect errors, DNS failures, timeouts, transport resets,
    /// 5xx, 408 and 429. Final: other 4xx, guard refusals, too large, bad scheme or URL, redirect errors.
    public static func isTransient(_ error: FetchError) -> Bool {
        switch error {
        case .timedOut, .connectFailed, .dnsFailure, .transport: return true
        case .httpStatus(let status, _, _): return status >= 500 || status == 429 || status == 408
        case .invalidURL, .unsupportedScheme, .refused, .tooManyRedirects, .redirectLoop,
             .redirectWithoutLocation, .bodyTooLarge, .cancelled:
            return false
        }
    }

    /// The decision after attempt number `attempt` (1-based) failed with `error`.
    public func decide(error: FetchError, attempt: Int) -> RetryDecision {
        var generator = SystemRandomNumberGenerator()
        return decide(error: error, attempt: attempt, using: &generator)
    }

    /// As `decide(error:attempt:)`, with a chosen random source (for reproducible tests).
    public func decide(error: FetchError, attempt: Int, using generator: inout some RandomNumberGenerator) -> RetryDecision {
        guard Self.isTransient(error) else { return .giveUp(reason: "\(error.code): \(error)") }
        guard attempt < maxAttempts else {
            return .giveUp(reason: "\(error.code) after \(attempt) attempt\(attempt == 1 ? "" : "s"): \(error)")
        }
        let backoff = backoffDelay(attempt: attempt, using: &generator)
        if let retryAfter = error.retryAfter {
            return .retry(after: max(backoff, min(retryAfter, maxRetryAfter)))
        }
        return .retry(after: backoff)
    }

    /// The jittered, capped exponential delay after attempt `attempt` failed.
    public func backoffDelay(attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let exponent = Double(max(0, attempt - 1))
        let base = seconds(baseDelay) * pow(multiplier, exponent)
        let capped = min(base, seconds(maxDelay))
        let fraction = max(0, min(1, jitter))
        let low = capped * (1 - fraction)
        let drawn = fraction == 0 ? capped : Double.random(in: low...capped, using: &generator)
        return .milliseconds(Int64((drawn * 1000).rounded()))
    }

    private func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    private func pow(_ base: Double, _ exponent: Double) -> Double {
        var result = 1.0
        var remaining = Int(exponent)
        while remaining > 0 && result < 1e12 { result *= base; remaining -= 1 }
        return result
    }
}
