/// What the pipeline's I/O shell must do, as decided by ``PipelineCore``.
///
/// Actions come out in the order they must be performed. None of them is a decision left to the shell: it sends,
/// produces, pauses, commits and logs exactly what it is told.
public enum PipelineAction: Sendable {
    /// Send this batch to Kuzzle (its writer reports back through ``PipelineCore/written(_:now:into:)``).
    case send(DocumentBatch)
    /// Produce this dead letter (its result comes back through ``PipelineCore/deadLetterDelivered(_:now:into:)`` or
    /// ``PipelineCore/deadLetterFailed(_:reason:now:into:)``).
    case deadLetter(DeadLetterRequest)
    /// Stop fetching these partitions (backpressure, a halt or the stop).
    case pause(Set<TopicPartition>)
    /// Fetch these partitions again.
    case resume(Set<TopicPartition>)
    /// An event failed for good with nowhere to go: log an error naming the reason; the partition is paused (a
    /// ``pause(_:)`` follows) and its commit point held until a restart.
    case halt(TopicPartition, offset: Int64, reason: String)
    /// Commit these next offsets asynchronously (a later commit supersedes a failed one).
    case commit([TopicPartition: Int64])
    /// Finish the revocation the shell registered under `ticket`: commit these next offsets synchronously and let
    /// the partitions go.
    case finishRevocation(RevocationTicket, commits: [TopicPartition: Int64], settled: Bool)
    /// The last commit: commit these next offsets synchronously, then close the consumer.
    case commitFinal([TopicPartition: Int64])
    /// Nothing more will happen: stop the loop (after ``commitFinal(_:)``), cancel what still runs.
    case finish
    /// The writers' send-time lease changed: publish it where every writer checks it before each request.
    case publishLease(SendLease)
    /// Something worth a log line or a hook call happened.
    case notice(PipelineNotice)
}

/// Log-worthy events of the pipeline core, for the shell to report (log lines, systemd status, hooks).
public enum PipelineNotice: Sendable, Equatable {
    /// Partitions were assigned under `epoch`; `first` is true for the process's first assignment (readiness).
    case assigned([TopicPartition], epoch: AssignmentEpoch, first: Bool)
    /// Partitions were revoked: their batches were sealed and their drain began.
    case revocationStarted([TopicPartition])
    /// A revocation ended (``PipelineAction/finishRevocation(_:commits:settled:)`` carries the commits).
    case revocationFinished([TopicPartition], settled: Bool)
    /// Partitions were lost without a revoke: nothing is committed for them.
    case lost([TopicPartition])
    /// The in-memory budget is exceeded: every owned partition pauses.
    case backpressurePaused(bufferedBytes: Int)
    /// The budget has room again.
    case backpressureResumed
    /// A halted partition is still halted (repeated every ``PipelineCore/Parameters/haltReminderInterval``).
    case stillHalted(TopicPartition, reason: String)
    /// Kuzzle refused an event for good; it goes to the dead-letter topic (or halts its partition).
    case refused(DeadLetterRequest)
    /// A dead letter keeps failing to be produced (repeated at most every ``PipelineCore/Parameters/haltReminderInterval``).
    case deadLetterFailing(EventSource, reason: String, attempts: Int)
    /// A dead letter was acknowledged by the broker.
    case deadLettered(DeadLetterRequest)
    /// A stop began: flush, drain up to the deadline.
    case stopStarted(immediate: Bool)
    /// A second stop: stop now, committing only what is done.
    case stopEscalated
    /// The drain deadline passed with work unsettled (it will be re-read after a restart).
    case drainTimedOut(inFlightBatches: Int, queuedBatches: Int, deadLetters: Int)
    /// The final offsets were committed.
    case finalCommit([TopicPartition: Int64])
    /// The adaptive writer concurrency changed.
    case concurrencyChanged(AdaptiveConcurrency.Adjustment)
    /// The member may have been stopped or cut off longer than the lease allows: it sends nothing until it has
    /// polled without a gap for the recovery time.
    case leaseSuspended(gap: Duration)
    /// The member polled without a gap long enough: sending resumes.
    case leaseRestored
    /// Batches of partitions this member no longer owns were dropped unsent (their new owner re-reads them).
    case batchesDropped(partitions: [TopicPartition], documents: Int)
    /// A Debezium record without a row (or a truncate under `debezium.truncate: skip`) was skipped: its offset is
    /// done. `firstForTopic` is true for the first one of its topic (one warning per topic).
    case skipped(EventDecodingError, firstForTopic: Bool)
    /// The statistics line is due.
    case statisticsDue
    /// The once-a-second snapshot (metrics, stall detection) is due.
    case snapshotDue
}

/// A revocation the shell holds (the Kafka layer's handshake object) until the core finishes it.
public struct RevocationTicket: Hashable, Sendable, CustomStringConvertible {
    /// The ticket's number, unique within one core.
    public var rawValue: UInt64

    /// Creates a ticket.
    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// `revocation N`.
    public var description: String { "revocation \(rawValue)" }
}

/// One event on its way to the dead-letter topic, as the core asks for it.
public struct DeadLetterRequest: Sendable, Equatable {
    /// Why the event is dead-lettered.
    public enum Origin: String, Sendable, Equatable {
        /// The record could not be turned into a document operation.
        case routing
        /// The document is larger than Kuzzle's request limit.
        case tooLarge
        /// Kuzzle refused the document for good.
        case kuzzle
    }

    /// Identifies the request across its attempts.
    public var ticket: UInt64
    /// Why.
    public var origin: Origin
    /// The original record (key, value, headers, source).
    public var record: SourceRecord
    /// The document's target, when routing got that far.
    public var target: DocumentTarget?
    /// The document's id, when routing got that far.
    public var documentID: String?
    /// A short machine-readable error kind (`decoding:malformed-json`, `kuzzle:rejected`, …).
    public var kind: String
    /// A one-line human-readable reason.
    public var reason: String
    /// The HTTP or per-document status, when Kuzzle gave one.
    public var status: Int?
    /// Kuzzle's error id, when it gave one.
    public var errorID: String?
    /// The attempt this request is (1 for the first).
    public var attempt: Int

    /// Where the event came from.
    public var source: EventSource { record.source }

    /// Creates a request.
    public init(
        ticket: UInt64,
        origin: Origin,
        record: SourceRecord,
        target: DocumentTarget? = nil,
        documentID: String? = nil,
        kind: String,
        reason: String,
        status: Int? = nil,
        errorID: String? = nil,
        attempt: Int = 1
    ) {
        self.ticket = ticket
        self.origin = origin
        self.record = record
        self.target = target
        self.documentID = documentID
        self.kind = kind
        self.reason = reason
        self.status = status
        self.errorID = errorID
        self.attempt = attempt
    }
}
