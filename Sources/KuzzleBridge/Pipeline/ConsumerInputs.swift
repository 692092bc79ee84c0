import RdKafka
import Synchronization

/// The Kafka consumer's events as pipeline inputs, ending with ``PipelineInput/consumerFinished``: the Kafka half of
/// the pipeline's merged input.
///
/// Records travel in a ``HandedRecords`` box. `merge` hands an element to the pipeline from its own child task, which
/// still holds its copy of the element for a moment; were that copy the records array itself, the pipeline's move of
/// each record out of the array would find it shared and copy every record first.
struct ConsumerInputs: AsyncSequence, Sendable {
    typealias Element = PipelineInput

    let events: KafkaConsumerEvents

    /// Reads the consumer's events one at a time (only when asked: the consumer's hand-over bound counts the rest).
    struct AsyncIterator: AsyncIteratorProtocol {
        var base: KafkaConsumerEvents.AsyncIterator
        var ended = false

        mutating func next() async -> PipelineInput? {
            guard !ended else { return nil }
            guard let event = await base.next() else {
                ended = true
                return .consumerFinished
            }
            switch consume event {
            case .records(let records): return .records(HandedRecords(records))
            case let other: return .kafka(other)
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: events.makeAsyncIterator())
    }
}

/// One poll's records on their way to the pipeline, taken out exactly once (see ``ConsumerInputs``).
final class HandedRecords: Sendable {
    private let records: Mutex<[KafkaRecord]>

    init(_ records: consuming [KafkaRecord]) {
        self.records = Mutex(records)
    }

    /// The records, moved out (a second call gets none).
    func take() -> [KafkaRecord] {
        records.withLock { records in
            var taken: [KafkaRecord] = []
            swap(&taken, &records)
            return taken
        }
    }
}
