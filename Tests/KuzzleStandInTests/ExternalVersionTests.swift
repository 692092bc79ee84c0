import Foundation
import KuzzleStandIn
import NIOHTTP1
import Testing

/// bulk:import's external versions as Elasticsearch applies them (kuzzle-api.md §4.2, fence.md §2): what the bridge's
/// fence relies on.
@Suite("bulk:import external versions: compare rules, whole-bulk refusals, delete tombstones and gc_deletes")
struct ExternalVersionTests {
    private func importBulk(_ server: StandInServer, _ lines: String) async throws -> TestResponse {
        try await server.send(.POST, "/shop/orders/_bulk", json: #"{"bulkData":[\#(lines)]}"#)
    }

    private func itemStatuses(_ response: TestResponse) -> [String: [Int]] {
        var statuses: [String: [Int]] = [:]
        for key in ["errors", "successes"] {
            for item in response.result[key] as? [[String: Any]] ?? [] {
                for (_, value) in item {
                    let fields = value as? [String: Any] ?? [:]
                    statuses[fields["_id"] as? String ?? "", default: []].append(fields["status"] as? Int ?? 0)
                }
            }
        }
        return statuses
    }

    @Test("external: applies when missing or strictly greater; equal or older is 409 and changes nothing")
    func externalCompare() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            var response = try await importBulk(
                server,
                #"{"index":{"_id":"e","version":10,"version_type":"external"}},{"v":10}"#
            )
            #expect(itemStatuses(response)["e"] == [201])
            for (version, value) in [(10, 100), (9, 9)] {
                response = try await importBulk(
                    server,
                    #"{"index":{"_id":"e","version":\#(version),"version_type":"external"}},{"v":\#(value)}"#
                )
                let conflict = (response.result["errors"] as? [[String: Any]])?.first?["index"] as? [String: Any]
                #expect(conflict?["status"] as? Int == 409)
                #expect(
                    (conflict?["error"] as? [String: Any])?["type"] as? String == "version_conflict_engine_exception"
                )
            }
            #expect(server.storedBody("shop", "orders", "e")?["v"] as? Int == 10)
            #expect(server.documents(index: "shop", collection: "orders")["e"]?.version == 10)
            response = try await importBulk(
                server,
                #"{"index":{"_id":"e","version":11,"version_type":"external_gt"}},{"v":11}"#
            )
            #expect(itemStatuses(response)["e"] == [200])
            #expect(server.documents(index: "shop", collection: "orders")["e"]?.version == 11)
            #expect(server.counters.versionConflicts == 2)
        }
    }

    @Test("external_gte: an equal version applies, an older one is 409")
    func externalGTE() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            _ = try await importBulk(server, #"{"index":{"_id":"g","version":5,"version_type":"external"}},{"v":1}"#)
            var response = try await importBulk(
                server,
                #"{"index":{"_id":"g","version":5,"version_type":"external_gte"}},{"v":2}"#
            )
            #expect(itemStatuses(response)["g"] == [200])
            response = try await importBulk(
                server,
                #"{"index":{"_id":"g","version":4,"version_type":"external_gte"}},{"v":3}"#
            )
            #expect(itemStatuses(response)["g"] == [409])
            #expect(server.storedBody("shop", "orders", "g")?["v"] as? Int == 2)
        }
    }

    @Test("A versioned create, an update with a non-internal version type, a negative version: 400, nothing written")
    func wholeBulkRefusals() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            let bad = [
                #"{"create":{"_id":"c","version":3,"version_type":"external"}},{"v":1}"#,
                #"{"update":{"_id":"ok","version":3,"version_type":"external"}},{"doc":{"v":1}}"#,
                #"{"update":{"_id":"ok","version_type":"external_gte"}},{"doc":{"v":1}}"#,
                #"{"index":{"_id":"n","version":-1,"version_type":"external"}},{"v":1}"#,
                #"{"delete":{"_id":"n","version_type":"external"}}"#,
            ]
            for line in bad {
                let response = try await importBulk(server, #"{"index":{"_id":"ok"}},{"v":0},"# + line)
                #expect(response.status == 400, "\(line)")
                #expect(response.errorID == "services.storage.unexpected_bad_request", "\(line)")
            }
            #expect(server.documents(index: "shop", collection: "orders").isEmpty)
        }
    }

    @Test("A versioned delete of a missing id answers 404 and leaves a tombstone older writes conflict with")
    func tombstoneOfMissingID() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            var response = try await importBulk(
                server,
                #"{"delete":{"_id":"t","version":7,"version_type":"external"}}"#
            )
            #expect(itemStatuses(response)["t"] == [404])
            response = try await importBulk(
                server,
                #"{"index":{"_id":"t","version":6,"version_type":"external"}},{"v":6}"#
            )
            #expect(itemStatuses(response)["t"] == [409])
            response = try await importBulk(server, #"{"delete":{"_id":"t","version":7,"version_type":"external"}}"#)
            #expect(itemStatuses(response)["t"] == [409])
            #expect(server.documents(index: "shop", collection: "orders")["t"] == nil)
            response = try await importBulk(
                server,
                #"{"index":{"_id":"t","version":8,"version_type":"external"}},{"v":8}"#
            )
            #expect(itemStatuses(response)["t"] == [201])
            #expect(server.documents(index: "shop", collection: "orders")["t"]?.version == 8)
        }
    }

    @Test("A versioned delete of a stored document: older delete or write 409; a lone line per request order holds")
    func tombstoneOfStoredDocument() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            _ = try await importBulk(server, #"{"index":{"_id":"d","version":3,"version_type":"external"}},{"v":3}"#)
            var response = try await importBulk(
                server,
                #"{"delete":{"_id":"d","version":2,"version_type":"external"}}"#
            )
            #expect(itemStatuses(response)["d"] == [409])
            #expect(server.documents(index: "shop", collection: "orders")["d"] != nil)
            response = try await importBulk(
                server,
                #"{"delete":{"_id":"d","version":5,"version_type":"external"}},"#
                    + #"{"index":{"_id":"d","version":4,"version_type":"external"}},{"v":4}"#
            )
            #expect(itemStatuses(response)["d"]?.sorted() == [200, 409])
            #expect(server.documents(index: "shop", collection: "orders")["d"] == nil)
        }
    }

    @Test(
        "gc_deletes from collection:create settings and the control route: a tombstone expires, then an older write applies"
    )
    func tombstoneLifetime() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            let created = try await server.send(
                .PUT,
                "/shop/short",
                json: #"{"settings":{"index":{"gc_deletes":"2s"}}}"#
            )
            #expect(created.status == 200)
            let control = try await server.send(
                .PUT,
                "/_standin/collections/shop/orders",
                json: #"{"gc_deletes":"2s"}"#
            )
            #expect(control.status == 200)
            for collection in ["short", "orders"] {
                let delete = #"{"bulkData":[{"delete":{"_id":"x","version":9,"version_type":"external"}}]}"#
                _ = try await server.send(.POST, "/shop/\(collection)/_bulk", json: delete)
                let older = #"{"bulkData":[{"index":{"_id":"x","version":3,"version_type":"external"}},{"v":3}]}"#
                let refused = try await server.send(.POST, "/shop/\(collection)/_bulk", json: older)
                #expect(itemStatuses(refused)["x"] == [409], "\(collection): the tombstone is live")
                let deadline = ContinuousClock.now + .seconds(20)
                var accepted = false
                while !accepted && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(200))
                    let attempt = try await server.send(.POST, "/shop/\(collection)/_bulk", json: older)
                    accepted = itemStatuses(attempt)["x"] == [201]
                }
                #expect(accepted, "\(collection): the older write is accepted once the tombstone expired")
                #expect(server.documents(index: "shop", collection: collection)["x"]?.version == 3)
            }
        }
    }

    @Test("An internal delete leaves a tombstone one version up: a re-creation continues from it, as in Elasticsearch")
    func internalDeleteTombstone() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            _ = try await importBulk(server, #"{"index":{"_id":"i"}},{"v":1},{"index":{"_id":"i"}},{"v":2}"#)
            #expect(server.documents(index: "shop", collection: "orders")["i"]?.version == 2)
            var response = try await importBulk(server, #"{"delete":{"_id":"i"}},{"index":{"_id":"i"}},{"v":3}"#)
            #expect(itemStatuses(response)["i"] == [200, 201])
            #expect(server.documents(index: "shop", collection: "orders")["i"]?.version == 4)
            _ = try await importBulk(server, #"{"delete":{"_id":"i"}}"#)
            response = try await importBulk(
                server,
                #"{"index":{"_id":"i","version":5,"version_type":"external"}},{"v":5}"#
            )
            #expect(itemStatuses(response)["i"] == [409], "the tombstone holds version 5")
        }
    }

    @Test("Without gc_deletes set, a tombstone lives Elasticsearch's default 60 s (still live seconds later)")
    func defaultTombstoneLifetime() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            _ = try await importBulk(server, #"{"delete":{"_id":"y","version":9,"version_type":"external"}}"#)
            try await Task.sleep(for: .milliseconds(2500))
            let response = try await importBulk(
                server,
                #"{"index":{"_id":"y","version":3,"version_type":"external"}},{"v":3}"#
            )
            #expect(itemStatuses(response)["y"] == [409])
        }
    }
}
