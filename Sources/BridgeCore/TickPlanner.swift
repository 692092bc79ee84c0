/// When the pipeline's timer fires next: at the earliest batch deadline, and at least every ``idleInterval``.
///
/// A fixed fine tick (every `max_wait / 40`) honoured deadlines within a few milliseconds, but each tick is a timer
/// armed in the dispatch manager thread and two thread wake-ups, 200 times a second at the default `max_wait`,
/// whether any batch was due or not. The planner wakes the pipeline exactly at the earliest batch deadline, as the
/// pipeline reported it when it handled the previous tick, and otherwise every ``idleInterval``, for the periodic work
/// (commits, statistics, revocation and stop deadlines, heartbeats).
///
/// No deadline is missed when ``idleInterval`` is at most a quarter of `max_wait`: the batches open when the previous
/// tick was handled are in the reported deadline, and a batch opened after it is due at least a quarter of `max_wait`
/// after it opened (``BatchAccumulator/append(_:encodedSize:now:age:)``), no sooner than the idle wake. The deadline
/// must come from after the previous tick was handled: read before, it may still be that tick's own deadline, and the
/// next batch's deadline, just behind it, would wait for the idle wake.
public struct TickPlanner: Sendable {
    /// The longest the timer sleeps.
    public let idleInterval: Duration
    /// The deadline the last wake was planned for. Reported again after its tick (a batch left open when due, which
    /// the pipeline does not do), it must not make the timer fire again at once: the idle wake applies.
    private var plannedDeadline: ContinuousClock.Instant?

    /// Creates a planner for batches that wait at most `maximumWait`.
    /// - Parameter maximumWait: `batching.max_wait`. The idle interval is a quarter of it, between 2 ms and 50 ms.
    public init(maximumWait: Duration) {
        idleInterval = min(max(maximumWait / 4, .milliseconds(2)), .milliseconds(50))
    }

    /// The instant to sleep until.
    /// - Parameters:
    ///   - now: When the previous tick was handled (or the current instant, before the first tick).
    ///   - earliestDeadline: The earliest deadline of the batches open once the previous tick was handled, or `nil`
    ///     when none was.
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
