import AsyncAlgorithms
import BridgeCore
import Foundation
import Kuzzle
import Logging
import RdKafka

/// The bridge's I/O shell around ``PipelineCore``: Kafka records in, Kuzzle writes out, offsets committed only for
/// what is done.
///
/// Every decision (routing, batching, ordering, offsets, dead letters, halts, revocations, the stop, the send-time
/// lease) is the core's. This actor feeds it one ``PipelineInput`` at a time with the time, and performs the
/// ``PipelineAction``s it returns: writer and dead-letter child tasks whose results come back as inputs, pauses,
/// commits, log lines and hooks. The consumer keeps polling on its own thread whatever happens here: backpressure
/// is applied by pausing partitions, never by blocking.
actor BridgePipeline {
    /// How a stop was asked for.
    enum StopMode: Sendable {
        /// Flush, wait for in-flight writes up to `shutdown.drain_timeout`, commit, leave the group.
        case graceful
        /// Commit what is done now and leave (a second signal).
        case immediate
    }

    let consumer: KafkaConsumer
    let writer: BatchWriter
    let deadLetters: DeadLetterWriter?
    let configuration: BridgeConfiguration
    let logger: Logger
    let hooks: PipelineHooks
    let inbox: AsyncStream<PipelineInput>
    nonisolated let inboxContinuation: AsyncStream<PipelineInput>.Continuation
    /// The timer task's answers: after each tick, the instant it was handled and the earliest deadline then.
    let tickReplies: AsyncStream<TickReply>
    let tickReplyContinuation: AsyncStream<TickReply>.Continuation
    /// The lease every writer checks right before each request.
    let lease: SharedSendLease

    /// Every decision.
    var core: PipelineCore
    /// The actions of the input being handled (one buffer, reused).
    var actions: [PipelineAction] = []
    /// The Kafka layer's revocation handshakes, until the core finishes them.
    var revocations: [RevocationTicket: KafkaRevocation] = [:]
    /// Request latencies and lag, for the stats line.
    var statistics = PipelineStatistics()
    /// The routing of the last record's topic: records come in runs of one topic.
    var lastRouting: (topic: String, routing: TopicRouting) = ("", TopicRouting())
    var finished = false
    /// The final offsets the core asked to commit, committed once the loop ended (off the cooperative pool).
    var finalCommit: [TopicPartition: Int64]?
    /// Kafka connection failures no retry can fix (TLS, authentication, protocol): one error line per 30 s, and
    /// systemd's status says why the daemon cannot connect.
    var connectionHealth = KafkaConnectionHealth()

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
        let parameters = configuration.pipelineParameters(hasDeadLetterTopic: deadLetters != nil)
        core = PipelineCore(parameters: parameters, now: .now, seed: UInt64.random(in: 1...UInt64.max)) { event in
            KuzzleRequestBody.largestEncodedSize(
                id: event.id,
                action: BatchWriter.bulkAction(for: event.action),
                bodyBytes: event.body?.count,
                externalVersion: event.externalVersion
            )
        }
        let lease = SharedSendLease(SendLease(gap: parameters.leaseGap, recovery: parameters.leaseRecovery))
        self.lease = lease
        var writer = writer
        if case .adaptive = configuration.writer.concurrency {
            writer.observeRequest = { inboxContinuation.yield(.requestObserved($0)) }
        }
        writer.observeRetry = { inboxContinuation.yield(.retried) }
        writer.mayStillSend = { [consumer, ignoresLease = hooks.testDisableSendLease] batch in
            ignoresLease
                || lease.permits(
                    batch,
                    lastPoll: consumer.lastPollInstant ?? .now,
                    pollGapSeen: consumer.lastLongPollGapInstant
                )
        }
        self.writer = writer
        self.deadLetters = deadLetters
        self.configuration = configuration
        self.hooks = hooks
        self.logger = logger
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
                let continuation = inboxContinuation
                group.addTask { [tickReplies] in
                    // Wakes at the earliest core deadline, and at least every quarter of max_wait (at most 50 ms).
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
                // The consumer's events are taken from its bounded sequence only as this loop reads them (merge
                // pulls on demand), so its hand-over bound counts what waits for this loop.
                for await input in merge(inbox, ConsumerInputs(events: consumer.events)) {
                    try handle(consume input)
                    perform(group: &group)
                    if finished {
                        // Before the group ends: its exit waits for cancelled writers, which must not delay this.
                        await commitFinal()
                        break
                    }
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

    /// The final commit, answered through the poll thread (no librdkafka call blocks a pool thread), bounded.
    private func commitFinal() async {
        guard let offsets = finalCommit, !offsets.isEmpty else { return }
        do {
            try await consumer.commitAndWait(
                Dictionary(uniqueKeysWithValues: offsets.map { ($0.key.kafka, $0.value) }),
                timeout: BridgeDaemon.finalCommitTimeout
            )
            logger.notice("Final offsets committed", metadata: ["kafka.commits": "\(Self.describe(offsets))"])
        } catch {
            logger.error("Final offset commit failed; what it held is re-read after a restart", error: error)
        }
    }

    // MARK: - Inputs

    private func handle(_ input: consuming PipelineInput) throws {
        let now = ContinuousClock.now
        switch consume input {
        case .records(let handed):
            if let report = connectionHealth.observeConnected() { log(report) }
            var records = handed.take()
            receive(&records, now: now)
        case .kafka(let event):
            try handle(consume event, now: now)
        case .consumerFinished:
            if !core.isStopping { throw BridgeRuntimeError.consumerStopped }
        case .written(let report):
            for latency in report.latencies { statistics.recordLatency(latency) }
            hooks.batchWritten(report.batch.documentCount, report.latencies)
            core.written(report.outcome, now: now, into: &actions)
        case .retried:
            core.retried()
        case .requestObserved(let observation):
            core.observe(observation, now: now, into: &actions)
        case .deadLettered(let ticket, let result):
            switch result {
            case .delivered: core.deadLetterDelivered(ticket, now: now, into: &actions)
            case .failed(let reason): core.deadLetterFailed(ticket, reason: reason, now: now, into: &actions)
            case .cancelled: break
            }
        case .tick:
            core.tick(
                now: now,
                lastPoll: consumer.lastPollInstant ?? now,
                pollGapSeen: consumer.lastLongPollGapInstant,
                into: &actions
            )
            tickReplyContinuation.yield(TickReply(handledAt: now, earliestDeadline: core.nextDeadline))
            if consumer.isPolling { hooks.heartbeat() }
        case .stop(let mode):
            if !core.isStopping { hooks.stopping() }
            core.stop(immediate: mode == .immediate, now: now, into: &actions)
        }
        core.settle(now: now, into: &actions)
    }

    private func handle(_ event: consuming KafkaConsumerEvent, now: ContinuousClock.Instant) throws {
        if let report = connectionHealth.observe(event, now: now) { log(report) }
        switch consume event {
        case .records(var records):
            receive(&records, now: now)  // records come as ``PipelineInput/records(_:)``; kept for completeness
        case .partitionsAssigned(let partitions):
            core.assigned(partitions.map(TopicPartition.init), now: now, into: &actions)
        case .partitionsRevoked(let partitions, let revocation):
            let ticket = core.revoked(partitions.map(TopicPartition.init), now: now, into: &actions)
            revocations[ticket] = revocation
        case .partitionsLost(let partitions):
            core.lost(partitions.map(TopicPartition.init), now: now, into: &actions)
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
            if KafkaConnectionHealth.cause(of: error) == nil {
                logger.warning("Kafka error (librdkafka retries it)", error: error)
            }
        }
    }

    private func log(_ report: KafkaConnectionHealth.Report) {
        logger.log(level: report.level, "\(report.message)", metadata: report.metadata)
        if let status = report.systemdStatus { hooks.status(status) }
    }

    /// Hands one poll's records to the core, moving them out of `records` (none once stopping: they are read again
    /// after a restart).
    private func receive(_ records: inout [KafkaRecord], now: ContinuousClock.Instant) {
        guard !core.isStopping else { return }
        let wallClock = Self.wallClockMilliseconds()
        // Each record is moved out of the array (swapped with an empty record, which holds no storage), not
        // copied: a copy would retain and later release its topic, key, value and headers.
        // The routing is looked up when the topic changes and passed down borrowed (reading it from the
        // actor's property for each record copied it).
        var routing = lastRouting
        defer { lastRouting = routing }
        for index in records.indices {
            var record = KafkaRecord.empty
            swap(&record, &records[index])
            if record.topic != routing.topic {
                routing = (record.topic, configuration.routing(forTopic: record.topic))
            }
            intake(consume record, routing: routing.routing, now: now, wallClockMilliseconds: wallClock)
        }
    }

    /// Hands one record to the core, with what it holds in memory (key, value, headers, bookkeeping) and its age.
    private func intake(
        _ record: consuming KafkaRecord,
        routing: borrowing TopicRouting,
        now: ContinuousClock.Instant,
        wallClockMilliseconds: Int64
    ) {
        let bytes = Self.heldBytes(of: record)
        let age = record.timestamp.map { Duration.milliseconds(wallClockMilliseconds - $0) } ?? .zero
        core.receive(
            SourceRecord(taking: consume record, epoch: .none),
            bytes: bytes,
            routing: routing,
            now: now,
            age: age,
            into: &actions
        )
    }

    /// The memory a record holds until it is done: its key, value and headers (names and values), plus the
    /// bookkeeping around it.
    @inline(__always)
    static func heldBytes(of record: borrowing KafkaRecord) -> Int {
        var bytes = (record.value?.count ?? 0) + (record.key?.count ?? 0) + recordOverheadBytes
        if !record.headers.isEmpty {
            for header in record.headers { bytes += header.name.utf8.count + (header.value?.count ?? 0) + 32 }
        }
        return bytes
    }

    /// Memory a record holds besides its key, value and headers: the event, its record copy, its place in the batch
    /// arrays and id map and in the tracker (measured around 0.5 to 1 KiB).
    static let recordOverheadBytes = 512

    /// The wall clock in milliseconds since the Unix epoch (Kafka timestamps use it).
    static func wallClockMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded())
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

extension SourceRecord {
    /// The core's view of a Kafka record, which it takes over (its key and value arrays are moved, not copied).
    init(taking record: consuming KafkaRecord, epoch: AssignmentEpoch) {
        // Swapped out of the consumed record: reading them would retain each, to release them with the record.
        var topic = ""
        var key: [UInt8]?
        var value: [UInt8]?
        swap(&topic, &record.topic)
        swap(&key, &record.key)
        swap(&value, &record.value)
        self.init(
            topic: topic,
            partition: record.partition,
            offset: record.offset,
            key: key,
            value: value,
            headers: record.headers.isEmpty ? [] : record.headers.map { Header(name: $0.name, value: $0.value) },
            epoch: epoch
        )
    }
}
