/// The send-time lease (`shared/fence.md` §1): whether a writer may still send a request for a batch.
///
/// A member that was stopped (SIGSTOP, a frozen VM) or cut off may have been evicted from the group while it held
/// batches; the new owner of their partitions writes newer versions meanwhile. A batch is sent only while every
/// partition it covers is still owned under the epoch its events were received with, and while the member is not
/// suspect: its poll loop ran without a gap longer than ``gap`` (the group would have evicted it after
/// `min(session.timeout, max.poll.interval)`; half of that is the margin).
///
/// A value: ``PipelineCore`` publishes a new one whenever ownership or suspicion changes, and writers check it (with
/// the poll loop's last iteration) right before each request, retries included.
public struct SendLease: Sendable, Equatable {
    /// The current epoch of every owned partition.
    public var epochs: [TopicPartition: AssignmentEpoch]
    /// Whether the core suspects the member was stopped: nothing may be sent.
    public var isSuspended: Bool
    /// The longest poll gap after which the member is suspect.
    public var gap: Duration
    /// How long after a poll gap the member stays suspect (the core's `leaseRecovery`).
    public var recovery: Duration

    /// Creates a lease.
    public init(
        epochs: [TopicPartition: AssignmentEpoch] = [:],
        isSuspended: Bool = false,
        gap: Duration,
        recovery: Duration = .zero
    ) {
        self.epochs = epochs
        self.isSuspended = isSuspended
        self.gap = gap
        self.recovery = recovery
    }

    /// Whether a request for `batch` may be sent now.
    /// - Parameters:
    ///   - batch: The batch about to be sent.
    ///   - now: The current instant.
    ///   - lastPoll: When the consumer's poll loop last ran an iteration (after a SIGCONT the writer may run before
    ///     the poll loop notices the gap: a stale instant refuses too).
    ///   - pollGapSeen: When the poll loop last went around after a gap longer than ``gap`` (`nil` if never): after a
    ///     SIGCONT the poll loop may also run first, making `lastPoll` fresh before the core has seen the gap; the
    ///     gap it recorded refuses for ``recovery``.
    public func permits(
        _ batch: DocumentBatch,
        now: ContinuousClock.Instant,
        lastPoll: ContinuousClock.Instant,
        pollGapSeen: ContinuousClock.Instant? = nil
    ) -> Bool {
        guard !isSuspended, now - lastPoll <= gap else { return false }
        if let pollGapSeen, now - pollGapSeen < recovery { return false }
        return ownsEverySource(of: batch)
    }

    /// Whether every source of `batch` belongs to a partition still owned under the source's epoch.
    public func ownsEverySource(of batch: DocumentBatch) -> Bool {
        var last: (TopicPartition, AssignmentEpoch)?
        for source in batch.sources {
            let partition = source.topicPartition
            if let last, last.0 == partition, last.1 == source.epoch { continue }
            guard epochs[partition] == source.epoch else { return false }
            last = (partition, source.epoch)
        }
        return true
    }
}
