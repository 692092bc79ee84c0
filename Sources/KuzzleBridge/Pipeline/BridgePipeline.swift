import BridgeCore
import Kuzzle
import Logging
import RdKafka

/// The bridge's engine: Kafka records in, strict Kuzzle writes out, offsets committed only for what is done.
///
/// One actor owns every state machine of the core (``OffsetTracker``, ``BatchAccumulator``, ``WriteScheduler``, and
/// ``AdaptiveConcurrency`` with an adaptive `writer.concurrency`) and
/// reacts to ``PipelineInput``s one at a time; I/O (Kuzzle writes, dead letters, commits) runs in child tasks whose
/// results come back as inputs. The consumer keeps polling on its own thread whatever happens here: backpressure is
/// applied by pausing partitions, never by blocking.
///
/// - Important: A partition's committed offset never passes an event that Kuzzle or the dead-letter topic has not
///   acknowledged: commits only ever come from ``OffsetTracker``.
actor BridgePipeline {
    /// How a stop was asked for.
    enum StopMode: Sendable {
        /// Flush, wait for in-flight writes up to `shutdown.drain_timeout`, commit, leave the group.
        case graceful
        /// Commit what is done now and leave (a second signal).
        case immediate
    }

    /// A revocation waiting for the in-flight events of its partitions.
    struct PendingRevocation {
        var partitions: Set<TopicPartition>
        var revocation: KafkaRevocation
        var deadline: ContinuousClock.Instant
    }

    let consumer: KafkaConsumer
    let writer: BatchWriter
    let deadLetters: DeadLetterWriter?
    let configuration: BridgeConfiguration
    let logger: Logger
    let hooks: PipelineHooks
    let inbox: AsyncStream<PipelineInput>
    nonisolated let inboxContinuation: AsyncStream<PipelineInput>.Continuation
    /// The timer task's answers: after each tick, the instant it was handled and the earliest deadline of the batches
    /// then open (see ``TickPlanner``).
    let tickReplies: AsyncStream<TickReply>
    let tickReplyContinuation: AsyncStream<TickReply>.Continuation

    let router = EventRouter()
    var accumulator: BatchAccumulator
    var scheduler: WriteScheduler
    /// The limit of batches in flight with `writer.concurrency: adaptive` (fed by every request's outcome), else `nil`.
    var adaptiveLimit: AdaptiveConcurrency?
    var tracker: OffsetTracker
    var statistics = PipelineStatistics()
    /// The routing of the last record's topic: records come in runs of one topic, and comparing its name (usually
    /// the very same string) is cheaper than hashing it for every record.
    var lastRouting: (topic: String, routing: TopicRouting) = ("", TopicRouting())
    var pendingRevocations: [PendingRevocation] = []
    var deadLettersInFlight = 0
    var stopDeadline: ContinuousClock.Instant?
    var finished = false
    var isReady = false
    var haltedPartitions: [TopicPartition: (reason: String, loggedAt: ContinuousClock.Instant)] = [:]
    var lastCommitAt = ContinuousClock.now
    var lastStatsAt = ContinuousClock.now
    /// How often progress is committed (asynchronously) while running.
    let commitInterval: Duration = .seconds(1)
    /// How often a halted partition's error line is repeated.
    let haltReminderInterval: Duration = .seconds(60)
    /// The larger per-request overhead of the two bulk routes.
    let requestOverhead: Int

    /// Creates a pipeline; nothing runs until ``run()``.
    init(
        consumer: KafkaConsumer,
        writer: BatchWriter,
        deadLetters: DeadLetterWriter?,
        configuration: BridgeConfiguration,
        hooks: PipelineHooks,
        logger: Logger
    ) {
        self.consumer = consumer
        let (inbox, inboxContinuation) = AsyncStream.makeStream(of: PipelineInput.self)
        (self.inbox, self.inboxContinuation) = (inbox, inboxContinuation)
        (tickReplies, tickReplyContinuation) = AsyncStream.makeStream(of: TickReply.self)
        var writer = writer
        switch configuration.writer.concurrency {
        case .fixed(let count):
            scheduler = WriteScheduler(maximumConcurrentBatches: count)
        case .adaptive:
            let limit = AdaptiveConcurrency(parameters: configuration.writer.adaptiveParameters, now: .now)
            adaptiveLimit = limit
            scheduler = WriteScheduler(maximumConcurrentBatches: limit.limit)
            writer.observeRequest = { inboxContinuation.yield(.requestObserved($0)) }
        }
        self.writer = writer
        self.deadLetters = deadLetters
        self.configuration = configuration
        self.hooks = hooks
        self.logger = logger
        requestOverhead = max(
            KuzzleRequestBody.fixedOverhead(route: .mWrite),
            KuzzleRequestBody.fixedOverhead(route: .importBulk)
        )
        accumulator = BatchAccumulator(limits: configuration.batching, requestOverhead: requestOverhead)
        tracker = OffsetTracker(
            flowControl: FlowControl(
                highWatermark: configuration.backpressure.maximumBufferedBytes,
                lowWatermark: configuration.backpressure.resumeBelowBytes
            )
        )
    }

    /// Asks the pipeline to stop; a second call stops at once (still committing only what is done).
    nonisolated func requestStop(_ mode: StopMode = .graceful) {
        inboxContinuation.yield(.stop(mode))
    }

    /// Runs until stopped: subscribes, consumes, writes, commits; then commits the final offsets and closes the
    /// consumer (leaving the group).
    /// - Throws: A fatal Kafka error, or the consumer stopping on its own.
    func run() async throws {
        try consumer.start()
        let maximumWait = configuration.batching.maximumWait
        do {
            try await withThrowingDiscardingTaskGroup { group in
                let consumer = self.consumer
                let continuation = inboxContinuation
                group.addTask {
                    for await event in consumer.events { continuation.yield(.kafka(consume event)) }
                    continuation.yield(.consumerFinished)
                }
                group.addTask { [tickReplies] in
                    // Wakes at the earliest batch deadline, and at least every quarter of max_wait (at most 50 ms).
                    // The deadline comes with the answer to the previous tick, never from before it was handled.
                    var planner = TickPlanner(maximumWait: maximumWait)
                    var replies = tickReplies.makeAsyncIterator()
                    var reply = TickReply(handledAt: .now, earliestDeadline: nil)
                    while !Task.isCancelled {
                        let wake = planner.nextWake(now: reply.handledAt, earliestDeadline: reply.earliestDeadline)
                        try? await Task.sleep(until: wake, clock: .continuous)
                        continuation.yield(.tick)
                        guard let next = await replies.next() else { break }
                        reply = next
                    }
                }
                for await input in inbox {
                    try handle(consume input, group: &group)
                    if finished { break }
                }
                tickReplyContinuation.finish()
                group.cancelAll()
            }
        } catch {
            await consumer.close()
            throw error
        }
        await consumer.close()
        logger.notice("Kafka consumer closed; left the group")
    }

    // MARK: - Dispatch

    private func handle(_ input: consuming PipelineInput, group: inout ThrowingDiscardingTaskGroup<any Error>) throws {
        let now = ContinuousClock.now
        switch consume input {
        case .kafka(let event):
            try handle(consume event, now: now, group: &group)
        case .consumerFinished:
            if stopDeadline == nil {
                throw BridgeRuntimeError.consumerStopped
            }
        case .written(let report):
            handle(report, now: now, group: &group)
        case .requestObserved(let observation):
            observe(observation, now: now, group: &group)
        case .deadLettered(let letter, let delivered):
            handleDeadLettered(letter, delivered: delivered)
        case .tick:
            tick(now: now, group: &group)
            tickReplyContinuation.yield(TickReply(handledAt: now, earliestDeadline: accumulator.nextDeadline))
        case .stop(let mode):
            beginStop(mode, now: now, group: &group)
        }
        checkRevocations(now: now)
        checkStop(now: now)
    }

    private func handle(
        _ event: consuming KafkaConsumerEvent,
        now: ContinuousClock.Instant,
        group: inout ThrowingDiscardingTaskGroup<any Error>
    ) throws {
        switch consume event {
        case .records(var records):
            let handedOver = KafkaConsumer.handoffBytes(of: records)
            defer { consumer.recordsTaken(bytes: handedOver) }
            guard stopDeadline == nil else { return }
            let wallClock = Self.wallClockMilliseconds()
            // Each record is moved out of the array (swapped with an empty record, which holds no storage), not
            // copied: a copy would retain and later release its topic, key, value and headers.
            for index in records.indices {
                var record = KafkaRecord.empty
                swap(&record, &records[index])
                intake(record, now: now, wallClockMilliseconds: wallClock, group: &group)
            }
        case .partitionsAssigned(let partitions):
            partitionsAssigned(partitions)
        case .partitionsRevoked(let partitions, let revocation):
            partitionsRevoked(partitions, revocation: revocation, now: now, group: &group)
        case .partitionsLost(let partitions):
            let lost = Set(partitions.map(TopicPartition.init))
            logger.warning(
                "Partitions lost without a revoke; nothing committed for them",
                metadata: [
                    LogKeys.kafkaPartition: "\(lost.map(\.description).sorted().joined(separator: ","))"
                ]
            )
            perform(tracker.lost(lost), group: &group)
        case .statistics(let stats):
            for (partition, figures) in stats.partitions {
                if let lag = figures.consumerLag { statistics.reportedLag[TopicPartition(partition)] = lag }
                if let end = figures.highWatermark, end >= 0 {
                    statistics.highWatermark[TopicPartition(partition)] = end
                }
            }
        case .error(let error):
            if error.isFatal {
                logger.critical("Fatal Kafka error", error: error)
                throw error
            }
            logger.warning("Kafka error (librdkafka retries it)", error: error)
        }
    }
}

/// A failure that ends the daemon with exit code 1.
enum BridgeRuntimeError: Error, CustomStringConvertible {
    /// The Kafka consumer's event stream ended while the bridge was not stopping.
    case consumerStopped

    var description: String {
        switch self {
        case .consumerStopped: return "the Kafka consumer stopped unexpectedly"
        }
    }
}

extension TopicPartition {
    /// The core's name for a Kafka topic-partition.
    init(_ partition: KafkaTopicPartition) {
        self.init(topic: partition.topic, partition: partition.partition)
    }

    /// The Kafka layer's name for this topic-partition.
    var kafka: KafkaTopicPartition { KafkaTopicPartition(topic: topic, partition: partition) }
}
