import BridgeCore
import Testing

@Suite struct BatchAccumulatorTests {
    let start = ContinuousClock.now
    let shop = DocumentTarget(index: "shop", collection: "orders")
    let other = DocumentTarget(index: "shop", collection: "users")

    func sealed(_ actions: [BatchAccumulator.Action]) -> [(DocumentBatch, BatchAccumulator.SealReason)] {
        actions.map { action in
            switch action {
            case .seal(let batch, let reason): (batch, reason)
            }
        }
    }

    @Test func aBatchIsSealedWhenItReachesTheDocumentLimit() {
        var accumulator = BatchAccumulator(limits: BatchLimits(maximumDocuments: 3, maximumBytes: 10_000))
        #expect(accumulator.append(Fixture.event("a", offset: 1), encodedSize: 10, now: start).isEmpty)
        #expect(accumulator.append(Fixture.event("b", offset: 2), encodedSize: 10, now: start).isEmpty)
        let result = sealed(accumulator.append(Fixture.event("c", offset: 3), encodedSize: 10, now: start))
        #expect(result.count == 1)
        #expect(result.first?.1 == .documents)
        #expect(result.first?.0.operations.map(\.id) == ["a", "b", "c"])
        #expect(accumulator.isEmpty)
    }

    @Test func theRequestBodySizeCountsTheOverheadAndEveryOperation() {
        var accumulator = BatchAccumulator(limits: BatchLimits(maximumBytes: 100), requestOverhead: 20)
        #expect(accumulator.append(Fixture.event("a", offset: 1), encodedSize: 30, now: start).isEmpty)
        #expect(accumulator.append(Fixture.event("b", offset: 2), encodedSize: 30, now: start).isEmpty)
        // 20 + 30 + 30 + 30 = 110 > 100: the open batch is sealed first, the event starts a new one.
        let result = sealed(accumulator.append(Fixture.event("c", offset: 3), encodedSize: 30, now: start))
        #expect(result.map(\.1) == [.bytes])
        #expect(result.first?.0.encodedBytes == 80)
        #expect(result.first?.0.operations.map(\.id) == ["a", "b"])
        #expect(accumulator.openBatchCount == 1)
        // Exactly at the limit seals at once.
        let exact = sealed(accumulator.append(Fixture.event("d", offset: 4), encodedSize: 50, now: start))
        #expect(exact.map(\.1) == [.bytes])
        #expect(exact.first?.0.encodedBytes == 100)
    }

    @Test func anOversizedEventGoesAloneAfterTheOpenBatchOfItsTarget() {
        var accumulator = BatchAccumulator(limits: BatchLimits(maximumBytes: 100), requestOverhead: 20)
        _ = accumulator.append(Fixture.event("a", offset: 1), encodedSize: 10, now: start)
        let result = sealed(accumulator.append(Fixture.event("big", offset: 2), encodedSize: 500, now: start))
        #expect(result.map(\.1) == [.bytes, .oversizedDocument])
        #expect(result.map { $0.0.operations.map(\.id) } == [["a"], ["big"]])
        #expect(result[0].0.id < result[1].0.id)
    }

    @Test func batchesAreSealedByAgeAndTheDeadlineFollowsTheOldest() {
        var accumulator = BatchAccumulator(limits: BatchLimits(maximumWait: .milliseconds(200)))
        #expect(accumulator.nextDeadline == nil)
        _ = accumulator.append(Fixture.event("a", target: shop, offset: 1), encodedSize: 10, now: start)
        _ = accumulator.append(
            Fixture.event("b", target: other, offset: 2),
            encodedSize: 10,
            now: start + .milliseconds(50)
        )
        #expect(accumulator.nextDeadline == start + .milliseconds(200))
        #expect(accumulator.tick(now: start + .milliseconds(199)).isEmpty)
        let first = sealed(accumulator.tick(now: start + .milliseconds(200)))
        #expect(first.map(\.0.target) == [shop])
        #expect(first.map(\.1) == [.age])
        #expect(accumulator.nextDeadline == start + .milliseconds(250))
        #expect(sealed(accumulator.tick(now: start + .seconds(1))).map(\.0.target) == [other])
        #expect(accumulator.nextDeadline == nil)
    }

    @Test func aBatchIsDueMaximumWaitAfterItsOldestEventWasProduced() {
        var accumulator = BatchAccumulator(limits: BatchLimits(maximumWait: .milliseconds(200)))
        // Produced 150 ms before it arrived: 50 ms left.
        _ = accumulator.append(Fixture.event("a", offset: 1), encodedSize: 10, now: start, age: .milliseconds(150))
        #expect(accumulator.nextDeadline == start + .milliseconds(50))
        #expect(accumulator.tick(now: start + .milliseconds(49)).isEmpty)
        #expect(sealed(accumulator.tick(now: start + .milliseconds(50))).map(\.1) == [.age])

        // A later, older event brings the batch's deadline forward; a younger one never pushes it back.
        _ = accumulator.append(Fixture.event("b", offset: 2), encodedSize: 10, now: start, age: .milliseconds(10))
        _ = accumulator.append(
            Fixture.event("c", offset: 3),
            encodedSize: 10,
            now: start + .milliseconds(20),
            age: .milliseconds(120)
        )
        #expect(accumulator.nextDeadline == start + .milliseconds(100))
        _ = accumulator.append(Fixture.event("d", offset: 4), encodedSize: 10, now: start + .milliseconds(30))
        #expect(accumulator.nextDeadline == start + .milliseconds(100))
    }

    @Test func anEventThatArrivesOldOrFromAClockAheadKeepsTheWaitBetweenAQuarterAndTheWhole() {
        var accumulator = BatchAccumulator(limits: BatchLimits(maximumWait: .milliseconds(200)))
        // A backlog: produced 5 s ago. The batch still gets a quarter of max_wait to fill.
        _ = accumulator.append(
            Fixture.event("a", target: shop, offset: 1),
            encodedSize: 10,
            now: start,
            age: .seconds(5)
        )
        #expect(accumulator.nextDeadline == start + .milliseconds(50))
        _ = accumulator.tick(now: start + .milliseconds(50))
        // A producer clock 1 s ahead of ours: a negative age counts as 0.
        _ = accumulator.append(
            Fixture.event("b", target: other, offset: 2),
            encodedSize: 10,
            now: start,
            age: .seconds(-1)
        )
        #expect(accumulator.nextDeadline == start + .milliseconds(200))
    }

    @Test func eventsAreGroupedPerIndexAndCollection() {
        var accumulator = BatchAccumulator(limits: BatchLimits())
        _ = accumulator.append(Fixture.event("a", target: shop, offset: 1), encodedSize: 10, now: start)
        _ = accumulator.append(Fixture.event("b", target: other, offset: 2), encodedSize: 10, now: start)
        _ = accumulator.append(Fixture.event("c", target: shop, offset: 3), encodedSize: 10, now: start)
        let result = sealed(accumulator.sealAll())
        #expect(result.map(\.0.target) == [shop, other])
        #expect(result.map { $0.0.operations.map(\.id) } == [["a", "c"], ["b"]])
        #expect(result.allSatisfy { $0.1 == .shutdown })
    }

    @Test func aLaterWriteOfTheSameIdReplacesTheEarlierButKeepsItsOffset() throws {
        var accumulator = BatchAccumulator(limits: BatchLimits(), requestOverhead: 5)
        _ = accumulator.append(Fixture.event("a", offset: 1), encodedSize: 10, now: start)
        _ = accumulator.append(Fixture.event("b", offset: 2), encodedSize: 10, now: start)
        _ = accumulator.append(Fixture.event("a", offset: 3), encodedSize: 14, now: start)
        let batch = try #require(sealed(accumulator.sealAll()).first?.0)
        #expect(batch.operations.map(\.id) == ["a", "b"])
        #expect(batch.operations.first?.source.offset == 3)
        #expect(batch.sources.map(\.offset) == [1, 2, 3])
        #expect(batch.encodedBytes == 5 + 14 + 10)
        #expect(batch.isCreateOrReplaceOnly)
    }

    @Test func aReplacingWriteIsSizedAsAReplacementNearTheByteLimit() throws {
        var accumulator = BatchAccumulator(limits: BatchLimits(maximumBytes: 100), requestOverhead: 20)
        _ = accumulator.append(Fixture.event("a", offset: 1), encodedSize: 30, now: start)
        _ = accumulator.append(Fixture.event("b", offset: 2), encodedSize: 30, now: start)
        // Appended, 35 more bytes would make 115; replacing a's 30 makes 85: the batch stays open.
        #expect(accumulator.append(Fixture.event("a", offset: 3), encodedSize: 35, now: start).isEmpty)
        // Replacing a's 35 with 60 would make 105: the open batch is sealed first.
        let result = sealed(accumulator.append(Fixture.event("a", offset: 4), encodedSize: 60, now: start))
        #expect(result.map(\.1) == [.bytes])
        #expect(result.first?.0.encodedBytes == 85)
        #expect(result.first?.0.sources.map(\.offset) == [1, 2, 3])
    }

    @Test func aWriteAfterADeleteOfTheSameIdIsNotMerged() throws {
        var accumulator = BatchAccumulator(limits: BatchLimits())
        _ = accumulator.append(Fixture.event("a", offset: 1), encodedSize: 10, now: start)
        _ = accumulator.append(Fixture.event("a", .delete, offset: 2), encodedSize: 10, now: start)
        _ = accumulator.append(Fixture.event("a", offset: 3), encodedSize: 10, now: start)
        _ = accumulator.append(Fixture.event("a", offset: 4), encodedSize: 10, now: start)
        let batch = try #require(sealed(accumulator.sealAll()).first?.0)
        #expect(batch.operations.map(\.action) == [.write, .delete, .write])
        #expect(batch.operations.map(\.source.offset) == [1, 2, 4])
        #expect(batch.sources.count == 4)
        #expect(!batch.isCreateOrReplaceOnly)
    }

    @Test(arguments: [DocumentAction.create, .update, .delete])
    func anyActionOtherThanWriteMakesTheBatchNeedImport(_ action: DocumentAction) throws {
        var accumulator = BatchAccumulator(limits: BatchLimits())
        _ = accumulator.append(Fixture.event("a", offset: 1), encodedSize: 10, now: start)
        _ = accumulator.append(Fixture.event("b", action, offset: 2), encodedSize: 10, now: start)
        let batch = try #require(sealed(accumulator.sealAll()).first?.0)
        #expect(!batch.isCreateOrReplaceOnly)
        #expect(batch.documentCount == 2)
    }

    @Test func revokingPartitionsSealsOnlyTheBatchesHoldingTheirEvents() {
        var accumulator = BatchAccumulator(limits: BatchLimits())
        _ = accumulator.append(Fixture.event("a", target: shop, partition: 0, offset: 1), encodedSize: 10, now: start)
        _ = accumulator.append(Fixture.event("b", target: other, partition: 1, offset: 1), encodedSize: 10, now: start)
        _ = accumulator.append(Fixture.event("c", target: other, partition: 2, offset: 1), encodedSize: 10, now: start)
        let revoked: Set = [TopicPartition(topic: Fixture.topic, partition: 2)]
        let result = sealed(accumulator.seal(partitions: revoked))
        #expect(result.map(\.0.target) == [other])
        #expect(result.map(\.1) == [.revocation])
        #expect(
            result.first?.0.partitions == [
                TopicPartition(topic: Fixture.topic, partition: 1), TopicPartition(topic: Fixture.topic, partition: 2),
            ]
        )
        #expect(accumulator.openBatchCount == 1)
        #expect(accumulator.seal(partitions: revoked).isEmpty)
    }

    @Test func retriesResendFailedOperationsAndTheLaterOnesOfTheSameId() throws {
        var accumulator = BatchAccumulator(limits: BatchLimits())
        for (offset, (id, action)) in [
            ("a", DocumentAction.write), ("b", .write), ("a", .delete), ("c", .write),
            ("a", .create),
        ].enumerated() {
            _ = accumulator.append(Fixture.event(id, action, offset: Int64(offset)), encodedSize: 10, now: start)
        }
        let batch = try #require(sealed(accumulator.sealAll()).first?.0)
        #expect(batch.operations.map(\.id) == ["a", "b", "a", "c", "a"])
        #expect(batch.retryPositions(afterFailuresAt: [0]) == [0, 2, 4])
        #expect(batch.retryPositions(afterFailuresAt: [2, 1]) == [1, 2, 4])
        #expect(batch.retryPositions(afterFailuresAt: [3]) == [3])
        #expect(batch.retryPositions(afterFailuresAt: [9]).isEmpty)
    }
}

/// A write only bulk:mWrite can carry never shares a batch with an event bulk:mWrite cannot carry.
@Suite struct BatchAccumulatorRouteTests {
    let start = ContinuousClock.now
    let limits = BatchLimits(maximumDocuments: 100, maximumBytes: 100_000)

    func event(
        _ id: String,
        _ action: DocumentAction = .write,
        offset: Int64,
        hazard: ImportHazard = .none
    )
        -> DocumentEvent
    {
        var event = Fixture.event(id, action, offset: offset)
        event.importHazard = hazard
        return event
    }

    func sealed(_ actions: [BatchAccumulator.Action]) -> [(DocumentBatch, BatchAccumulator.SealReason)] {
        actions.map { action in
            switch action {
            case .seal(let batch, let reason): (batch, reason)
            }
        }
    }

    @Test("a non-write after an mWrite-only write seals the batch first; the event opens the next one")
    func nonWriteAfterMWriteOnlyWrite() {
        for action in [DocumentAction.create, .update, .delete] {
            var accumulator = BatchAccumulator(limits: limits)
            #expect(accumulator.append(event("a", offset: 1), encodedSize: 10, now: start).isEmpty)
            #expect(accumulator.append(event("b", offset: 2, hazard: .scriptKey), encodedSize: 10, now: start).isEmpty)
            #expect(accumulator.append(event("c", offset: 3), encodedSize: 10, now: start).isEmpty)
            let result = sealed(accumulator.append(event("b", action, offset: 4), encodedSize: 10, now: start))
            #expect(result.map(\.1) == [.mixedRoutes], "\(action)")
            #expect(result.first?.0.operations.map(\.id) == ["a", "b", "c"])
            #expect(result.first?.0.isCreateOrReplaceOnly == true)
            let rest = sealed(accumulator.sealAll())
            #expect(rest.map { $0.0.operations.map(\.source.offset) } == [[4]])
            #expect(result[0].0.id < rest[0].0.id, "first in, first sealed: per-id order holds")
        }
    }

    @Test("an mWrite-only write after a non-write seals the batch first")
    func mWriteOnlyWriteAfterNonWrite() {
        for hazard in [ImportHazard.scriptKey, .onlyActionNameKeys] {
            var accumulator = BatchAccumulator(limits: limits)
            _ = accumulator.append(event("a", offset: 1), encodedSize: 10, now: start)
            _ = accumulator.append(event("b", .delete, offset: 2), encodedSize: 10, now: start)
            let result = sealed(accumulator.append(event("c", offset: 3, hazard: hazard), encodedSize: 10, now: start))
            #expect(result.map(\.1) == [.mixedRoutes])
            #expect(result.first?.0.operations.map(\.id) == ["a", "b"])
            let rest = sealed(accumulator.sealAll())
            #expect(rest.map { $0.0.operations.map(\.id) } == [["c"]])
            #expect(rest.first?.0.isCreateOrReplaceOnly == true)
        }
    }

    @Test("writes of any kind mix freely, and so do ordinary writes and other actions")
    func noSealWithoutAConflict() {
        var accumulator = BatchAccumulator(limits: limits)
        _ = accumulator.append(event("a", offset: 1, hazard: .scriptKey), encodedSize: 10, now: start)
        _ = accumulator.append(event("b", offset: 2, hazard: .firstKeyIsActionName), encodedSize: 10, now: start)
        _ = accumulator.append(event("c", offset: 3, hazard: .onlyActionNameKeys), encodedSize: 10, now: start)
        _ = accumulator.append(event("d", offset: 4), encodedSize: 10, now: start)
        #expect(accumulator.openBatchCount == 1)
        var other = BatchAccumulator(limits: limits)
        _ = other.append(event("a", offset: 1, hazard: .firstKeyIsActionName), encodedSize: 10, now: start)
        _ = other.append(event("b", .update, offset: 2), encodedSize: 10, now: start)
        _ = other.append(event("c", .delete, offset: 3), encodedSize: 10, now: start)
        #expect(other.openBatchCount == 1)
        #expect(sealed(other.sealAll()).first?.0.documentCount == 3)
    }

    @Test("once its batch is sealed, an mWrite-only write no longer affects the next batch of its target")
    func sealingForgetsTheWrite() {
        var accumulator = BatchAccumulator(limits: BatchLimits(maximumDocuments: 2, maximumBytes: 100_000))
        _ = accumulator.append(event("a", offset: 1, hazard: .scriptKey), encodedSize: 10, now: start)
        #expect(sealed(accumulator.append(event("b", offset: 2), encodedSize: 10, now: start)).map(\.1) == [.documents])
        #expect(accumulator.append(event("c", .delete, offset: 3), encodedSize: 10, now: start).isEmpty)
        #expect(accumulator.append(event("d", .update, offset: 4), encodedSize: 10, now: start).count == 1)
    }
}
