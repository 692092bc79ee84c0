import CRdKafka
import Synchronization

/// Bounds the bytes of records handed to the layer above and not yet taken, by pausing fetching while polling goes on.
///
/// The poll thread is faster than any consumer of ``KafkaConsumer/events``; without a bound, records would pile up in
/// the unbounded event stream. When more than ``limit`` bytes (keys + values) are outstanding, the poll loop pauses
/// every assigned partition (it keeps calling `rd_kafka_consumer_poll`, so heartbeats, rebalances and
/// `max.poll.interval.ms` are unaffected) and resumes them once the layer above has taken enough, below half the limit.
///
/// The layer above pauses partitions too (its own backpressure, halted partitions). Both share librdkafka's one
/// pause flag per partition, so every pause and resume goes through this type under one lock: the poll loop never
/// resumes a partition the layer above paused, and a resume by the layer above waits for the handoff to drain.
final class HandoffControl: Sendable {
    /// One element of a C topic-partition list after a call: the partition, its offset and its error.
    typealias PartitionEntry = (partition: KafkaTopicPartition, offset: Int64, error: rd_kafka_resp_err_t)

    private struct State {
        /// Partitions the layer above paused.
        var pausedByCaller: Set<KafkaTopicPartition> = []
        /// Whether the poll loop paused the assignment because too much is outstanding.
        var isHandoffPaused = false
    }

    /// The most bytes outstanding before fetching pauses (`Int.max`: no bound).
    let limit: Int
    private let outstanding = Atomic<Int>(0)
    private let state = Mutex(State())

    init(limit: Int?) {
        self.limit = limit.map { max(1, $0) } ?? .max
    }

    /// The bytes one record counts for.
    static func size(of record: KafkaRecord) -> Int {
        (record.key?.count ?? 0) + (record.value?.count ?? 0)
    }

    /// Counts records handed to the layer above.
    func handedOver(bytes: Int) {
        outstanding.add(bytes, ordering: .relaxed)
    }

    /// Counts records the layer above has taken.
    func taken(bytes: Int) {
        outstanding.subtract(bytes, ordering: .relaxed)
    }

    /// The bytes handed over and not yet taken.
    var outstandingBytes: Int { outstanding.load(ordering: .relaxed) }

    /// Called by the poll loop before each poll: pauses or resumes the assignment as the outstanding bytes require.
    func regulate(client: OpaquePointer) {
        guard limit != .max else { return }
        let bytes = outstanding.load(ordering: .relaxed)
        state.withLock { state in
            if !state.isHandoffPaused, bytes > limit {
                state.isHandoffPaused = true
                Self.apply(client: client, paused: true, to: Self.assignment(of: client))
            } else if state.isHandoffPaused, bytes <= limit / 2 {
                state.isHandoffPaused = false
                let resumable = Self.assignment(of: client).filter { !state.pausedByCaller.contains($0) }
                Self.apply(client: client, paused: false, to: resumable)
            }
        }
    }

    /// Pauses or resumes partitions for the layer above.
    /// - Returns: librdkafka's error, if any.
    func setPausedByCaller(
        _ partitions: [KafkaTopicPartition],
        paused: Bool,
        client: OpaquePointer
    ) -> (rd_kafka_resp_err_t, [PartitionEntry]) {
        state.withLock { state in
            if paused {
                state.pausedByCaller.formUnion(partitions)
                return Self.apply(client: client, paused: true, to: partitions)
            }
            state.pausedByCaller.subtract(partitions)
            // While the handoff is paused, the poll loop resumes these when it drains.
            guard !state.isHandoffPaused else { return (RD_KAFKA_RESP_ERR_NO_ERROR, []) }
            return Self.apply(client: client, paused: false, to: partitions)
        }
    }

    /// Called on the poll thread after partitions were assigned: they start unpaused in librdkafka, so the caller's
    /// old pauses are forgotten, and the handoff pause, if on, is applied to them.
    func assigned(_ partitions: [KafkaTopicPartition], client: OpaquePointer) {
        state.withLock { state in
            state.pausedByCaller.subtract(partitions)
            if state.isHandoffPaused { Self.apply(client: client, paused: true, to: partitions) }
        }
    }

    /// Called on the poll thread after partitions were revoked or lost.
    func unassigned(_ partitions: [KafkaTopicPartition]) {
        state.withLock { $0.pausedByCaller.subtract(partitions) }
    }

    @discardableResult
    private static func apply(
        client: OpaquePointer,
        paused: Bool,
        to partitions: [KafkaTopicPartition]
    ) -> (rd_kafka_resp_err_t, [PartitionEntry]) {
        guard !partitions.isEmpty else { return (RD_KAFKA_RESP_ERR_NO_ERROR, []) }
        do {
            return try RDKafkaTopicPartitionList.withList(partitions) { list in
                let err = paused ? rd_kafka_pause_partitions(client, list) : rd_kafka_resume_partitions(client, list)
                return (err, RDKafkaTopicPartitionList.entries(of: list))
            }
        } catch {
            return (RD_KAFKA_RESP_ERR__FAIL, [])
        }
    }

    private static func assignment(of client: OpaquePointer) -> [KafkaTopicPartition] {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        let err = rd_kafka_assignment(client, &list)
        defer { if let list { rd_kafka_topic_partition_list_destroy(list) } }
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { return [] }
        return RDKafkaTopicPartitionList.partitions(of: list)
    }
}
