import CRdKafka
import Synchronization

/// Who paused which partition, so that the two reasons to pause never undo each other, and the resume that wakes
/// librdkafka's fetcher.
///
/// The layer above pauses partitions for its own backpressure (``KafkaConsumer/pause(_:)``); the poll loop pauses the
/// other assigned partitions while too many records are handed over and not yet taken (``HandoffLevel``). A
/// partition fetches again only once neither holds it.
///
/// Why resuming seeks: in librdkafka 2.0.2 a paused partition gets an infinite fetch backoff, and a resume does not
/// wake its broker thread, which sleeps until its next one-second timeout. Measured on the bench: writes stopped for
/// 0.5 s on average after each resume, and the bridge lost about a third of its throughput. An asynchronous seek to the
/// partition's own position (the offset after the last record this consumer polled) wakes the broker thread at once
/// ("seek done") and moves nothing: the pause already purged the partition's pre-fetched records, and fetching would
/// have restarted at that offset anyway.
///
/// Why not hold polling instead: a consumer that stops polling lets librdkafka's pre-fetch queue reach
/// `queued.max.messages.kbytes`, and 2.0.2 then backs off fetching for a whole second (`fetch.queue.backoff.ms`, which
/// shortens it, came in 2.2). Pausing costs at most one re-fetched response per partition.
final class PartitionPauses: Sendable {
    private struct State {
        /// Paused by the layer above (``KafkaConsumer/pause(_:)``), until it resumes them.
        var byApplication: Set<KafkaTopicPartition> = []
        /// Paused by the poll loop's handoff bound, until the layer above has taken enough.
        var byHandoff: Set<KafkaTopicPartition> = []
        /// Whether the handoff bound is holding (possibly with nothing to pause).
        var isHoldingForHandoff = false
        /// The offset after the last record polled, per partition of the current assignment: where a resumed
        /// partition fetches from.
        var positions: [KafkaTopicPartition: Int64] = [:]
    }

    private let state = Mutex(State())

    /// Whether the handoff bound currently holds the assigned partitions.
    var isHoldingForHandoff: Bool { state.withLock { $0.isHoldingForHandoff } }

    // MARK: - The layer above

    /// Pauses `partitions` for the layer above.
    func pauseForApplication(_ partitions: [KafkaTopicPartition], client: OpaquePointer) throws(KafkaError) {
        try state.withLock { state throws(KafkaError) in
            state.byApplication.formUnion(partitions)
            try Self.setPaused(partitions, true, client: client)
        }
    }

    /// Lifts the layer above's pause of `partitions`; those the handoff bound does not hold fetch again at once.
    func resumeForApplication(_ partitions: [KafkaTopicPartition], client: OpaquePointer) throws(KafkaError) {
        try state.withLock { state throws(KafkaError) in
            state.byApplication.subtract(partitions)
            let resumed = partitions.filter { !state.byHandoff.contains($0) }
            try Self.resume(resumed, positions: state.positions, client: client)
        }
    }

    // MARK: - The poll loop

    /// Pauses every assigned partition the layer above has not paused (the handoff bound is exceeded).
    func holdForHandoff(client: OpaquePointer) throws(KafkaError) {
        try state.withLock { state throws(KafkaError) in
            guard !state.isHoldingForHandoff else { return }
            state.isHoldingForHandoff = true
            let held = try Self.assignment(of: client).filter { !state.byApplication.contains($0) }
            state.byHandoff = Set(held)
            try Self.setPaused(held, true, client: client)
        }
    }

    /// Resumes what the handoff bound paused, except what the layer above has paused since.
    func releaseHandoff(client: OpaquePointer) throws(KafkaError) {
        try state.withLock { state throws(KafkaError) in
            guard state.isHoldingForHandoff else { return }
            state.isHoldingForHandoff = false
            let resumed = state.byHandoff.filter { !state.byApplication.contains($0) }
            state.byHandoff = []
            try Self.resume(Array(resumed), positions: state.positions, client: client)
        }
    }

    /// Records where the partitions of polled records continue (call with each batch of records, in poll order).
    func polled(_ records: [KafkaRecord]) {
        guard let first = records.first else { return }
        state.withLock { state in
            // Records come in runs of one partition: one dictionary write per run, not per record.
            var current = KafkaTopicPartition(topic: first.topic, partition: first.partition)
            var next = first.offset + 1
            for record in records.dropFirst() {
                if record.partition != current.partition || record.topic != current.topic {
                    state.positions[current] = next
                    current = KafkaTopicPartition(topic: record.topic, partition: record.partition)
                }
                next = record.offset + 1
            }
            state.positions[current] = next
        }
    }

    /// Forgets everything about `partitions` (assigned anew, revoked or lost): a new assignment starts unpaused and
    /// fetches from its committed offset. Also lifts any pause librdkafka kept on the partitions from an earlier
    /// assignment (it keeps an application pause across unassign and assign).
    func reset(_ partitions: [KafkaTopicPartition], client: OpaquePointer, clearLibrdkafkaPause: Bool) {
        state.withLock { state in
            state.byApplication.subtract(partitions)
            state.byHandoff.subtract(partitions)
            for partition in partitions { state.positions[partition] = nil }
        }
        if clearLibrdkafkaPause {
            try? Self.setPaused(partitions, false, client: client)
        }
    }

    // MARK: - librdkafka

    private static func setPaused(
        _ partitions: some Collection<KafkaTopicPartition>,
        _ paused: Bool,
        client: OpaquePointer
    ) throws(KafkaError) {
        guard !partitions.isEmpty else { return }
        try RDKafkaTopicPartitionList.withList(partitions) { list throws(KafkaError) in
            let err = paused ? rd_kafka_pause_partitions(client, list) : rd_kafka_resume_partitions(client, list)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError.librdkafka(err) }
            if let failed = RDKafkaTopicPartitionList.entries(of: list).first(where: { $0.error.rawValue != 0 }) {
                throw KafkaError.librdkafka(failed.error, message: "\(paused ? "pause" : "resume") \(failed.partition)")
            }
        }
    }

    /// Resumes `partitions`, then seeks those with a known position to it, asynchronously, to wake the fetcher.
    private static func resume(
        _ partitions: [KafkaTopicPartition],
        positions: [KafkaTopicPartition: Int64],
        client: OpaquePointer
    ) throws(KafkaError) {
        try setPaused(partitions, false, client: client)
        let known = partitions.filter { positions[$0] != nil }
        guard !known.isEmpty else { return }
        try RDKafkaTopicPartitionList.withList(known, offsets: positions) { list throws(KafkaError) in
            if let error = rd_kafka_seek_partitions(client, list, 0) {
                throw KafkaError.consuming(error)
            }
        }
    }

    private static func assignment(of client: OpaquePointer) throws(KafkaError) -> [KafkaTopicPartition] {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        let err = rd_kafka_assignment(client, &list)
        defer { if let list { rd_kafka_topic_partition_list_destroy(list) } }
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError.librdkafka(err) }
        return RDKafkaTopicPartitionList.partitions(of: list)
    }
}
