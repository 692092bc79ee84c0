import Testing

@testable import BridgeCore

/// The core's handling of Debezium records that give no document: skipped and counted with their offsets completed,
/// truncates per policy.
@Suite struct DebeziumPipelineTests {
    static let heartbeat = #"{"ts_ms":1700000000999}"#

    static func receive(
        _ harness: inout CoreHarness,
        key: String?,
        value: String?,
        truncate: DebeziumRouting.TruncatePolicy = .skip
    ) {
        let offset = harness.nextOffset[0, default: 0]
        harness.nextOffset[0] = offset + 1
        let record = SourceRecord(
            topic: CoreHarness.topic,
            partition: 0,
            offset: offset,
            key: key.map { Array($0.utf8) },
            value: value.map { Array($0.utf8) }
        )
        let routing = TopicRouting(
            format: .debezium,
            defaultIndex: "shop",
            defaultCollection: "orders",
            debezium: DebeziumRouting(truncate: truncate)
        )
        var actions: [PipelineAction] = []
        harness.core.receive(record, bytes: 100, routing: routing, now: harness.now, age: .zero, into: &actions)
        harness.core.settle(now: harness.now, into: &actions)
        harness.apply(actions)
    }

    @Test func skippedRecordsAreCountedWarnedOnceAndCommitted() {
        var harness = CoreHarness(maximumDocuments: 1)
        harness.assign(0)
        Self.receive(&harness, key: #"{"serverName":"pg"}"#, value: Self.heartbeat)
        Self.receive(&harness, key: #"{"serverName":"pg"}"#, value: Self.heartbeat)
        #expect(harness.core.counters.skippedByTopic == [CoreHarness.topic: 2])
        let skips = harness.notices.compactMap { notice -> Bool? in
            if case .skipped(_, let first) = notice { return first }
            return nil
        }
        #expect(skips == [true, false])
        #expect(harness.deadLetterAttempts.isEmpty)
        #expect(harness.sent.isEmpty)
        harness.tick(after: .seconds(2))
        #expect(harness.committed[CoreHarness.partition(0)] == 2)
    }

    @Test func skippedRecordBetweenWritesDoesNotPassAnUnwrittenOne() throws {
        var harness = CoreHarness(maximumDocuments: 1)
        harness.assign(0)
        let row = DebeziumSamples.envelope(op: "c", after: #"{"id":1}"#)
        Self.receive(&harness, key: #"{"id":1}"#, value: row)
        Self.receive(&harness, key: #"{"serverName":"pg"}"#, value: Self.heartbeat)
        harness.tick(after: .seconds(2))
        #expect((harness.committed[CoreHarness.partition(0)] ?? 0) == 0)
        let batch = try #require(harness.inFlightBatches.first)
        harness.answer(batch.id)
        harness.tick(after: .seconds(2))
        #expect(harness.committed[CoreHarness.partition(0)] == 2)
    }

    @Test(arguments: DebeziumRouting.TruncatePolicy.allCases)
    func truncatesFollowThePolicy(_ policy: DebeziumRouting.TruncatePolicy) {
        var harness = CoreHarness(maximumDocuments: 1)
        harness.assign(0)
        Self.receive(&harness, key: nil, value: #"{"op":"t","ts_ms":1}"#, truncate: policy)
        #expect(harness.core.counters.truncatesByTopic == [CoreHarness.topic: 1])
        #expect(harness.core.counters.skippedByTopic.isEmpty)
        switch policy {
        case .skip:
            #expect(harness.deadLetterAttempts.isEmpty)
            #expect(harness.halted.isEmpty)
        case .deadLetter:
            #expect(harness.deadLetterAttempts.map(\.kind) == ["decoding:truncate"])
        case .halt:
            #expect(harness.halted[CoreHarness.partition(0)] != nil)
            #expect(harness.deadLetterAttempts.isEmpty)
        }
    }
}
