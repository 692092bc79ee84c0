/// The waiting side of one retry loop: counts consecutive failures and gives the delay before the next attempt from
/// a ``RetryPolicy`` (capped, jittered exponential backoff).
///
/// One helper for every retry loop of the bridge (batch writes, dead-letter sends, the start-up wait for Kuzzle).
/// Pure: the random source is passed in, the caller sleeps.
public struct Backoff: Sendable, Equatable {
    /// Where the delays come from.
    public let policy: RetryPolicy
    /// Consecutive failures since the last ``reset()``.
    public private(set) var failures = 0

    /// Creates a backoff with no failure recorded.
    public init(policy: RetryPolicy) {
        self.policy = policy
    }

    /// Creates a backoff for `schedule`.
    public init(schedule: RetrySchedule) {
        self.init(policy: RetryPolicy(schedule: schedule))
    }

    /// Whether a failure was recorded since the last success.
    public var isRetrying: Bool { failures > 0 }

    /// Records a failure and returns how long to wait before the next attempt.
    public mutating func failed(using random: inout some RandomNumberGenerator) -> Duration {
        failures += 1
        return policy.delay(forAttempt: failures, using: &random)
    }

    /// Records a success: the next failure waits the initial delay again.
    public mutating func reset() {
        failures = 0
    }
}
