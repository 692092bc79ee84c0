import Testing

@testable import BridgeCore

/// Issue 14 item 2: ids are compared as UTF-8 bytes, as Kuzzle and Elasticsearch compare them, never by Swift's
/// canonical equivalence.
@Suite struct DocumentIDBytesTests {
    static let composed = "caf\u{E9}"  // "café", é as one scalar (NFC)
    static let decomposed = "cafe\u{301}"  // "café", e + combining acute (NFD)

    @Test func canonicallyEquivalentIdsAreDifferentDocumentsInABatch() {
        #expect(Self.composed == Self.decomposed, "Swift strings compare canonically")
        var batch = DocumentBatch(
            id: .init(rawValue: 1),
            target: DocumentTarget(index: "shop", collection: "orders"),
            openedAt: .now,
            requestOverhead: 0
        )
        batch.add(Fixture.event(Self.composed, offset: 1), encodedSize: 10)
        batch.add(Fixture.event(Self.decomposed, offset: 2), encodedSize: 10)
        #expect(batch.documentCount == 2)
        #expect(batch.operations.map { Array($0.id.utf8) } == [Array(Self.composed.utf8), Array(Self.decomposed.utf8)])
        // A retry of one does not drag the other along.
        #expect(batch.retryPositions(afterFailuresAt: [0]) == [0])
    }

    @Test func theSchedulerLetsCanonicallyEquivalentIdsTravelTogether() {
        let target = DocumentTarget(index: "shop", collection: "orders")
        var first = DocumentBatch(id: .init(rawValue: 1), target: target, openedAt: .now, requestOverhead: 0)
        first.add(Fixture.event(Self.composed, offset: 1), encodedSize: 10)
        var second = DocumentBatch(id: .init(rawValue: 2), target: target, openedAt: .now, requestOverhead: 0)
        second.add(Fixture.event(Self.decomposed, offset: 2), encodedSize: 10)
        #expect(!first.sharesDocument(with: second))
        var scheduler = WriteScheduler(maximumConcurrentBatches: 4)
        #expect(scheduler.enqueue(first).count == 1)
        #expect(scheduler.enqueue(second).count == 1, "different ids: the second batch is not held back")
    }
}
