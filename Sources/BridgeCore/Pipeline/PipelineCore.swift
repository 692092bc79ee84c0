/// The pipeline's every decision, as one pure state machine: records, write outcomes, dead-letter results, ticks,
/// rebalances and stops go in with the time; ``PipelineAction``s come out.
///
/// It owns the offset tracker, the batch accumulator, the write scheduler, the adaptive concurrency limit, pending
/// revocations, halted partitions, dead letters in flight, the send-time lease and the stop/drain state. It does no
/// I/O and reads no clock: the shell around it (`BridgePipeline`) performs the actions and feeds results back.
///
/// - Important: A partition's committed offset never passes an event that Kuzzle or the dead-letter topic has not
///   acknowledged: commits only ever come from ``OffsetTracker``. Per-id order holds: batches of one target leave
///   in order and never overlap in ids (``WriteScheduler``), and a batch abandoned mid-way is re-queued at the head
///   of its target's queue.
public struct PipelineCore: Sendable {
    /// The fixed settings of a core, from the configuration.
    public struct Parameters: Sendable {
        /// How many batches may be in flight.
        public enum Concurrency: Sendable {
            /// A fixed limit.
            case fixed(Int)
            /// An AIMD limit fed by every request's outcome.
            case adaptive(AdaptiveConcurrency.Parameters)
        }

        /// When batches are sealed.
        public var batching: BatchLimits
        /// Constant bytes of every request body (the larger of the routes').
        public var requestOverhead: Int
        /// Kuzzle's request size limit: a larger document is dead-lettered at once.
        public var maximumRequestSize: Int
        /// The in-memory budget: pause above the high watermark, resume below the low one.
        public var flowControl: FlowControl
        /// The writer concurrency.
        public var concurrency: Concurrency
        /// How long a stop or a revocation waits for in-flight work.
        public var drainTimeout: Duration
        /// Whether a dead-letter topic is configured (else a refused event halts its partition).
        public var hasDeadLetterTopic: Bool
        /// The backoff between dead-letter attempts.
        public var deadLetterRetry: RetrySchedule
        /// How long a dead letter may keep failing before its partition halts.
        public var deadLetterHaltAfter: Duration
        /// The longest poll (or tick) gap after which the member suspends sending (fence.md §1).
        public var leaseGap: Duration
        /// How long the member must poll without a gap before it sends again.
        public var leaseRecovery: Duration
        /// How often progress is committed while running.
        public var commitInterval: Duration
        /// How often the statistics line is due (zero: never).
        public var statisticsInterval: Duration
        /// How often a halted partition's error line, or a failing dead letter's, is repeated.
        public var haltReminderInterval: Duration

        /// Creates parameters; the defaults are the daemon's.
        public init(
            batching: BatchLimits,
            requestOverhead: Int = 0,
            maximumRequestSize: Int = 1_048_576,
            flowControl: FlowControl = FlowControl(),
            concurrency: Concurrency = .fixed(4),
            drainTimeout: Duration = .seconds(30),
            hasDeadLetterTopic: Bool = false,
            deadLetterRetry: RetrySchedule = RetrySchedule(),
            deadLetterHaltAfter: Duration = .seconds(60),
            leaseGap: Duration = .seconds(22),
            leaseRecovery: Duration = .seconds(6),
            commitInterval: Duration = .seconds(1),
            statisticsInterval: Duration = .seconds(10),
            haltReminderInterval: Duration = .seconds(60)
        ) {
            self.batching = batching
            self.requestOverhead = requestOverhead
            self.maximumRequestSize = maximumRequestSize
            self.flowControl = flowControl
            self.concurrency = concurrency
            self.drainTimeout = drainTimeout
            self.hasDeadLetterTopic = hasDeadLetterTopic
            self.deadLetterRetry = deadLetterRetry
            self.deadLetterHaltAfter = deadLetterHaltAfter
            self.leaseGap = leaseGap
            self.leaseRecovery = leaseRecovery
            self.commitInterval = commitInterval
            self.statisticsInterval = statisticsInterval
            self.haltReminderInterval = haltReminderInterval
        }
    }

    /// Where the core is in its life.
    public enum Phase: Sendable, Equatable {
        /// Taking records.
        case running
        /// Draining until everything settled or the deadline passed.
        case stopping(deadline: ContinuousClock.Instant)
        /// The final commit was asked for; every later input is ignored.
        case finished
    }

    /// A revocation waiting for the in-flight events of its partitions.
    struct PendingRevocation: Sendable {
        var ticket: RevocationTicket
        /// The revoked partitions and the epoch each had when revoked (a re-assignment makes a new one).
        var partitions: [TopicPartition: AssignmentEpoch]
        var deadline: ContinuousClock.Instant
    }

    /// A dead letter not yet acknowledged.
    struct PendingDeadLetter: Sendable {
        var request: DeadLetterRequest
        /// The delays between its attempts.
        var backoff: Backoff
        /// Whether an attempt is under way (else it waits for ``retryAt``).
        var isSending = true
        var firstFailureAt: ContinuousClock.Instant?
        var retryAt: ContinuousClock.Instant?
        var reportedAt: ContinuousClock.Instant?
    }

    /// A halted partition and when its error line was last repeated.
    struct Halt: Sendable {
        var reason: String
        var remindedAt: ContinuousClock.Instant
    }

    /// The settings.
    public let parameters: Parameters
    /// Bytes an event adds to a request body (the larger of its routes' encodings); from the Kuzzle layer.
    let encodedSize: @Sendable (borrowing DocumentEvent) -> Int
    let router = EventRouter()

    /// Which received offsets are done, the commit points, the byte budget.
    public internal(set) var tracker: OffsetTracker
    /// The open batches.
    public internal(set) var accumulator: BatchAccumulator
    /// Sealed batches: queued and in flight.
    public internal(set) var scheduler: WriteScheduler
    /// The adaptive limit, with `writer.concurrency: adaptive`.
    public internal(set) var adaptiveLimit: AdaptiveConcurrency?
    /// The totals the stats line and the metrics show.
    public internal(set) var counters = PipelineCounters()
    /// Where the core is in its life.
    public internal(set) var phase: Phase = .running
    /// The lease writers check before each request.
    public internal(set) var lease: SendLease

    var pendingRevocations: [PendingRevocation] = []
    var nextRevocationTicket: UInt64 = 1
    var halts: [TopicPartition: Halt] = [:]
    var deadLetters: [UInt64: PendingDeadLetter] = [:]
    var nextDeadLetterTicket: UInt64 = 1
    /// Batches the scheduler released while the lease was suspended: sent when it is restored.
    var heldBatches: [DocumentBatch] = []
    var hasBeenAssigned = false
    var lastTickAt: ContinuousClock.Instant?
    var lastCommitAt: ContinuousClock.Instant
    var lastSnapshotAt: ContinuousClock.Instant
    var lastStatisticsAt: ContinuousClock.Instant
    /// When the last poll gap (or revoke/lost during suspension) was seen: sending resumes ``Parameters/leaseRecovery``
    /// after it.
    var suspendedSince: ContinuousClock.Instant?
    var random: SplitMix64

    /// Creates a core that owns no partition.
    /// - Parameters:
    ///   - parameters: The settings.
    ///   - now: The current instant (periodic work is timed from it).
    ///   - seed: Seeds the jitter of dead-letter retries.
    ///   - encodedSize: The bytes an event adds to a request body.
    public init(
        parameters: Parameters,
        now: ContinuousClock.Instant,
        seed: UInt64 = 0x9E37_79B9_7F4A_7C15,
        encodedSize: @escaping @Sendable (borrowing DocumentEvent) -> Int
    ) {
        self.parameters = parameters
        self.encodedSize = encodedSize
        tracker = OffsetTracker(flowControl: parameters.flowControl)
        accumulator = BatchAccumulator(limits: parameters.batching, requestOverhead: parameters.requestOverhead)
        switch parameters.concurrency {
        case .fixed(let count):
            scheduler = WriteScheduler(maximumConcurrentBatches: count)
        case .adaptive(let adaptive):
            let limit = AdaptiveConcurrency(parameters: adaptive, now: now)
            adaptiveLimit = limit
            scheduler = WriteScheduler(maximumConcurrentBatches: limit.limit)
        }
        lease = SendLease(gap: parameters.leaseGap, recovery: parameters.leaseRecovery)
        lastCommitAt = now
        lastSnapshotAt = now
        lastStatisticsAt = now
        random = SplitMix64(seed: seed)
    }

    // MARK: - State read by the shell

    /// Whether a stop began.
    public var isStopping: Bool { phase != .running }
    /// Whether the final commit was asked for.
    public var isFinished: Bool { phase == .finished }
    /// Halted partitions and why.
    public var haltedPartitions: [TopicPartition: String] { halts.mapValues(\.reason) }
    /// Dead letters not yet acknowledged (sending or waiting for a retry).
    public var deadLettersPending: Int { deadLetters.count }
    /// The earliest instant at which a tick has work: a batch due, a dead-letter retry, a revocation or stop
    /// deadline. `nil` when none (the shell still ticks for the periodic work).
    public var nextDeadline: ContinuousClock.Instant? {
        var earliest = accumulator.nextDeadline
        func consider(_ instant: ContinuousClock.Instant?) {
            guard let instant else { return }
            if earliest.map({ instant < $0 }) ?? true { earliest = instant }
        }
        for letter in deadLetters.values { consider(letter.retryAt) }
        for revocation in pendingRevocations { consider(revocation.deadline) }
        if case .stopping(let deadline) = phase { consider(deadline) }
        return earliest
    }

    // MARK: - Records

    /// Takes one record: checks it in (ownership, epoch, budget), routes it with one scan, and adds it to its
    /// batch. A record that cannot become a document operation, or a document larger than Kuzzle's request limit,
    /// is dead-lettered (or halts its partition).
    /// - Parameters:
    ///   - record: The record (its epoch is set here).
    ///   - bytes: The memory the record holds until it is done: key, value, headers and bookkeeping.
    ///   - routing: Its topic's routing.
    ///   - now: The current instant.
    ///   - age: How long ago the event was produced (Kafka timestamp against the wall clock).
    ///   - actions: Where the resulting actions are appended.
    public mutating func receive(
        _ record: consuming SourceRecord,
        bytes: Int,
        routing: borrowing TopicRouting,
        now: ContinuousClock.Instant,
        age: Duration,
        into actions: inout [PipelineAction]
    ) {
        guard phase == .running else { return }
        let partition = TopicPartition(topic: record.topic, partition: record.partition)
        guard
            case .accepted(let epoch, let trackerActions) = tracker.received(
                partition,
                offset: record.offset,
                bytes: bytes
            )
        else { return }
        if !trackerActions.isEmpty { perform(trackerActions, now: now, into: &actions) }
        counters.consumed += 1
        record.epoch = epoch
        let event: DocumentEvent
        do {
            event = try router.route(taking: record, routing: routing)
        } catch {
            let failure = error.error
            if failure.disposition != .deadLetter || failure.kind == .truncate {
                notRouted(error, now: now, into: &actions)
                return
            }
            deadLetterOrHalt(
                origin: .routing,
                record: error.record,
                event: nil,
                kind: "decoding:\(failure.kind.rawValue)",
                reason: failure.description,
                now: now,
                into: &actions
            )
            return
        }
        let size = encodedSize(event)
        if size + parameters.requestOverhead > parameters.maximumRequestSize {
            let reason =
                "document of \(size) bytes is larger than kuzzle.max_request_size (\(parameters.maximumRequestSize))"
            deadLetterOrHalt(
                origin: .tooLarge,
                record: event.originalRecord,
                event: event,
                kind: "document:too-large",
                reason: reason,
                now: now,
                into: &actions
            )
            return
        }
        for sealed in accumulator.append(consume event, encodedSize: size, now: now, age: age) {
            enqueue(sealed, into: &actions)
        }
    }

    // MARK: - Scheduling

    /// Hands a sealed batch to the scheduler and sends what it releases.
    mutating func enqueue(_ action: BatchAccumulator.Action, into actions: inout [PipelineAction]) {
        switch action {
        case .seal(let batch, _):
            dispatch(scheduler.enqueue(batch), into: &actions)
        }
    }

    /// Sends the batches the scheduler released, or holds them while the lease is suspended.
    mutating func dispatch(_ released: [WriteScheduler.Action], into actions: inout [PipelineAction]) {
        for action in released {
            switch action {
            case .send(let batch):
                if phase == .finished {
                    // After the final commit nothing more is sent; the batch is simply forgotten.
                    continue
                } else if lease.isSuspended {
                    heldBatches.append(batch)
                } else {
                    counters.inFlightDocuments += batch.documentCount
                    actions.append(.send(batch))
                }
            }
        }
    }

    /// Carries the tracker's actions over, noting halts and backpressure.
    mutating func perform(
        _ trackerActions: [OffsetTracker.Action],
        now: ContinuousClock.Instant,
        into actions: inout [PipelineAction]
    ) {
        for action in trackerActions {
            switch action {
            case .pause(let partitions):
                actions.append(.notice(.backpressurePaused(bufferedBytes: tracker.flowControl.bytesInMemory)))
                actions.append(.pause(partitions))
            case .resume(let partitions):
                // Stopping keeps everything paused.
                guard phase == .running else { continue }
                actions.append(.notice(.backpressureResumed))
                actions.append(.resume(partitions))
            case .halt(let partition, let reason):
                halts[partition] = Halt(reason: reason, remindedAt: now)
                let offset = tracker.heldOffset(of: partition) ?? -1
                actions.append(.halt(partition, offset: offset, reason: reason))
                actions.append(.pause([partition]))
            case .commit(let offsets):
                guard !offsets.isEmpty else { continue }
                counters.committed.merge(offsets) { max($0, $1) }
                actions.append(.commit(offsets))
            case .commitNow, .commitFinal:
                // Produced only by revocations and the stop, which handle them themselves.
                continue
            }
        }
    }
}

extension DocumentEvent {
    /// The record the event came from (the router always keeps it; the fallback only names the source).
    public var originalRecord: SourceRecord {
        record
            ?? SourceRecord(
                topic: source.topic,
                partition: source.partition,
                offset: source.offset,
                value: nil,
                epoch: source.epoch
            )
    }
}
