import NIOCore
import Synchronization

/// The bytes of records handed over on ``KafkaConsumer/events`` and not yet taken by the reader, and whether the poll
/// loop should hold the assigned partitions because of them.
///
/// The poll thread is faster than any reader; without a bound, records would pile up in the event sequence. The
/// sequence's buffer is the hand-over: ``HandoffWatermarks`` (its back-pressure strategy) tells this level what it
/// yields and what the reader takes, as it happens, under the sequence's own lock. Once more than ``limit`` bytes
/// (keys + values) wait in it, ``wantsMore`` turns false and the poll loop pauses the assigned partitions; once the
/// reader has taken enough to be back at half the limit, it turns true and the poll loop resumes them
/// (``PartitionPauses`` keeps these pauses apart from the layer above's own). Polling never stops, so librdkafka's
/// pre-fetch queue never fills up (which in 2.0.2 stops fetching for a whole second).
///
/// - Important: This is short-term flow control between two threads, bounded by how fast the reader takes events.
///   Backpressure from a slow sink is the layer above pausing partitions.
final class HandoffLevel: Sendable {
    /// The most bytes waiting before the partitions are held (`Int.max`: no bound).
    let limit: Int
    /// Whether the poll loop may fetch: read once per loop iteration, without a lock.
    private let wantsMoreFlag = Atomic<Bool>(true)
    private let state = Mutex(State())

    private struct State {
        /// The size of each event in the sequence's buffer, oldest first (0 for events that hold no records).
        var sizes = CircularBuffer<Int>(initialCapacity: 16)
        /// The sum of ``sizes``.
        var bytes = 0
        /// The size of the event being yielded, set by the producer right before the yield.
        var pending = 0
        var wantsMore = true
    }

    init(limit: Int?) {
        self.limit = limit.map { max(1, $0) } ?? .max
    }

    /// The bytes one record counts for.
    @inline(__always)
    static func size(of record: KafkaRecord) -> Int {
        (record.key?.count ?? 0) + (record.value?.count ?? 0)
    }

    /// The bytes an event counts for (its records' keys and values; 0 for other events).
    static func size(of event: KafkaConsumerEvent) -> Int {
        guard case .records(let records) = event else { return 0 }
        return records.reduce(0) { $0 + size(of: $1) }
    }

    /// Whether the poll loop may fetch (false: hold the assigned partitions).
    var wantsMore: Bool { wantsMoreFlag.load(ordering: .relaxed) }

    /// The bytes waiting in the sequence's buffer.
    var bufferedBytes: Int { state.withLock { $0.bytes } }

    /// Announces the size of the event about to be yielded (the next ``didYield(bufferDepth:)`` counts it).
    func willYield(bytes: Int) {
        state.withLock { $0.pending = bytes }
    }

    /// An event was yielded: the sequence's buffer now holds `bufferDepth` events (the new one may already have gone
    /// straight to a waiting reader).
    func didYield(bufferDepth: Int) -> Bool {
        state.withLock { state in
            state.sizes.append(state.pending)
            state.bytes += state.pending
            state.pending = 0
            return settle(&state, bufferDepth: bufferDepth)
        }
    }

    /// The reader took an event (or asked for one): the buffer now holds `bufferDepth` events.
    func didConsume(bufferDepth: Int) -> Bool {
        state.withLock { settle(&$0, bufferDepth: bufferDepth) }
    }

    /// The reader is gone: nothing waits for it any more, so nothing is held for it.
    func readerGone() {
        state.withLock { state in
            state.sizes.removeAll()
            state.bytes = 0
            state.wantsMore = true
        }
        wantsMoreFlag.store(true, ordering: .relaxed)
    }

    /// Drops the sizes of the events the reader took (events leave the buffer oldest first), then applies the
    /// watermarks: above ``limit``, stop; at or below half of it, go on; in between, keep the current answer.
    private func settle(_ state: inout State, bufferDepth: Int) -> Bool {
        while state.sizes.count > bufferDepth { state.bytes -= state.sizes.removeFirst() }
        if state.bytes > limit {
            state.wantsMore = false
        } else if state.bytes <= limit / 2 {
            state.wantsMore = true
        }
        wantsMoreFlag.store(state.wantsMore, ordering: .relaxed)
        return state.wantsMore
    }
}

/// The back-pressure strategy of ``KafkaConsumer/events``: byte watermarks (NIO's own strategies count events, and an
/// event carries from one to ``KafkaConsumerConfiguration/maximumRecordsPerEvent`` records of any size).
struct HandoffWatermarks: NIOAsyncSequenceProducerBackPressureStrategy {
    let level: HandoffLevel

    mutating func didYield(bufferDepth: Int) -> Bool {
        level.didYield(bufferDepth: bufferDepth)
    }

    mutating func didConsume(bufferDepth: Int) -> Bool {
        level.didConsume(bufferDepth: bufferDepth)
    }
}

/// The delegate of ``KafkaConsumer/events``: the poll loop reads ``HandoffLevel/wantsMore`` on each iteration, so a
/// demand needs no call; the reader going away lifts the hold.
struct HandoffDelegate: NIOAsyncSequenceProducerDelegate {
    let level: HandoffLevel

    func produceMore() {}

    func didTerminate() {
        level.readerGone()
    }
}
