import Kuzzle
import KuzzleStandIn
import Testing

/// The client's realtime surface against the stand-in: `notify` without strict, the document controller routes,
/// `X-Kuzzle-Volatile`, `/_capabilities` (issue 17).
@Suite(.timeLimit(.minutes(2))) struct KuzzleClientRealtimeTests {
    func operations(_ action: KuzzleBulkAction, _ ids: [String], qty: String = "1") -> [KuzzleBulkOperation] {
        ids.map {
            KuzzleBulkOperation(id: $0, action: action, body: action.hasBody ? jsonBody(#"{"qty":\#(qty)}"#) : nil)
        }
    }

    @Test func notifyingMWriteRunsWithoutStrictSoOneRefusalSilencesNothingElse() async throws {
        try await withStandIn { server, client in
            server.faults.rejectDocuments(StandInDocumentRejection(field: "qty", value: "ten"))
            var operations = operations(.index, ["a", "b", "c"])
            operations[1] = KuzzleBulkOperation(id: "b", action: .index, body: jsonBody(#"{"qty":"ten"}"#))
            let options = KuzzleWriteOptions(notify: true, volatile: #"{"bridge":"t"}"#)
            let result = try await client.mWrite(
                index: "shop",
                collection: "orders",
                operations: operations,
                options: options
            )
            #expect(result.outcomes[0] == .written)
            #expect(result.outcomes[2] == .written)
            guard case .failed(let failure) = result.outcomes[1] else {
                Issue.record("b must fail")
                return
            }
            #expect(failure.status == 400)
            #expect(failure.disposition == .permanent)
            #expect(server.notifications.map(\.id) == ["a", "c"])
            #expect(server.notifications.allSatisfy { $0.volatileText == #"{"bridge":"t"}"# })
        }
    }

    @Test func documentRoutesWriteStampAndNotify() async throws {
        try await withStandIn { server, client in
            let written = try await client.writeDocuments(
                route: .mCreateOrReplace,
                index: "shop",
                collection: "orders",
                operations: operations(.index, ["a", "b"])
            )
            #expect(written.writtenCount == 2)
            #expect(
                server.documents(index: "shop", collection: "orders")["a"]?.bodyText.contains("_kuzzle_info") == true
            )
            let created = try await client.writeDocuments(
                route: .mCreate,
                index: "shop",
                collection: "orders",
                operations: operations(.create, ["a", "c"])
            )
            guard case .failed(let exists) = created.outcomes[0] else {
                Issue.record("a exists")
                return
            }
            #expect(exists.status == 400)
            #expect(exists.disposition == .alreadyDone)
            #expect(created.outcomes[1] == .written)
            let updated = try await client.writeDocuments(
                route: .mUpdate,
                index: "shop",
                collection: "orders",
                operations: operations(.update, ["b", "gone"], qty: "5")
            )
            #expect(updated.outcomes[0] == .written)
            if case .failed(let missing) = updated.outcomes[1] {
                #expect(missing.status == 404)
                #expect(missing.disposition == .alreadyDone)
            } else {
                Issue.record("gone is missing")
            }
            let deleted = try await client.writeDocuments(
                route: .mDelete,
                index: "shop",
                collection: "orders",
                operations: operations(.delete, ["a", "nope"])
            )
            #expect(deleted.outcomes[0] == .written)
            if case .failed(let missing) = deleted.outcomes[1] {
                #expect(missing.disposition == .alreadyDone)
            } else {
                Issue.record("nope is missing")
            }
            #expect(server.notifications.map(\.action) == ["create", "create", "create", "update", "delete"])
            #expect(server.notifications.map(\.id) == ["a", "b", "c", "b", "a"])
            #expect(server.counters.requests["document:mCreateOrReplace"] == 1)
            #expect(server.counters.requests["document:mDelete"] == 1)
        }
    }

    @Test func aDocumentRouteRefusesAnotherAction() async throws {
        try await withStandIn { _, client in
            await #expect(throws: KuzzleError.self) {
                try await client.writeDocuments(
                    route: .mCreate,
                    index: "shop",
                    collection: "orders",
                    operations: operations(.index, ["a"])
                )
            }
        }
    }

    @Test func aWriteLimitIsA413() async throws {
        try await withStandIn { server, client in
            server.setLimits(documentsWriteCount: 2)
            do {
                _ = try await client.writeDocuments(
                    route: .mCreateOrReplace,
                    index: "shop",
                    collection: "orders",
                    operations: operations(.index, ["a", "b", "c"])
                )
                Issue.record("expected a 413")
            } catch let error as KuzzleError {
                #expect(error.status == 413)
                #expect(error.id == "services.storage.write_limit_exceeded")
            }
            #expect(server.documents(index: "shop", collection: "orders").isEmpty)
        }
    }

    @Test func capabilitiesAreReadAndAnOldKuzzleIsNil() async throws {
        var standIn = StandInConfiguration(collections: [.init(index: "shop", collection: "orders")])
        standIn.documentsWriteCount = 150
        standIn.concurrentRequests = 40
        standIn.maxRequestSize = 512 * 1024
        try await withStandIn(standIn) { server, client in
            let capabilities = try await client.capabilities()
            #expect(
                capabilities
                    == KuzzleCapabilities(documentsWriteCount: 150, maxRequestSize: 524_288, concurrentRequests: 40)
            )
            server.setLimits(refusesCapabilities: true)
            #expect(try await client.capabilities() == nil)
        }
    }

    @Test func sizesAreReadLikeKuzzleConfiguration() {
        #expect(KuzzleCapabilities.bytes("1MB") == 1_048_576)
        #expect(KuzzleCapabilities.bytes("512kb") == 524_288)
        #expect(KuzzleCapabilities.bytes("2048") == 2048)
        #expect(KuzzleCapabilities.bytes("10b") == 10)
        #expect(KuzzleCapabilities.bytes("lots") == nil)
    }
}
