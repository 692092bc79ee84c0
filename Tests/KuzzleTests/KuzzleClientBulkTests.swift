import Kuzzle
import KuzzleStandIn
import Testing

@Suite(.timeLimit(.minutes(2))) struct KuzzleClientBulkTests {
    @Test func mWriteStoresEveryDocumentVerbatimAcrossConnectionsKuzzleCloses() async throws {
        try await withStandIn { server, client in
            // Real Kuzzle closes every connection: many sequential requests must each get a fresh one.
            for batch in 0..<20 {
                let operations = indexOperations(25, prefix: "b\(batch)-")
                let result = try await client.mWrite(index: "shop", collection: "orders", operations: operations)
                #expect(result.outcomes == Array(repeating: .written, count: 25))
            }
            let stored = server.documents(index: "shop", collection: "orders")
            #expect(stored.count == 500)
            #expect(stored["b7-3"]?.bodyText == #"{"n":3,"tag":"v1"}"#)
            #expect(stored["b7-3"]?.version == 1)
            #expect(server.counters.requests["bulk:mWrite"] == 20)
        }
    }

    @Test func mWriteWorksOverKeptAliveConnectionsToo() async throws {
        var standIn = StandInConfiguration(collections: [.init(index: "shop", collection: "orders")])
        standIn.connectionClose = false
        try await withStandIn(standIn) { server, client in
            for batch in 0..<10 {
                let result = try await client.mWrite(
                    index: "shop",
                    collection: "orders",
                    operations: indexOperations(5, prefix: "k\(batch)-")
                )
                #expect(result.writtenCount == 5)
            }
            #expect(server.documents(index: "shop", collection: "orders").count == 50)
        }
    }

    @Test func refreshAndNotifyOptionsAreAcceptedOnBothRoutes() async throws {
        try await withStandIn(client: { $0.refresh = .waitFor }) { server, client in
            let written = try await client.mWrite(
                index: "shop",
                collection: "orders",
                operations: indexOperations(3),
                options: KuzzleWriteOptions(notify: true)
            )
            #expect(written.writtenCount == 3)
            let imported = try await client.importBulk(
                index: "shop",
                collection: "orders",
                operations: indexOperations(2, prefix: "i"),
                options: KuzzleWriteOptions(refresh: KuzzleClientConfiguration.Refresh.none)
            )
            #expect(imported.writtenCount == 2)
            #expect(server.documents(index: "shop", collection: "orders").count == 5)
        }
    }

    @Test func concurrentMWritesOverOneSharedClientAllSucceed() async throws {
        try await withStandIn { server, client in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for batch in 0..<8 {
                    group.addTask {
                        try await client.mWrite(
                            index: "shop",
                            collection: "orders",
                            operations: indexOperations(50, prefix: "c\(batch)-")
                        ).writtenCount
                    }
                }
                var written = 0
                for try await count in group { written += count }
                #expect(written == 400)
            }
            #expect(server.documents(index: "shop", collection: "orders").count == 400)
        }
    }

    @Test func strictPartialFailureReportsListedDocumentsFailedAndTheRestWritten() async throws {
        try await withStandIn { server, client in
            server.faults.rejectDocuments(StandInDocumentRejection(field: "qty", value: "ten"))
            let operations = [
                KuzzleBulkOperation(id: "o1", action: .index, body: jsonBody(#"{"qty":3}"#)),
                KuzzleBulkOperation(id: "o2", action: .index, body: jsonBody(#"{"qty":"ten"}"#)),
                KuzzleBulkOperation(id: "o3", action: .index, body: jsonBody(#"{"qty":4}"#)),
                KuzzleBulkOperation(id: "o4", action: .index, body: jsonBody(#"{"qty":"ten","x":1}"#)),
            ]
            let result = try await client.mWrite(index: "shop", collection: "orders", operations: operations)
            #expect(result.outcomes[0] == .written)
            #expect(result.outcomes[2] == .written)
            for position in [1, 3] {
                guard case .failed(let failure) = result.outcomes[position] else {
                    Issue.record("operation \(position) should have failed")
                    continue
                }
                #expect(failure.status == 400)
                #expect(failure.disposition == .permanent)
                #expect(failure.reason.contains("failed to parse field [qty]"))
            }
            let stored = server.documents(index: "shop", collection: "orders")
            #expect(Set(stored.keys) == ["o1", "o3"])
            #expect(stored["o3"]?.bodyText == #"{"qty":4}"#)
        }
    }

    @Test func importRunsMixedActionsAndReportsIdempotentFailuresAsAlreadyDone() async throws {
        try await withStandIn { server, client in
            _ = try await client.mWrite(
                index: "shop",
                collection: "orders",
                operations: [
                    KuzzleBulkOperation(id: "existing", action: .index, body: jsonBody(#"{"qty":1,"state":"new"}"#)),
                    KuzzleBulkOperation(id: "doomed", action: .index, body: jsonBody(#"{"qty":9}"#)),
                ]
            )
            let operations = [
                KuzzleBulkOperation(id: "a1", action: .index, body: jsonBody(#"{"qty":1}"#)),
                KuzzleBulkOperation(id: "existing", action: .create, body: jsonBody(#"{"qty":2}"#)),
                KuzzleBulkOperation(id: "existing", action: .update, body: jsonBody(#"{"state":"paid"}"#)),
                KuzzleBulkOperation(id: "gone", action: .delete, body: nil),
                KuzzleBulkOperation(id: "doomed", action: .delete, body: nil),
                KuzzleBulkOperation(id: "ghost", action: .update, body: jsonBody(#"{"state":"paid"}"#)),
                KuzzleBulkOperation(id: "a2", action: .create, body: jsonBody(#"{"qty":5}"#)),
            ]
            let result = try await client.importBulk(index: "shop", collection: "orders", operations: operations)
            let dispositions = result.outcomes.map { outcome -> String in
                switch outcome {
                case .written: "written"
                case .failed(let failure): "\(failure.status) \(failure.disposition)"
                }
            }
            #expect(
                dispositions == [
                    "written", "409 alreadyDone", "written", "404 alreadyDone", "written", "404 alreadyDone", "written",
                ]
            )
            let stored = server.documents(index: "shop", collection: "orders")
            #expect(Set(stored.keys) == ["a1", "a2", "existing"])
            #expect(stored["existing"]?.bodyText.contains(#""state":"paid""#) == true)
            #expect(stored["existing"]?.bodyText.contains(#""qty":1"#) == true)
        }
    }

    @Test func missingCollectionIsAMissingTargetUntilCreated() async throws {
        try await withStandIn(StandInConfiguration()) { server, client in
            let missing = await kuzzleError {
                _ = try await client.mWrite(index: "fresh", collection: "events", operations: indexOperations(2))
            }
            #expect(missing?.kind == .missingTarget)
            #expect(missing?.status == 412)
            #expect(missing?.id == "services.storage.unknown_index")
            #expect(try await client.indexExists("fresh") == false)

            try await client.createCollection(index: "fresh", collection: "events", mappings: #"{"dynamic":"false"}"#)
            #expect(try await client.indexExists("fresh"))
            #expect(try await client.collectionExists(index: "fresh", collection: "events"))
            #expect(try await client.collectionExists(index: "fresh", collection: "other") == false)
            let missingCollection = await kuzzleError {
                _ = try await client.mWrite(index: "fresh", collection: "other", operations: indexOperations(1))
            }
            #expect(missingCollection?.id == "services.storage.unknown_collection")
            let result = try await client.mWrite(index: "fresh", collection: "events", operations: indexOperations(2))
            #expect(result.writtenCount == 2)
            #expect(server.documents(index: "fresh", collection: "events").count == 2)
        }
    }

    @Test func operationsElasticsearchWouldRefuseAreFailedWithoutBeingSent() async throws {
        try await withStandIn { server, client in
            let operations = [
                KuzzleBulkOperation(id: "", action: .index, body: jsonBody("{}")),
                KuzzleBulkOperation(id: "ok", action: .index, body: jsonBody("{}")),
                KuzzleBulkOperation(id: String(repeating: "x", count: 513), action: .index, body: jsonBody("{}")),
            ]
            let result = try await client.mWrite(index: "shop", collection: "orders", operations: operations)
            #expect(result.outcomes[1] == .written)
            #expect(result.failures.map(\.position) == [0, 2])
            #expect(result.failures.allSatisfy { $0.failure.disposition == .permanent })
            #expect(Set(server.documents(index: "shop", collection: "orders").keys) == ["ok"])

            // A refused operation after valid ones: the outcomes keep their positions.
            let later = try await client.mWrite(
                index: "shop",
                collection: "orders",
                operations: [
                    KuzzleBulkOperation(id: "first", action: .index, body: jsonBody("{}")),
                    KuzzleBulkOperation(id: "", action: .index, body: jsonBody("{}")),
                    KuzzleBulkOperation(id: "last", action: .index, body: jsonBody("{}")),
                ]
            )
            #expect(later.outcomes.count == 3)
            #expect(later.outcomes[0] == .written && later.outcomes[2] == .written)
            #expect(later.failures.map(\.position) == [1])
            #expect(Set(server.documents(index: "shop", collection: "orders").keys) == ["ok", "first", "last"])

            let wrongAction = await kuzzleError {
                _ = try await client.mWrite(
                    index: "shop",
                    collection: "orders",
                    operations: [KuzzleBulkOperation(id: "d", action: .delete, body: nil)]
                )
            }
            #expect(wrongAction?.kind == .fatal)
        }
    }
}
