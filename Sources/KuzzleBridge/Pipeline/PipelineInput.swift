import BridgeCore
import RdKafka

/// Everything the pipeline's owner loop reacts to, in the order it arrives.
enum PipelineInput: Sendable {
    /// Records from the Kafka consumer (one poll's worth).
    case records(HandedRecords)
    /// Any other event from the Kafka consumer (rebalances, statistics, errors).
    case kafka(KafkaConsumerEvent)
    /// The consumer's event stream ended (the consumer was closed).
    case consumerFinished
    /// A batch writer finished (or was cancelled).
    case written(BatchWriteReport)
    /// A writer retried an attempt (as it happens, for the stats line and the stall detector).
    case retried
    /// One Kuzzle request's outcome, as it happened, for the adaptive concurrency limit (adaptive mode only).
    case requestObserved(AdaptiveConcurrency.Observation)
    /// One attempt to produce a dead letter ended (the ticket of its ``DeadLetterRequest``).
    case deadLettered(UInt64, DeadLetterResult)
    /// A timer tick, at a batch deadline or at least every quarter of `max_wait` (``TickPlanner``): seal aged
    /// batches, commit, log statistics; then answer the timer with a ``TickReply``.
    case tick
    /// A stop was requested.
    case stop(BridgePipeline.StopMode)
}

/// The pipeline's answer to a tick, from which the timer plans its next wake.
struct TickReply: Sendable {
    /// When the tick was handled: a batch opened later is due at least a quarter of `max_wait` after this.
    var handledAt: ContinuousClock.Instant
    /// The earliest deadline of the batches open once the tick was handled, or `nil` when none was.
    var earliestDeadline: ContinuousClock.Instant?
}

/// Callbacks through which the daemon observes the pipeline (systemd notifications, health endpoint).
public struct PipelineHooks: Sendable {
    /// Called once, when the consumer got its first assignment (possibly empty) after Kuzzle answered.
    public var ready: @Sendable () -> Void
    /// Called at every stats interval with a one-line summary.
    public var status: @Sendable (String) -> Void
    /// Called from the owner loop on every tick while the pipeline and the consumer's poll loop are alive.
    public var heartbeat: @Sendable () -> Void
    /// Called when the pipeline starts stopping.
    public var stopping: @Sendable () -> Void
    /// Called from the owner loop about once a second with the pipeline's figures (metrics, stall detection).
    public var statistics: @Sendable (PipelineSnapshot) -> Void
    /// Called from the owner loop for each batch a writer finished: its document count and the latency of each
    /// Kuzzle request it took (histograms).
    public var batchWritten: @Sendable (_ documents: Int, _ requestLatencies: [Duration]) -> Void
    /// Test only: once ready, make the consumer's poll loop stop polling after this delay, as a wedged librdkafka
    /// would (the test daemon's `--wedge-poll-after`; ``BridgeService`` performs it). `nil` in production.
    @_spi(Testing) public var testWedgePollingAfter: Duration? = nil
    /// Test only: writers ignore the send-time lease (the test daemon's `--disable-send-lease`, for the zombie test's
    /// control run, which must show the stale overwrite the lease prevents). `false` in production.
    @_spi(Testing) public var testDisableSendLease = false
    /// Test only: send every write request with `strict`, notifying ones included, to show the trap the design avoids
    /// (realtime.md §1: one failed item silences the whole request). The test daemon's `--force-strict`; `false` in
    /// production.
    @_spi(Testing) public var testForcesStrict = false

    /// Creates hooks; every callback defaults to doing nothing.
    public init(
        ready: @escaping @Sendable () -> Void = {},
        status: @escaping @Sendable (String) -> Void = { _ in },
        heartbeat: @escaping @Sendable () -> Void = {},
        stopping: @escaping @Sendable () -> Void = {},
        statistics: @escaping @Sendable (PipelineSnapshot) -> Void = { _ in },
        batchWritten: @escaping @Sendable (_ documents: Int, _ requestLatencies: [Duration]) -> Void = { _, _ in }
    ) {
        self.batchWritten = batchWritten
        self.ready = ready
        self.status = status
        self.heartbeat = heartbeat
        self.stopping = stopping
        self.statistics = statistics
    }
}
