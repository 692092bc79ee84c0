import Synchronization

/// Bounds the bytes of records handed to the layer above and not yet taken.
///
/// The poll thread is faster than any consumer of ``KafkaConsumer/events``; without a bound, records would pile up in
/// the unbounded event stream. Once more than ``limit`` bytes (keys + values) are outstanding, the poll loop pauses
/// the assigned partitions, and it resumes them once the layer above has taken enough to be back under half the
/// limit (``PartitionPauses`` keeps these pauses apart from the layer above's own). Polling never stops, so
/// librdkafka's pre-fetch queue never fills up (which in 2.0.2 stops fetching for a whole second).
///
/// - Important: This is short-term flow control between two threads, bounded by how fast the layer above takes
///   records in (it must keep reading ``KafkaConsumer/events`` and report with ``KafkaConsumer/recordsTaken(_:)``).
///   Backpressure from a slow sink is the layer above pausing partitions.
final class HandoffControl: Sendable {
    /// The most bytes outstanding before the partitions are paused (`Int.max`: no bound).
    let limit: Int
    private let outstanding = Atomic<Int>(0)

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

    /// Whether more than ``limit`` bytes are outstanding: time to pause.
    var isOverLimit: Bool { limit != .max && outstanding.load(ordering: .relaxed) > limit }

    /// Whether at most half of ``limit`` is outstanding: time to resume what the bound paused.
    var isBelowResumeMark: Bool { limit == .max || outstanding.load(ordering: .relaxed) <= limit / 2 }
}
