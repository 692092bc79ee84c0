import TestSupport
import Testing

@testable import RdKafka

/// The hand-over bound of ``KafkaConsumer/events``, driven through the real `NIOAsyncSequenceProducer` (no broker).
@Suite struct HandoffLevelTests {
    private static func records(bytes: Int) -> KafkaConsumerEvent {
        let value = Array(repeating: UInt8(ascii: "a"), count: bytes)
        return .records([KafkaRecord(topic: "t", partition: 0, offset: 0, key: nil, value: value)])
    }

    @Test func bytesAreCountedPerEventAndTheWatermarksHoldAndRelease() async {
        let (events, sink) = ConsumerEventSink.make(limit: 100)
        var reader = events.makeAsyncIterator()
        #expect(sink.yield(Self.records(bytes: 40), bytes: 40))
        #expect(sink.yield(.error(KafkaError(kind: .librdkafka, message: "not records")), bytes: 0))
        #expect(sink.yield(Self.records(bytes: 40), bytes: 40))
        #expect(sink.level.bufferedBytes == 80)
        #expect(sink.level.wantsMore)
        #expect(sink.yield(Self.records(bytes: 40), bytes: 40))
        #expect(sink.level.bufferedBytes == 120)
        #expect(!sink.level.wantsMore, "over the limit: hold")

        _ = await reader.next()
        #expect(sink.level.bufferedBytes == 80)
        #expect(!sink.level.wantsMore, "above half the limit: still held")
        _ = await reader.next()
        #expect(sink.level.bufferedBytes == 80, "an event that holds no records counts for nothing")
        #expect(!sink.level.wantsMore)
        _ = await reader.next()
        #expect(sink.level.bufferedBytes == 40)
        #expect(sink.level.wantsMore, "at half the limit: release")
        _ = await reader.next()
        #expect(sink.level.bufferedBytes == 0)
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func randomYieldsAndTakesKeepTheCountExact(seed: UInt64) async {
        var random = SeededGenerator(seed: seed)
        let limit = 1000
        let (events, sink) = ConsumerEventSink.make(limit: limit)
        var reader = events.makeAsyncIterator()
        var waiting: [Int] = []
        var held = false
        for _ in 0..<2000 {
            if waiting.isEmpty || Bool.random(using: &random) {
                let bytes = Int.random(in: 0...300, using: &random)
                #expect(sink.yield(Self.records(bytes: bytes), bytes: bytes))
                waiting.append(bytes)
            } else {
                guard case .records(let records) = await reader.next() else {
                    Issue.record("not the event yielded")
                    return
                }
                #expect(records.first?.value?.count == waiting.removeFirst(), "events come out in order")
            }
            let total = waiting.reduce(0, +)
            if total > limit { held = true } else if total <= limit / 2 { held = false }
            #expect(sink.level.bufferedBytes == total)
            #expect(sink.level.wantsMore == !held)
        }
    }

    /// An event yielded while the reader waits goes straight to it, without passing through the buffer: it must not
    /// stay counted (the reader here takes one event and asks for no more, so nothing else would uncount it).
    @Test func anEventHandedStraightToAWaitingReaderIsNotCounted() async throws {
        for _ in 0..<50 {
            let (events, sink) = ConsumerEventSink.make(limit: 100)
            var iterator = events.makeAsyncIterator()
            let producer = Task {
                // This test's task is usually suspended in `next()` by now (either way the count must end at zero).
                for _ in 0..<10 { await Task.yield() }
                sink.yield(Self.records(bytes: 80), bytes: 80)
            }
            #expect(await iterator.next() != nil)
            await producer.value
            #expect(sink.level.bufferedBytes == 0)
            #expect(sink.level.wantsMore)
            withExtendedLifetime(iterator) {}
        }
    }

    @Test func aReaderThatGoesAwayLiftsTheHoldAndLaterEventsAreDropped() async {
        let (events, sink) = ConsumerEventSink.make(limit: 10)
        var reader: KafkaConsumerEvents.AsyncIterator? = events.makeAsyncIterator()
        #expect(sink.yield(Self.records(bytes: 50), bytes: 50))
        #expect(!sink.level.wantsMore)
        _ = reader
        reader = nil
        #expect(sink.level.wantsMore, "nobody reads: nothing to hold for")
        #expect(sink.level.bufferedBytes == 0)
        #expect(!sink.yield(Self.records(bytes: 50), bytes: 50), "an event nobody can read is dropped")
    }
}
