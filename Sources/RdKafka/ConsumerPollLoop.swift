import CRdKafka
import Foundation
import Logging
import Synchronization

/// The consumer's poll thread: everything that calls `rd_kafka_consumer_poll` or runs inside it.
///
/// It polls continuously (heartbeats and `max.poll.interval.ms` never depend on the layer above), copies records,
/// serves the rebalance callback, drains log/error/statistics events from the main queue and async-commit results
/// from the commit queue, and finally closes and destroys the client. It never blocks on the reader of
/// ``KafkaConsumer/events``, except for the bounded revocation handshake: a reader that falls behind makes it pause
/// the assigned partitions (``HandoffLevel``); backpressure from a slow sink is the caller pausing partitions.
final class ConsumerPollLoop: Sendable {
    let configuration: KafkaConsumerConfiguration
    let logger: Logger
    /// Where events are handed over to the reader of ``KafkaConsumer/events``.
    let sink: ConsumerEventSink
    /// Set by ``KafkaConsumer/close(timeout:)``; the loop checks it between polls.
    let stopRequested = Atomic<Bool>(false)
    /// The bound on leaving the group, in milliseconds (set by ``KafkaConsumer/close(timeout:)`` before
    /// ``stopRequested``).
    let closeTimeoutMilliseconds = Atomic<Int64>(10_000)
    /// The instant the loop's clock readings count from (``lastPollNanoseconds`` is relative to it).
    let clockBase = ContinuousClock.now
    /// When the loop last went around, in nanoseconds after ``clockBase`` plus one (0 before the first poll): the
    /// liveness signal behind ``KafkaConsumer/isPolling`` and ``KafkaConsumer/lastPollInstant``.
    let lastPollNanoseconds = Atomic<Int64>(0)
    /// When the loop last went around after a gap longer than ``KafkaConsumerConfiguration/suspectPollGap``, in
    /// nanoseconds after ``clockBase`` plus one (0: never); behind ``KafkaConsumer/lastLongPollGapInstant``.
    let lastLongGapNanoseconds = Atomic<Int64>(0)
    /// ``KafkaConsumerConfiguration/suspectPollGap`` in nanoseconds (`Int64.max` when `nil`).
    private let suspectGapNanoseconds: Int64
    /// For tests only (``KafkaConsumer/_testBlockPolling(for:)``): while later than now (nanoseconds after
    /// ``clockBase``), the loop sleeps instead of polling, to simulate a wedged consumer. 0 (the only value outside
    /// tests) costs one relaxed load per loop iteration.
    let testBlockedUntilNanoseconds = Atomic<Int64>(0)
    /// The bytes of records handed over and not yet taken, against their bound.
    var handoff: HandoffLevel { sink.level }
    /// Who paused which partition (the layer above, or the handoff bound), and where resumed partitions continue.
    let pauses = PartitionPauses()
    /// Commits waiting for their result, by the id passed as the commit's opaque.
    let pendingCommits = PendingWaiters<Void>()
    /// Poll-thread state, in a lock only so the type is checked `Sendable` (it is uncontended).
    /// `lastTopic` is the name of the last record's topic, reused while records keep coming from that topic (a name
    /// over 15 bytes would otherwise cost one allocation per record).
    private let confined = Mutex<(pending: [KafkaRecord], everAssigned: Bool, lastTopic: String)>(([], false, ""))
    /// Callers of ``KafkaConsumer/close()`` waiting for the end of the shutdown.
    private let shutdownDone = CompletionSignal()

    init(
        configuration: KafkaConsumerConfiguration,
        logger: Logger,
        sink: ConsumerEventSink
    ) {
        self.configuration = configuration
        self.logger = logger
        self.sink = sink
        suspectGapNanoseconds =
            configuration.suspectPollGap.map {
                $0.components.seconds * 1_000_000_000 + $0.components.attoseconds / 1_000_000_000
            } ?? Int64.max
    }

    /// The bound on leaving the group (see ``closeTimeoutMilliseconds``).
    var closeTimeout: Duration { .milliseconds(closeTimeoutMilliseconds.load(ordering: .acquiring)) }

    var isCooperative: Bool { configuration.assignmentStrategy == .cooperativeSticky }

    // MARK: - Loop

    /// Runs on the dedicated thread until ``stopRequested``, then shuts down (and destroys `client`).
    func run(client: ConsumerClient, subscribed: Bool) {
        let timeout = Int32(max(configuration.pollTimeout.wholeMilliseconds, 1))
        while !stopRequested.load(ordering: .acquiring) {
            pollOnce(client: client, timeout: timeout)
        }
        shutdown(client: client, subscribed: subscribed)
    }

    /// Nanoseconds from ``clockBase`` to now.
    func nanosecondsSinceBase() -> Int64 {
        let elapsed = (ContinuousClock.now - clockBase).components
        return elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000
    }

    private func pollOnce(client: ConsumerClient, timeout: Int32) {
        if testBlockedUntilNanoseconds.load(ordering: .relaxed) != 0 { waitWhileTestBlocked() }
        let stamp = nanosecondsSinceBase() + 1
        let previous = lastPollNanoseconds.exchange(stamp, ordering: .relaxed)
        if previous > 0, stamp - previous > suspectGapNanoseconds {
            lastLongGapNanoseconds.store(stamp, ordering: .relaxed)
        }
        serveMainQueue(client: client)
        serveCommitQueue(client: client, timeout: 0)
        applyHandoffBound(client: client.handle.pointer)
        pollRecords(client: client.handle.pointer, timeout: timeout)
    }

    /// Sleeps while a test holds the loop (``KafkaConsumer/_testBlockPolling(for:)``), as a wedged librdkafka would.
    private func waitWhileTestBlocked() {
        while nanosecondsSinceBase() < testBlockedUntilNanoseconds.load(ordering: .relaxed),
            !stopRequested.load(ordering: .relaxed)
        {
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// Pauses the assigned partitions while more than the handoff bound is handed over and not taken, and resumes
    /// them once the reader has taken enough (see ``HandoffLevel`` and ``PartitionPauses``). Polling goes on either
    /// way.
    private func applyHandoffBound(client: OpaquePointer) {
        do throws(KafkaError) {
            let wantsMore = handoff.wantsMore
            if !wantsMore, !pauses.isHoldingForHandoff {
                try pauses.holdForHandoff(client: client)
            } else if wantsMore, pauses.isHoldingForHandoff {
                try pauses.releaseHandoff(client: client)
            }
        } catch {
            logger.warning("kafka consumer: handoff pause or resume failed", metadata: ["kafka.error": "\(error)"])
        }
    }

    /// Polls one message with `timeout`, then drains what is immediately available up to the cap, as one event.
    private func pollRecords(client: OpaquePointer, timeout: Int32) {
        guard let first = rd_kafka_consumer_poll(client, timeout) else { return }
        handle(message: first)
        var count = 1
        while count < configuration.maximumRecordsPerEvent, let next = rd_kafka_consumer_poll(client, 0) {
            handle(message: next)
            count += 1
        }
        flushPendingRecords()
    }

    /// Copies a message into the pending batch (or reports its error), then frees it.
    private func handle(message: UnsafeMutablePointer<rd_kafka_message_t>) {
        defer { rd_kafka_message_destroy(message) }
        let err = message.pointee.err
        if err == RD_KAFKA_RESP_ERR_NO_ERROR {
            confined.withLock { state in
                let record = RDKafkaMessage.record(from: message, lastTopic: &state.lastTopic)
                if state.pending.isEmpty { state.pending.reserveCapacity(configuration.maximumRecordsPerEvent) }
                state.pending.append(record)
            }
        } else if err != RD_KAFKA_RESP_ERR__PARTITION_EOF {
            flushPendingRecords()
            let text = rd_kafka_message_errstr(message).map { String(cString: $0) }
            let error = KafkaError.librdkafka(err, message: text)
            logger.warning("kafka consumer error", metadata: ["kafka.error": "\(error)"])
            sink.yield(.error(error))
        }
    }

    /// Emits the pending records as one event (keeps records before rebalance events).
    func flushPendingRecords() {
        let records = confined.withLock { state -> [KafkaRecord] in
            defer { state.pending = [] }
            return state.pending
        }
        guard !records.isEmpty else { return }
        pauses.polled(records)
        let bytes = records.reduce(0) { $0 + HandoffLevel.size(of: $1) }
        sink.yield(.records(records), bytes: bytes)
    }

    /// Drains logs, errors and statistics from the main queue.
    private func serveMainQueue(client: ConsumerClient) {
        for _ in 0..<1000 {
            guard let event = rd_kafka_queue_poll(client.mainQueue, 0) else { return }
            defer { rd_kafka_event_destroy(event) }
            switch rd_kafka_event_type(event) {
            case RD_KAFKA_EVENT_LOG:
                LibrdkafkaLog.forward(logEvent: event, to: logger)
            case RD_KAFKA_EVENT_ERROR:
                let error = LibrdkafkaLog.logError(
                    fromErrorEvent: event,
                    client: client.handle.pointer,
                    role: "consumer",
                    to: logger
                )
                sink.yield(.error(error))
            case RD_KAFKA_EVENT_STATS:
                guard let json = rd_kafka_event_stats(event) else { break }
                let bytes = Array(UnsafeRawBufferPointer(start: json, count: strlen(json)))
                if let statistics = KafkaConsumerStatistics(json: bytes) {
                    sink.yield(.statistics(statistics))
                }
            default:
                logger.debug(
                    "ignored librdkafka event",
                    metadata: ["librdkafka.event": "\(rd_kafka_event_type(event))"]
                )
            }
        }
    }

    /// Resolves async commits whose results arrived on the commit queue.
    func serveCommitQueue(client: ConsumerClient, timeout: Int32) {
        while let event = rd_kafka_queue_poll(client.commitQueue, timeout) {
            defer { rd_kafka_event_destroy(event) }
            guard rd_kafka_event_type(event) == RD_KAFKA_EVENT_OFFSET_COMMIT else { continue }
            let id = UInt(bitPattern: rd_kafka_event_opaque(event))
            var result: Result<Void, KafkaError> = .success(())
            let err = rd_kafka_event_error(event)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                result = .failure(
                    .librdkafka(err, message: rd_kafka_event_error_string(event).map { String(cString: $0) })
                )
            } else if let failed = RDKafkaTopicPartitionList.entries(of: rd_kafka_event_topic_partition_list(event))
                .first(where: { $0.error != RD_KAFKA_RESP_ERR_NO_ERROR })
            {
                result = .failure(.librdkafka(failed.error, message: "commit of \(failed.partition) failed"))
            }
            pendingCommits.take(id)?.resume(returning: result)
        }
    }

    // MARK: - Rebalance (runs inside rd_kafka_consumer_poll, on the poll thread)

    /// Handles one rebalance callback: assign, or revoke with the commit handshake, or lost.
    func rebalance(
        client: OpaquePointer,
        err: rd_kafka_resp_err_t,
        list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
    ) {
        let partitions = RDKafkaTopicPartitionList.partitions(of: list)
        let cooperative = rd_kafka_rebalance_protocol(client).map { String(cString: $0) } == "COOPERATIVE"
        flushPendingRecords()
        switch err {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            pauses.reset(partitions, client: client, clearLibrdkafkaPause: true)
            if cooperative {
                if let error = rd_kafka_incremental_assign(client, list) { report(.consuming(error), "assign") }
            } else {
                let assignErr = rd_kafka_assign(client, list)
                if assignErr != RD_KAFKA_RESP_ERR_NO_ERROR { report(.librdkafka(assignErr), "assign") }
            }
            confined.withLock { $0.everAssigned = true }
            logger.debug("kafka partitions assigned", metadata: ["kafka.partitions": "\(partitions)"])
            sink.yield(.partitionsAssigned(partitions))
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            defer { pauses.reset(partitions, client: client, clearLibrdkafkaPause: false) }
            if rd_kafka_assignment_lost(client) != 0 {
                logger.debug("kafka partitions lost", metadata: ["kafka.partitions": "\(partitions)"])
                sink.yield(.partitionsLost(partitions))
            } else {
                revoke(client: client, partitions: partitions)
            }
            if cooperative {
                if let error = rd_kafka_incremental_unassign(client, list) { report(.consuming(error), "unassign") }
            } else {
                let unassignErr = rd_kafka_assign(client, nil)
                if unassignErr != RD_KAFKA_RESP_ERR_NO_ERROR { report(.librdkafka(unassignErr), "unassign") }
            }
        default:
            report(.librdkafka(err), "rebalance")
            _ = rd_kafka_assign(client, nil)
        }
    }

    /// Emits the revocation, waits (bounded) for the layer above, and commits what it returned, synchronously.
    private func revoke(client: OpaquePointer, partitions: [KafkaTopicPartition]) {
        logger.debug("kafka partitions revoked", metadata: ["kafka.partitions": "\(partitions)"])
        let revocation = KafkaRevocation(partitions: partitions)
        guard sink.yield(.partitionsRevoked(partitions, revocation)) else {
            return  // nobody reads events any more: nothing to wait for
        }
        let stamp = { self.lastPollNanoseconds.store(self.nanosecondsSinceBase() + 1, ordering: .relaxed) }
        guard let offsets = revocation.wait(timeout: configuration.revocationTimeout, stillWaiting: stamp) else {
            logger.warning(
                "kafka revocation not finished in time; releasing partitions without commit",
                metadata: ["kafka.partitions": "\(partitions)"]
            )
            return
        }
        guard !offsets.isEmpty else { return }
        do throws(KafkaError) {
            try RDKafkaTopicPartitionList.withList(offsets.keys, offsets: offsets) { list throws(KafkaError) in
                let commitErr = rd_kafka_commit(client, list, 0)
                if commitErr != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError.librdkafka(commitErr) }
            }
        } catch {
            report(error, "commit on revoke")
        }
    }

    private func report(_ error: KafkaError, _ operation: String) {
        logger.error("kafka \(operation) failed", metadata: ["kafka.error": "\(error)"])
        sink.yield(.error(error))
    }

    // MARK: - Shutdown

    /// Leaves the group and frees the client, within ``closeTimeout`` (plus what `rd_kafka_destroy` takes); see
    /// ``KafkaConsumer/close(timeout:)`` for the bound and the cooperative-sticky guard.
    private func shutdown(client: ConsumerClient, subscribed: Bool) {
        let deadline = ContinuousClock.now + closeTimeout
        let mustWaitForAssignment = isCooperative && subscribed
        if mustWaitForAssignment && !everAssigned {
            let assignmentDeadline = min(deadline, ContinuousClock.now + configuration.firstAssignmentWaitOnClose)
            logger.info("kafka cooperative consumer closing before its first assignment; waiting for it")
            while !everAssigned && ContinuousClock.now < assignmentDeadline {
                pollOnce(client: client, timeout: 100)
            }
        }
        flushPendingRecords()
        let closed = closeGroupMembership(client: client, deadline: deadline)
        serveMainQueue(client: client)
        client.gate.close()
        client.gate.waitUntilIdle()
        serveCommitQueue(client: client, timeout: 0)
        pendingCommits.failAll(with: .closed("commit: the consumer closed first"))
        rd_kafka_queue_destroy(client.commitQueue)
        rd_kafka_queue_destroy(client.mainQueue)
        if mustWaitForAssignment && !everAssigned {
            // librdkafka 2.0.2 asserts in rd_kafka_sticky_assignor_state_destroy (fixed in 2.3.0, #4381) when a
            // cooperative consumer is destroyed between its JoinGroup and its first assignment. Leaking the handle
            // (already closed: it left the group) is the only way to keep the process alive.
            logger.warning("kafka cooperative consumer closed before any assignment: leaking its librdkafka handle")
        } else if !closed {
            // librdkafka would finish the close inside rd_kafka_destroy, waiting for the coordinator (up to
            // session.timeout.ms for a pending commit): skip it, the group coordinator expires the member instead.
            if !client.handle.destroyWithoutConsumerClose(waitingAtMost: .seconds(1)) {
                logger.warning("kafka consumer: librdkafka is still shutting down; finishing in the background")
            }
        } else {
            client.handle.destroy()
        }
        logger.debug("kafka consumer closed")
        sink.finish()
        shutdownDone.complete()
    }

    private var everAssigned: Bool { confined.withLock { $0.everAssigned } }

    /// Leaves the group with `rd_kafka_consumer_close_queue`, serving the close's rebalance and the queues, until
    /// librdkafka reports the consumer closed or `deadline` passes (a missing coordinator makes librdkafka wait for
    /// pending commits up to `session.timeout.ms`, and for the LeaveGroup answer). Returns whether it closed.
    private func closeGroupMembership(client: ConsumerClient, deadline: ContinuousClock.Instant) -> Bool {
        let pointer = client.handle.pointer
        guard let closeQueue = rd_kafka_queue_new(pointer) else {
            report(KafkaError(kind: .librdkafka, message: "could not create the close queue"), "close")
            return false
        }
        defer { rd_kafka_queue_destroy(closeQueue) }
        if let error = rd_kafka_consumer_close_queue(pointer, closeQueue) {
            report(.consuming(error), "close")
            return false
        }
        while rd_kafka_consumer_closed(pointer) == 0 {
            guard ContinuousClock.now < deadline else {
                logger.warning(
                    "kafka consumer close did not finish in time; leaving without waiting for the group coordinator",
                    metadata: ["kafka.close_timeout": "\(closeTimeout)"]
                )
                return false
            }
            if let event = rd_kafka_queue_poll(closeQueue, 100) {
                defer { rd_kafka_event_destroy(event) }
                if rd_kafka_event_type(event) == RD_KAFKA_EVENT_REBALANCE {
                    rebalance(
                        client: pointer,
                        err: rd_kafka_event_error(event),
                        list: rd_kafka_event_topic_partition_list(event)
                    )
                } else if let error = rd_kafka_event_error_string(event),
                    rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR
                {
                    report(.librdkafka(rd_kafka_event_error(event), message: String(cString: error)), "close")
                }
            }
            serveMainQueue(client: client)
            serveCommitQueue(client: client, timeout: 0)
        }
        return true
    }

    /// Suspends until the shutdown has finished (returns at once if it already has).
    func waitUntilClosed() async {
        await shutdownDone.wait()
    }
}

/// The C objects of one consumer, created together and destroyed by ``ConsumerPollLoop`` at shutdown.
///
/// - Important: `@unchecked Sendable` because it only wraps C handles: the queues are polled from the poll thread
///   only, `rd_kafka_commit_queue` from other threads is thread-safe in librdkafka, and ``gate`` keeps any caller
///   from using them after the shutdown destroys them.
final class ConsumerClient: @unchecked Sendable {
    let handle: RDKafkaHandle
    /// Main queue handle (logs, errors, statistics); destroyed before the client.
    let mainQueue: OpaqueQueue
    /// Queue that receives async-commit results; destroyed before the client.
    let commitQueue: OpaqueQueue
    /// Keeps the handle alive while public methods use it.
    let gate = HandleGate()

    init(handle: RDKafkaHandle, mainQueue: OpaqueQueue, commitQueue: OpaqueQueue) {
        self.handle = handle
        self.mainQueue = mainQueue
        self.commitQueue = commitQueue
    }
}

/// An `rd_kafka_queue_t *`.
typealias OpaqueQueue = OpaquePointer

/// The C rebalance callback: forwards to the ``ConsumerPollLoop`` passed as the configuration opaque.
///
/// - Important: the loop is passed with `Unmanaged.passUnretained`; ``KafkaConsumer`` holds it strongly for its whole
///   life, and the client is destroyed (by the loop itself) before the loop can go away.
let consumerRebalanceCallback:
    @convention(c) (
        OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
        UnsafeMutableRawPointer?
    ) -> Void = { client, err, list, opaque in
        guard let client, let opaque else { return }
        Unmanaged<ConsumerPollLoop>.fromOpaque(opaque).takeUnretainedValue().rebalance(
            client: client,
            err: err,
            list: list
        )
    }
