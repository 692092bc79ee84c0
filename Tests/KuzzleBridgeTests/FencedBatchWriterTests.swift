import AsyncHTTPClient
import Kuzzle
import KuzzleStandIn
import Logging
import Testing

@testable import BridgeCore
@testable import KuzzleBridge

/// The writer with the external-version fence, against the Kuzzle stand-in over a socket: fenced batches go through
/// bulk:import with versions, a replay is answered 409 and counted `fenced_stale`, and a created collection gets
/// `index.gc_deletes`.
@Suite(.timeLimit(.minutes(2))) struct FencedBatchWriterTests {
    static let target = BatchWriterTests.target

    /// A fenced batch of (id, action, body, offset) events; each event's version is its offset.
    static func fencedBatch(_ events: [(String, DocumentAction, String?, Int64)]) -> DocumentBatch {
        var batch = DocumentBatch(id: .init(rawValue: 1), target: target, openedAt: .now, requestOverhead: 20)
        for (id, action, body, offset) in events {
            var event = DocumentEvent(
                source: EventSource(topic: "orders", partition: 0, offset: offset),
                target: target,
                id: id,
                action: action,
                body: body.map { ArraySlice($0.utf8) }
            )
            event.externalVersion = offset
            batch.add(event, encodedSize: 60 + (body?.utf8.count ?? 0))
        }
        return batch
    }

    @Test func aFencedBatchGoesThroughImportWithVersionsAndItsReplayIsCountedStale() async throws {
        try await BatchWriterTests.withWriter(route: .auto) { server, writer in
            let batch = Self.fencedBatch([
                ("a", .write, #"{"v":1}"#, 10), ("b", .write, #"{"v":2}"#, 11), ("a", .write, #"{"v":3}"#, 12),
                ("gone", .delete, nil, 13),
            ])
            #expect(batch.isCreateOrReplaceOnly == false)
            let first = await BatchWriterTests.write(batch, with: writer)
            #expect(first.isFinished)
            #expect(first.rejections.isEmpty)
            #expect(first.fencedStale == 0)
            #expect(server.counters.requests["bulk:import"] == 1)
            #expect(server.counters.requests["bulk:mWrite"] == nil)
            let stored = server.documents(index: "shop", collection: "orders")
            #expect(stored["a"]?.version == 12)
            #expect(stored["b"]?.version == 11)
            #expect(BatchWriterTests.stored(server, "a")?.contains(#""v":3"#) == true)

            let replay = await BatchWriterTests.write(batch, with: writer)
            #expect(replay.isFinished)
            #expect(replay.rejections.isEmpty)
            #expect(replay.fencedStale == 3, "a, b and the tombstoned delete answered 409")
            #expect(replay.retries == 0)
            #expect(replay.outcome.fencedStale == 3)
            #expect(server.counters.versionConflicts == 3)
            #expect(server.documents(index: "shop", collection: "orders")["a"]?.version == 12)
        }
    }

    @Test func anOnlyWriteFencedBatchStillAvoidsMWrite() async throws {
        try await BatchWriterTests.withWriter(route: .auto) { server, writer in
            let batch = Self.fencedBatch([("a", .write, #"{"v":1}"#, 5)])
            #expect(batch.isCreateOrReplaceOnly)
            let report = await BatchWriterTests.write(batch, with: writer)
            #expect(report.isFinished)
            #expect(server.counters.requests["bulk:mWrite"] == nil)
            #expect(server.documents(index: "shop", collection: "orders")["a"]?.version == 5)
        }
    }

    @Test func aCreatedFencedCollectionGetsGCDeletes() async throws {
        try await BatchWriterTests.withWriter(createMissingCollections: true, collections: []) { server, writer in
            var writer = writer
            var settings = WriterSettings()
            settings.fence = .offset
            settings.fenceGCDeletes = .seconds(2)
            writer.collectionSettings = settings.fencedCollectionSettings
            let report = await BatchWriterTests.write(Self.fencedBatch([("a", .write, #"{"v":1}"#, 3)]), with: writer)
            #expect(report.isFinished)
            #expect(server.gcDeletes(index: "shop", collection: "orders") == .seconds(2))
        }
    }
}
