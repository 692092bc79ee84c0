import Synchronization

/// Bounds the bytes of records handed to the layer above and not yet taken.
///
/// The poll thread is faster than any consumer of ``KafkaConsumer/events``; without a bound, records would pile up in
/// the unbounded event stream. While more than ``limit`` bytes (keys + values) are outstanding, the poll loop skips
/// `rd_kafka_consumer_poll` for a moment and only serves its log, statistics and commit queues; it polls again as
/// soon as the layer above has taken enough. Records then simply wait in librdkafka's own bounded prefetch queue
/// (`queued.max.messages.kbytes`), with no partition paused and nothing re-fetched.
///
/// - Important: This is short-term flow control between two threads, bounded by how fast the layer above takes
///   records in (it must keep reading ``KafkaConsumer/events`` and report with ``KafkaConsumer/recordsTaken(_:)``).
///   Backpressure from a slow sink is the layer above pausing partitions. As a safety net, a loop held longer than
///   ``maximumHold`` polls anyway (and logs), so `max.poll.interval.ms` is never at risk.
final class HandoffControl: Sendable {
    /// The most bytes outstanding before polling holds (`Int.max`: no bound).
    let limit: Int
    /// The longest the poll loop holds before polling anyway.
    let maximumHold: Duration
    private let outstanding = Atomic<Int>(0)

    init(limit: Int?, maximumHold: Duration) {
        self.limit = limit.map { max(1, $0) } ?? .max
        self.maximumHold = maximumHold
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

    /// Whether the poll loop should hold instead of fetching more records.
    var isOverLimit: Bool { limit != .max && outstanding.load(ordering: .relaxed) > limit }
}
