/// When the pipeline's timer fires next: at the earliest batch deadline, and at least every ``idleInterval``.
///
/// A fixed fine tick (every `max_wait / 40`) honoured deadlines within a few milliseconds, but each tick is a timer
/// armed in the dispatch manager thread and two thread wake-ups, 200 times a second at the default `max_wait`,
/// whether any batch was due or not. The planner wakes the pipeline exactly at the deadline the accumulator
/// published, and otherwise every ``idleInterval``, for the periodic work (commits, statistics, revocation and stop
/// deadlines, heartbeats).
///
/// No deadline is missed when ``idleInterval`` is at most a quarter of `max_wait`: a batch opened while the timer
/// sleeps is due at least a quarter of `max_wait` after it opened (``BatchAccumulator/append(_:encodedSize:now:age:)``),
/// and the timer, armed before, fires at most ``idleInterval`` after it was armed, then sees the new deadline.
public struct TickPlanner: Sendable {
    /// The longest the timer sleeps.
    public let idleInterval: Duration
    /// The deadline the last wake was planned for: once the tick for it is sent, the same deadline (still published
    /// until the pipeline handles that tick) must not make the timer fire again at once.
    private var plannedDeadline: ContinuousClock.Instant?

    /// Creates a planner for batches that wait at most `maximumWait`.
    /// - Parameter maximumWait: `batching.max_wait`. The idle interval is a quarter of it, between 2 ms and 50 ms.
    public init(maximumWait: Duration) {
        idleInterval = min(max(maximumWait / 4, .milliseconds(2)), .milliseconds(50))
    }

    /// The instant to sleep until.
    /// - Parameters:
    ///   - now: The current instant.
    ///   - earliestDeadline: The earliest deadline of the open batches as last published, or `nil` when none is open.
    public mutating func nextWake(
        now: ContinuousClock.Instant,
        earliestDeadline: ContinuousClock.Instant?
    ) -> ContinuousClock.Instant {
        let idleWake = now + idleInterval
        guard let earliestDeadline, earliestDeadline != plannedDeadline, earliestDeadline < idleWake else {
            return idleWake
        }
        plannedDeadline = earliestDeadline
        return earliestDeadline
    }
}
