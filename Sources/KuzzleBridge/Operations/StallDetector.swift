/// Notices a pipeline that has work but makes no progress, and says what it is waiting on.
///
/// Work means consumer lag above zero or events held in memory; progress means a partition's commit point moved.
/// After ``stallIntervals`` stats intervals without progress it returns one warning, then at most one more per
/// ``stallIntervals`` intervals while the stall lasts. A pure state machine: feed it ``PipelineSnapshot``s.
public struct StallDetector: Sendable {
    /// How many stats intervals without progress make a stall.
    public static let stallIntervals = 3

    /// How long without progress counts as a stall: ``stallIntervals`` × the stats interval (60 s when stats are off).
    public let threshold: Duration
    private var lastCommitted: [String: Int64]?
    private var progressAt: ContinuousClock.Instant?
    private var warnedAt: ContinuousClock.Instant?

    /// Creates a detector for `logging.stats_interval`.
    public init(statsInterval: Duration) {
        threshold = (statsInterval > .zero ? statsInterval : .seconds(60)) * Self.stallIntervals
    }

    /// Takes a snapshot; returns the warning to log, if one is due now.
    public mutating func observe(_ snapshot: PipelineSnapshot) -> String? {
        let now = snapshot.takenAt
        let hasWork = snapshot.totalLag > 0 || snapshot.bufferedBytes > 0
        if lastCommitted != snapshot.committed || !hasWork || snapshot.isStopping {
            lastCommitted = snapshot.committed
            progressAt = now
            warnedAt = nil
            return nil
        }
        guard let progressAt, now - progressAt >= threshold else { return nil }
        if let warnedAt, now - warnedAt < threshold { return nil }
        warnedAt = now
        return Self.describe(snapshot, stalledFor: now - progressAt)
    }

    /// One line: how long nothing was committed, and every reason the snapshot shows.
    static func describe(_ snapshot: PipelineSnapshot, stalledFor: Duration) -> String {
        var reasons: [String] = []
        if !snapshot.haltedPartitions.isEmpty {
            let names = snapshot.haltedPartitions.keys.sorted().joined(separator: ",")
            reasons.append(
                "\(snapshot.haltedPartitions.count) partition(s) halted (\(names)): fix the cause or set dead_letter.topic"
            )
        }
        if snapshot.inFlightBatches > 0 {
            reasons.append(
                "Kuzzle: \(snapshot.inFlightBatches) batch(es) of \(snapshot.inFlightDocuments) document(s) in flight, slow or being retried (\(snapshot.retries) retries so far)"
            )
        }
        if snapshot.queuedBatches > 0 {
            reasons.append(
                "\(snapshot.queuedBatches) batch(es) queued behind writer.concurrency or earlier writes of the same ids"
            )
        }
        if snapshot.isPausedByBackpressure {
            reasons.append("fetching paused by backpressure (\(snapshot.bufferedBytes) bytes held)")
        }
        if reasons.isEmpty {
            reasons.append(
                "nothing in flight: Kafka delivers no records (broker unreachable, rebalancing, or lag statistics stale)"
            )
        }
        let seconds = stalledFor.components.seconds
        return
            "No partition's commit point moved for \(seconds)s while lag is \(snapshot.totalLag) and \(snapshot.bufferedBytes) bytes are held; waiting on: "
            + reasons.joined(separator: "; ")
    }
}
