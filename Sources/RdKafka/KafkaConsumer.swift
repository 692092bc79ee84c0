import CRdKafka
import Foundation
import Logging
import Synchronization

/// A consumer-group member over librdkafka that polls on its own thread and reports on ``events``.
///
/// Lifecycle: ``init(configuration:logger:)`` creates the client, ``start()`` subscribes and starts the poll thread,
/// ``close(timeout:)`` leaves the group and frees everything. The poll thread calls `rd_kafka_consumer_poll` continuously
/// (never the batch API, which loses messages on rebalance in librdkafka 2.0.2); slow processing is handled by
/// ``pause(_:)``, never by polling less. Offsets are committed only explicitly (``commit(_:)``, ``commitAsync(_:)``,
/// or ``KafkaRevocation/finish(committing:)``), as "next offset to read".
///
/// - Important: always call ``close(timeout:)``: the poll thread owns the client and runs until then (dropping the last
///   reference does not stop it).
public final class KafkaConsumer: Sendable {
    /// Everything the consumer reports, in order: a sequence with one reader, bounded by
    /// ``KafkaConsumerConfiguration/maximumHandoffBytes`` (see ``KafkaConsumerEvents``). It ends after
    /// ``close(timeout:)``.
    ///
    /// - Important: read it continuously: a ``KafkaConsumerEvent/partitionsRevoked(_:_:)`` holds the poll thread
    ///   until finished (bounded by ``KafkaConsumerConfiguration/revocationTimeout``), including during ``close(timeout:)``.
    public let events: KafkaConsumerEvents

    private let configuration: KafkaConsumerConfiguration
    private let logger: Logger
    private let loop: ConsumerPollLoop
    private let client: ConsumerClient
    private let lifecycle = Mutex<Lifecycle>(.created)

    private enum Lifecycle {
        case created
        case running
        case closing
    }

    /// Creates the librdkafka consumer (nothing is fetched before ``start()``).
    /// - Throws: ``KafkaError`` of kind `.configuration` naming the rejected key, or a librdkafka creation error.
    public init(configuration: KafkaConsumerConfiguration, logger: Logger) throws(KafkaError) {
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "kafka.group"] = "\(configuration.groupID)"
        self.logger = logger
        let (events, sink) = ConsumerEventSink.make(limit: configuration.maximumHandoffBytes)
        self.events = events
        let loop = ConsumerPollLoop(configuration: configuration, logger: logger, sink: sink)
        self.loop = loop
        let eventMask = RD_KAFKA_EVENT_LOG | RD_KAFKA_EVENT_ERROR | RD_KAFKA_EVENT_STATS
        let handle = try RDKafkaHandle.make(
            type: RD_KAFKA_CONSUMER,
            pairs: configuration.librdkafkaProperties,
            eventMask: Int32(eventMask)
        ) { conf in
            rd_kafka_conf_set_rebalance_cb(conf, consumerRebalanceCallback)
            rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(loop).toOpaque())
        }
        let mainQueue = rd_kafka_queue_get_main(handle.pointer)
        let commitQueue = rd_kafka_queue_new(handle.pointer)
        guard let mainQueue, let commitQueue else {
            if let mainQueue { rd_kafka_queue_destroy(mainQueue) }
            if let commitQueue { rd_kafka_queue_destroy(commitQueue) }
            handle.destroy()
            throw KafkaError(kind: .librdkafka, message: "could not get librdkafka queues")
        }
        self.client = ConsumerClient(handle: handle, mainQueue: mainQueue, commitQueue: commitQueue)
    }

    // MARK: - Lifecycle

    /// Whether the poll thread went around within the last `pollTimeout` + 5 s: `false` before ``start()``, after
    /// ``close(timeout:)``, or when the loop is wedged. The daemon's systemd watchdog is fed only while this holds.
    public var isPolling: Bool {
        guard let last = lastPollInstant, !loop.stopRequested.load(ordering: .relaxed) else { return false }
        return ContinuousClock.now - last <= configuration.pollTimeout + .seconds(5)
    }

    /// When the poll thread last went around its loop (stamped once per iteration, before it polls), or `nil` before
    /// the first iteration. Readable from any thread without a lock (one atomic load).
    ///
    /// `ContinuousClock` keeps counting while the process is stopped (SIGSTOP, a frozen VM), so a gap between this
    /// and now that exceeds the loop's poll timeout means the member did not poll for that long (the send-time
    /// lease's "suspect" test).
    public var lastPollInstant: ContinuousClock.Instant? {
        let stamp = loop.lastPollNanoseconds.load(ordering: .relaxed)
        guard stamp > 0 else { return nil }
        return loop.clockBase + .nanoseconds(stamp - 1)
    }

    /// When the poll thread last went around after a gap longer than ``KafkaConsumerConfiguration/suspectPollGap``
    /// (the process was stopped, or the loop wedged), or `nil` if never. Unlike ``lastPollInstant``, it still shows
    /// the gap once the loop has run again: after a SIGCONT the poll thread may stamp a fresh iteration before a
    /// writer checks the lease.
    public var lastLongPollGapInstant: ContinuousClock.Instant? {
        let stamp = loop.lastLongGapNanoseconds.load(ordering: .relaxed)
        guard stamp > 0 else { return nil }
        return loop.clockBase + .nanoseconds(stamp - 1)
    }

    /// For tests only: makes the poll thread stop polling for `duration`, as a wedged consumer would.
    @_spi(Testing)
    public func _testBlockPolling(for duration: Duration) {
        let nanoseconds = duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        loop.testBlockedUntilNanoseconds.store(loop.nanosecondsSinceBase() + nanoseconds, ordering: .relaxed)
    }

    /// Subscribes to the configured topics and starts the poll thread. Calling it again does nothing.
    /// - Throws: ``KafkaError`` if librdkafka rejects the subscription, or `.closed` after ``close(timeout:)``.
    public func start() throws(KafkaError) {
        let shouldStart = try lifecycle.withLock { state throws(KafkaError) -> Bool in
            switch state {
            case .created:
                state = .running
                return true
            case .running:
                return false
            case .closing:
                throw KafkaError.closed("start: the consumer is closed")
            }
        }
        guard shouldStart else { return }
        do throws(KafkaError) {
            try subscribe()
        } catch {
            lifecycle.withLock { $0 = .created }
            throw error
        }
        spawnPollThread(subscribed: true)
    }

    private func subscribe() throws(KafkaError) {
        let topics = configuration.topics.map { KafkaTopicPartition(topic: $0, partition: -1) }
        try RDKafkaTopicPartitionList.withList(topics) { list throws(KafkaError) in
            let err = rd_kafka_subscribe(client.handle.pointer, list)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                throw KafkaError.librdkafka(err, message: "subscribe to \(configuration.topics) failed")
            }
        }
        logger.info("kafka consumer subscribed", metadata: ["kafka.topics": "\(configuration.topics)"])
    }

    private func spawnPollThread(subscribed: Bool) {
        let loop = self.loop
        let client = self.client
        let thread = Thread {
            // Named from inside: Foundation does not apply a name set before `start()` on Linux. It shows in
            // `top -H`, `ps -L` and the benchmark's CPU-by-thread line (15 bytes at most).
            Thread.current.name = "kafka-poll"
            loop.run(client: client, subscribed: subscribed)
        }
        thread.start()
    }

    /// Stops polling, leaves the group (revoking partitions through ``events`` as usual) and frees every C object.
    /// Safe to call more than once and concurrently; every caller returns once the consumer is fully closed.
    ///
    /// Leaving the group is bounded by `timeout`: librdkafka's own close waits for a missing group coordinator (a
    /// pending commit up to `session.timeout.ms`, the LeaveGroup answer); past `timeout` the consumer is destroyed
    /// without finishing the close (logged as a warning), and the coordinator expires the member after its session
    /// timeout. Nothing uncommitted is lost either way: commits come only from the caller.
    ///
    /// - Important: librdkafka 2.0.2 aborts the process when a `cooperative-sticky` consumer is destroyed after its
    ///   group protocol was chosen but before its first assignment (librdkafka#4381, fixed in 2.3.0). So a cooperative
    ///   consumer that was never assigned keeps polling up to
    ///   ``KafkaConsumerConfiguration/firstAssignmentWaitOnClose`` (and at most `timeout`) for its first assignment
    ///   before closing; if none came, it leaves the group but deliberately leaks its librdkafka handle (logged as a
    ///   warning).
    public func close(timeout: Duration = .seconds(5)) async {
        let wasCreated = lifecycle.withLock { state -> Bool in
            defer { state = .closing }
            return state == .created
        }
        loop.closeTimeoutMilliseconds.store(Int64(max(0, timeout.wholeMilliseconds)), ordering: .releasing)
        loop.stopRequested.store(true, ordering: .releasing)
        if wasCreated { spawnPollThread(subscribed: false) }
        await loop.waitUntilClosed()
    }

    // MARK: - Flow control

    /// Stops fetching from `partitions` (polling continues, so the group membership stays healthy). The pause lasts
    /// until ``resume(_:)`` or until the partitions are revoked (a new assignment starts unpaused).
    /// - Throws: ``KafkaError`` if librdkafka refuses, or `.closed`.
    public func pause(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        try setPaused(partitions, paused: true)
    }

    /// Resumes fetching from `partitions` after ``pause(_:)``, at once (see ``PartitionPauses`` for the librdkafka 2.0.2
    /// delay this works around), unless the handoff bound holds them.
    /// - Throws: ``KafkaError`` if librdkafka refuses, or `.closed`.
    public func resume(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        try setPaused(partitions, paused: false)
    }

    private func setPaused(_ partitions: [KafkaTopicPartition], paused: Bool) throws(KafkaError) {
        guard !partitions.isEmpty else { return }
        try client.gate.withHandle(paused ? "pause" : "resume") { () throws(KafkaError) in
            if paused {
                try loop.pauses.pauseForApplication(partitions, client: client.handle.pointer)
            } else {
                try loop.pauses.resumeForApplication(partitions, client: client.handle.pointer)
            }
        }
    }

    /// The bytes of records (keys and values) handed over on ``events`` and not yet taken by its reader.
    public var handoffBufferedBytes: Int { loop.handoff.bufferedBytes }

    // MARK: - Offsets

    /// Commits `offsets` (next offset to read per partition) and waits for the broker's answer.
    ///
    /// Blocks the calling thread for a broker round trip: from async code prefer ``commitAsync(_:)``.
    /// - Throws: ``KafkaError`` from the broker (e.g. `REBALANCE_IN_PROGRESS`, retriable), or `.closed`.
    public func commit(_ offsets: [KafkaTopicPartition: Int64]) throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        try client.gate.withHandle("commit") { () throws(KafkaError) in
            try RDKafkaTopicPartitionList.withList(offsets.keys, offsets: offsets) { list throws(KafkaError) in
                let err = rd_kafka_commit(client.handle.pointer, list, 0)
                if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError.librdkafka(err) }
            }
        }
    }

    /// Commits `offsets` without blocking a thread; returns once the broker answered (result served by the poll
    /// thread from a dedicated commit queue).
    ///
    /// Cancelling the calling task stops the wait (it throws `.cancelled`); the commit itself may still complete.
    /// - Throws: ``KafkaError`` from the broker, `.closed` if the consumer closes before the answer, or `.cancelled`.
    public func commitAsync(_ offsets: [KafkaTopicPartition: Int64]) async throws(KafkaError) {
        try await commitThroughQueue(offsets, timeout: nil, operation: "commitAsync")
    }

    /// Commits `offsets` (next offset to read per partition) and waits for the broker's answer, at most `timeout`,
    /// without blocking any thread: the commit is queued to librdkafka, whose answer the poll thread serves.
    ///
    /// Meant for the final commit of a stop and other commits the caller must see finish. Without a group coordinator
    /// librdkafka holds a commit until one is found or `session.timeout.ms` passed: `timeout` keeps the wait within
    /// the caller's own bound. Cancelling the calling task also stops the wait.
    /// - Throws: ``KafkaError`` from the broker (e.g. `REBALANCE_IN_PROGRESS`, retriable), `.timedOut` when no
    ///   answer came within `timeout` (the commit may still happen), `.cancelled`, or `.closed`.
    public func commitAndWait(
        _ offsets: [KafkaTopicPartition: Int64],
        timeout: Duration = .seconds(10)
    ) async throws(KafkaError) {
        try await commitThroughQueue(offsets, timeout: timeout, operation: "commitAndWait")
    }

    /// Queues a commit with `rd_kafka_commit_queue` and waits for its answer (or the timeout, or cancellation).
    private func commitThroughQueue(
        _ offsets: [KafkaTopicPartition: Int64],
        timeout: Duration?,
        operation: String
    ) async throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        let loop = self.loop
        let client = self.client
        let commits = loop.pendingCommits
        let id = commits.reserve()
        let timer = timeout.map { timeout in
            Task {
                try await Task.sleep(for: timeout)
                commits.abandon(
                    id,
                    with: KafkaError(
                        kind: .timedOut,
                        message: "\(operation): no answer within \(timeout)",
                        isRetriable: true
                    )
                )
            }
        }
        defer { timer?.cancel() }
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: CheckedContinuation<Result<Void, KafkaError>, Never>) in
                do throws(KafkaError) {
                    try client.gate.withHandle(operation) { () throws(KafkaError) in
                        guard commits.register(id, waiter) else { throw KafkaError.cancelledWait(operation) }
                        try RDKafkaTopicPartitionList.withList(offsets.keys, offsets: offsets) {
                            list throws(KafkaError) in
                            let err = rd_kafka_commit_queue(
                                client.handle.pointer,
                                list,
                                client.commitQueue,
                                nil,
                                UnsafeMutableRawPointer(bitPattern: id)
                            )
                            if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                                commits.abandon(id, with: KafkaError.librdkafka(err))
                            }
                        }
                    }
                } catch {
                    // Exactly one resume: through the registration if the waiter was registered, else here.
                    if !commits.abandon(id, with: error) { waiter.resume(returning: .failure(error)) }
                }
            }
        } onCancel: {
            commits.abandon(id, with: KafkaError.cancelledWait(operation))
        }
        try result.get()
    }

    /// Reads the group's committed offsets (next offset to read) from the broker; partitions without one are absent.
    ///
    /// Blocks the calling thread up to `timeout`; meant for tests and probes.
    /// - Throws: ``KafkaError`` from the broker or on timeout, or `.closed`.
    public func committedOffsets(
        for partitions: [KafkaTopicPartition],
        timeout: Duration = .seconds(10)
    ) throws(KafkaError) -> [KafkaTopicPartition: Int64] {
        try client.gate.withHandle("committedOffsets") { () throws(KafkaError) in
            try RDKafkaTopicPartitionList.withList(partitions) { list throws(KafkaError) in
                let err = rd_kafka_committed(client.handle.pointer, list, Int32(timeout.wholeMilliseconds))
                if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError.librdkafka(err) }
                var offsets: [KafkaTopicPartition: Int64] = [:]
                for entry in RDKafkaTopicPartitionList.entries(of: list) where entry.offset >= 0 {
                    offsets[entry.partition] = entry.offset
                }
                return offsets
            }
        }
    }

    /// The partitions currently assigned to this member.
    /// - Throws: ``KafkaError`` from librdkafka, or `.closed`.
    public func assignment() throws(KafkaError) -> [KafkaTopicPartition] {
        try client.gate.withHandle("assignment") { () throws(KafkaError) in
            var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
            let err = rd_kafka_assignment(client.handle.pointer, &list)
            defer { if let list { rd_kafka_topic_partition_list_destroy(list) } }
            if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError.librdkafka(err) }
            return RDKafkaTopicPartitionList.partitions(of: list)
        }
    }
}
