import Foundation
import KuzzleStandIn
import NIOHTTP1
import Testing

@Suite("Envelopes and routing follow Kuzzle 2")
struct EnvelopeAndRoutingTests {
    @Test("A success envelope has Kuzzle's keys in Kuzzle's order and echoes the request id")
    func successEnvelopeShape() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            let response = try await server.send(.GET, "/_now", headers: [("X-Kuzzle-Request-Id", "req-42")])
            #expect(response.status == 200)
            #expect(response.header("X-Kuzzle-Request-Id") == "req-42")
            #expect(response.header("Content-Type") == "application/json")
            let keys = ["action", "collection", "controller", "error", "headers", "index", "node", "requestId",
                "result", "status", "volatile"]
            let positions = keys.map { response.text.range(of: "\"\($0)\":")?.lowerBound }
            #expect(positions.allSatisfy { $0 != nil })
            #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
            #expect(response.json["requestId"] as? String == "req-42")
            #expect(response.json["controller"] as? String == "server")
            #expect(response.json["action"] as? String == "now")
            #expect(response.json["status"] as? Int == 200)
            #expect(response.json["error"] is NSNull)
            #expect((response.result["now"] as? Int ?? 0) > 1_700_000_000_000)
        }
    }

    @Test("An unknown path is an enveloped 404 url_not_found with a null controller")
    func unknownPathIs404() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            let response = try await server.send(.GET, "/a/b/c/d/e")
            #expect(response.status == 404)
            #expect(response.errorID == "network.http.url_not_found")
            #expect(response.error["message"] as? String == "API URL not found: /a/b/c/d/e.")
            #expect(response.error["code"] as? Int == 50_397_191)
            #expect(response.json["controller"] is NSNull)
            #expect(response.json["result"] is NSNull)
        }
    }

    @Test("An index named like a route literal cannot be reached: literals win without backtracking")
    func routeLiteralShadowsIndex() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            server.createCollection(index: "users", collection: "c")
            let response = try await server.send(.POST, "/users/c/_mWrite", json: mWriteBody(count: 1))
            #expect(response.status == 404)
            #expect(response.errorID == "network.http.url_not_found")
            #expect(server.documents(index: "users", collection: "c").isEmpty)
        }
    }

    @Test("PUT on _mWrite lands on document:createOrReplace of a document named _mWrite")
    func wrongVerbLandsOnAnotherAction() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            let response = try await server.send(.PUT, "/shop/orders/_mWrite", json: #"{"documents":[]}"#)
            #expect(response.status == 200)
            #expect(response.json["action"] as? String == "createOrReplace")
            #expect(server.documents(index: "shop", collection: "orders")["_mWrite"] != nil)
        }
    }

    @Test("Unknown index then unknown collection give 412 before anything is written")
    func missingTargetsGive412() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            let noIndex = try await server.send(.POST, "/nowhere/orders/_mWrite", json: mWriteBody(count: 2))
            #expect(noIndex.status == 412)
            #expect(noIndex.errorID == "services.storage.unknown_index")
            let noCollection = try await server.send(.POST, "/shop/nothing/_bulk", json: #"{"bulkData":[{"index":{}},{"a":1}]}"#)
            #expect(noCollection.status == 412)
            #expect(noCollection.errorID == "services.storage.unknown_collection")
            #expect(noCollection.error["message"] as? String == #"The collection "shop":"nothing" does not exist."#)
            #expect(server.counters.documentsWritten == 0)
        }
    }

    @Test("Argument checks run before the collection check")
    func argumentChecksComeFirst() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            let noBody = try await server.send(.POST, "/nowhere/c/_mWrite")
            #expect(noBody.errorID == "api.assert.body_required")
            let missing = try await server.send(.POST, "/nowhere/c/_mWrite", json: "{}")
            #expect(missing.errorID == "api.assert.missing_argument")
            #expect(missing.error["props"] as? [String] == ["body.documents"])
            let wrongType = try await server.send(.POST, "/nowhere/c/_mWrite", json: #"{"documents":{}}"#)
            #expect(wrongType.errorID == "api.assert.invalid_type")
        }
    }

    @Test("Unparsable JSON and a foreign content type are bare errors without a request id header")
    func bareErrors() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            let broken = try await server.send(.POST, "/shop/orders/_mWrite", json: #"{"documents":["#)
            #expect(broken.status == 400)
            #expect(broken.json["id"] as? String == "network.http.body_parse_failed")
            #expect(broken.json["controller"] == nil)
            #expect(broken.header("X-Kuzzle-Request-Id") == nil)
            let xml = try await server.send(
                .POST,
                "/shop/orders/_mWrite",
                body: Array("<a/>".utf8),
                headers: [("Content-Type", "text/xml")]
            )
            #expect(xml.status == 400)
            #expect(xml.json["id"] as? String == "network.http.unsupported_content")
        }
    }

    @Test("Index and collection management: create, exists, already exists, invalid names")
    func indexAndCollectionManagement() async throws {
        try await withStandIn(StandInConfiguration()) { (server: StandInServer) async throws in
            let created = try await server.send(.POST, "/fresh/_create")
            #expect(created.status == 200)
            #expect(created.json["result"] == nil)
            let again = try await server.send(.POST, "/fresh/_create")
            #expect(again.status == 412)
            #expect(again.errorID == "services.storage.index_already_exists")
            #expect(try await server.send(.GET, "/fresh/_exists").json["result"] as? Bool == true)
            let collection = try await server.send(.PUT, "/other/things", json: "{}")
            #expect(collection.result["acknowledged"] as? Bool == true)
            #expect(try await server.send(.GET, "/other/things/_exists").json["result"] as? Bool == true)
            #expect(try await server.send(.GET, "/other/nope/_exists").json["result"] as? Bool == false)
            let invalid = try await server.send(.PUT, "/Upper/things", json: "{}")
            #expect(invalid.errorID == "services.storage.invalid_index_name")
        }
    }

    @Test("Health probes answer without auth even when anonymous is refused")
    func healthProbesNeedNoAuth() async throws {
        var configuration = StandInConfiguration()
        configuration.authentication.allowsAnonymous = false
        try await withStandIn(configuration) { (server: StandInServer) async throws in
            #expect(try await server.send(.GET, "/_healthcheck").status == 200)
            #expect(try await server.send(.GET, "/_ready").status == 200)
            #expect(try await server.send(.GET, "/_now").status == 401)
        }
    }
}
