import Kuzzle
import KuzzleStandIn
import Testing

@testable import BridgeCore
@testable import KuzzleBridge

/// The writer on `writer.route: document` against the stand-in: one action per request, the count cap kept per
/// collection across batches once a 413 taught it, the volatile header on every request.
@Suite(.timeLimit(.minutes(2))) struct DocumentRouteWriterTests {
    static func writes(_ range: Range<Int>) -> [(String, DocumentAction, String?)] {
        range.map { ("d\($0)", .write, #"{"n":\#($0)}"#) }
    }

    @Test func aLearnedCapIsKeptForTheCollectionsNextBatches() async throws {
        try await BatchWriterTests.withWriter(route: .document) { server, writer in
            server.setLimits(documentsWriteCount: 100)
            var writer = writer
            writer.instance = "g@test"
            let first = await writer.write(BatchWriterTests.batch(Self.writes(0..<300)))
            #expect(first.writtenPositions.count == 300)
            #expect(first.requests == 4, "200 refused with 413, then 100/100/100")
            #expect(writer.documentLimits.cap(for: BatchWriterTests.target) == 100)
            let second = await writer.write(BatchWriterTests.batch(Self.writes(300..<600)))
            #expect(second.writtenPositions.count == 300)
            #expect(second.requests == 3, "the next batch starts at the learned cap: no 413")
            #expect(server.counters.requests["document:mCreateOrReplace"] == 7)
            #expect(server.notifications.count == 600)
            #expect(server.notifications.allSatisfy { $0.volatileText?.hasPrefix(#"{"bridge":"g@test","#) == true })
        }
    }

    @Test func aMixedBatchGoesAsItsRunsInOrder() async throws {
        try await BatchWriterTests.withWriter(route: .document) { server, writer in
            let batch = BatchWriterTests.batch([
                ("a", .write, #"{"n":1}"#), ("b", .create, #"{"n":2}"#), ("a", .update, #"{"m":3}"#),
                ("b", .delete, nil), ("c", .delete, nil),
            ])
            let report = await writer.write(batch)
            #expect(report.writtenPositions == [0, 1, 2, 3, 4], "c was never there: its delete is done")
            #expect(report.rejections.isEmpty)
            #expect(report.requests == 4)
            #expect(server.notifications.map(\.action) == ["create", "create", "update", "delete"])
            let stored = server.documents(index: "shop", collection: "orders")
            #expect(stored.keys.sorted() == ["a"])
            #expect(stored["a"]?.bodyText.contains(#""m":3"#) == true)
        }
    }
}
