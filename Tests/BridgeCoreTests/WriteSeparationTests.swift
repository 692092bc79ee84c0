import Testing

@testable import BridgeCore

/// `writer.notify` under `auto` (issue 17): writes never share a batch with creates, updates and deletes, so that
/// whether a write is notified (bulk:mWrite) does not depend on the events around it; per-id order holds (batches of a
/// target are sealed, and leave, in order).
@Suite struct WriteSeparationTests {
    let start = ContinuousClock.now
    var limits: BatchLimits {
        var limits = BatchLimits(maximumDocuments: 100, maximumBytes: 100_000)
        limits.separatesWrites = true
        return limits
    }

    func sealed(_ actions: [BatchAccumulator.Action]) -> [(DocumentBatch, BatchAccumulator.SealReason)] {
        actions.map { action in
            switch action {
            case .seal(let batch, let reason): (batch, reason)
            }
        }
    }

    @Test func aWriteAfterAnotherActionSealsAndViceVersa() {
        var accumulator = BatchAccumulator(limits: limits)
        var batches: [(DocumentBatch, BatchAccumulator.SealReason)] = []
        let events: [(String, DocumentAction)] = [
            ("a", .write), ("b", .write), ("a", .delete), ("c", .update), ("a", .write), ("d", .create),
        ]
        for (offset, (id, action)) in events.enumerated() {
            batches += sealed(
                accumulator.append(Fixture.event(id, action, offset: Int64(offset)), encodedSize: 10, now: start)
            )
        }
        batches += sealed(accumulator.sealAll())
        #expect(batches.map { $0.0.operations.map(\.source.offset) } == [[0, 1], [2, 3], [4], [5]])
        #expect(batches.map(\.1) == [.mixedRoutes, .mixedRoutes, .mixedRoutes, .shutdown])
        #expect(batches.map(\.0.isCreateOrReplaceOnly) == [true, false, true, false])
        #expect(zip(batches, batches.dropFirst()).allSatisfy { $0.0.id < $1.0.id }, "sealed in arrival order")
    }

    @Test func withoutSeparationWritesAndDeletesShareABatch() {
        var accumulator = BatchAccumulator(limits: BatchLimits(maximumDocuments: 100, maximumBytes: 100_000))
        _ = accumulator.append(Fixture.event("a", .write, offset: 1), encodedSize: 10, now: start)
        _ = accumulator.append(Fixture.event("b", .delete, offset: 2), encodedSize: 10, now: start)
        _ = accumulator.append(Fixture.event("c", .write, offset: 3), encodedSize: 10, now: start)
        #expect(sealed(accumulator.sealAll()).map(\.0.documentCount) == [3])
    }
}

@Suite struct RequestVolatileTests {
    @Test func onePartitionIsFlat() {
        let sources = [12, 10, 11].map { EventSource(topic: "orders", partition: 2, offset: Int64($0)) }
        #expect(
            RequestVolatile.json(instance: "g@host", sources: sources)
                == #"{"bridge":"g@host","topic":"orders","partition":2,"firstOffset":10,"lastOffset":12}"#
        )
    }

    @Test func severalPartitionsAreListedInOrder() {
        let sources = [
            EventSource(topic: "b", partition: 0, offset: 5), EventSource(topic: "a", partition: 1, offset: 7),
            EventSource(topic: "a", partition: 1, offset: 3), EventSource(topic: "a", partition: 0, offset: 9),
        ]
        #expect(
            RequestVolatile.json(instance: "i", sources: sources)
                == #"{"bridge":"i","partitions":[{"topic":"a","partition":0,"firstOffset":9,"lastOffset":9},"#
                + #"{"topic":"a","partition":1,"firstOffset":3,"lastOffset":7},"#
                + #"{"topic":"b","partition":0,"firstOffset":5,"lastOffset":5}]}"#
        )
    }

    @Test func theInstanceIsEscapedToPlainASCII() {
        let json = RequestVolatile.json(
            instance: "a\"b\\c\né",
            sources: [EventSource(topic: "t", partition: 0, offset: 1)]
        )
        #expect(json.hasPrefix(#"{"bridge":"a\"b\\c\n\u00e9","#))
        #expect(json.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F })
    }
}
