import NIOCore

/// What a ``KafkaConsumer`` reports, in order: a bounded asynchronous sequence with one reader.
///
/// The poll thread yields into it and never blocks on it. Its buffer is the hand-over between the two: while it holds
/// more than ``KafkaConsumerConfiguration/maximumHandoffBytes`` of records not yet taken by the reader, the poll loop
/// pauses the assigned partitions (polling goes on), and it resumes them once the reader has brought it back to half
/// of that (see ``HandoffLevel``). Taking an event with `next()` is all the reader does: nothing to report back.
///
/// The sequence ends after ``KafkaConsumer/close(timeout:)``. Only one iterator may be made. If the reader stops
/// (its task is cancelled, or the iterator is dropped), later events are dropped, and a revocation emitted then does
/// not wait for a reader.
public struct KafkaConsumerEvents: AsyncSequence, Sendable {
    /// The consumer's events.
    public typealias Element = KafkaConsumerEvent

    typealias Producer = NIOAsyncSequenceProducer<KafkaConsumerEvent, HandoffWatermarks, HandoffDelegate>

    let producer: Producer

    /// Reads the events one at a time.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: Producer.AsyncIterator

        /// The next event, or `nil` once the consumer is closed (or the reading task cancelled).
        public mutating func next() async -> KafkaConsumerEvent? {
            await base.next()
        }
    }

    /// Makes the sequence's only iterator.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: producer.makeAsyncIterator())
    }
}

/// The poll thread's end of ``KafkaConsumerEvents``: yields each event with its size in the hand-over bound.
struct ConsumerEventSink: Sendable {
    let source: KafkaConsumerEvents.Producer.Source
    let level: HandoffLevel

    /// Makes the sequence and its sink, bounded at `limit` bytes of records (`nil`: no bound).
    static func make(limit: Int?) -> (KafkaConsumerEvents, ConsumerEventSink) {
        let level = HandoffLevel(limit: limit)
        let made = KafkaConsumerEvents.Producer.makeSequence(
            elementType: KafkaConsumerEvent.self,
            backPressureStrategy: HandoffWatermarks(level: level),
            finishOnDeinit: false,
            delegate: HandoffDelegate(level: level)
        )
        return (KafkaConsumerEvents(producer: made.sequence), ConsumerEventSink(source: made.source, level: level))
    }

    /// Hands `event` over (the poll thread is the only caller); `false` when nobody reads the events any more.
    @discardableResult
    func yield(_ event: KafkaConsumerEvent, bytes: Int = 0) -> Bool {
        level.willYield(bytes: bytes)
        switch source.yield(event) {
        case .produceMore, .stopProducing: return true
        case .dropped: return false
        }
    }

    /// Ends the sequence (after the consumer closed); the reader still gets the events before the end.
    func finish() {
        source.finish()
    }
}
