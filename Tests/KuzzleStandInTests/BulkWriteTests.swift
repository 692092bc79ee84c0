import Foundation
import KuzzleStandIn
import NIOHTTP1
import Testing

@Suite("bulk:mWrite and bulk:import behave like Kuzzle 2 (no Elasticsearch mappings: rejections are injected)")
struct BulkWriteTests {
    private let sample = #"{"documents":[{"_id":"o1","body":{"qty":3}},{"_id":"o2","body":{"qty":"ten"}},{"body":"oops"}]}"#

    @Test("Non-strict mWrite answers 200 with errors first, then successes carrying the body sent and _version")
    func nonStrictMWrite() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            server.faults.rejectDocuments(StandInDocumentRejection(field: "qty", value: "ten"))
            let response = try await server.send(.POST, "/shop/orders/_mWrite?refresh=wait_for", json: sample)
            #expect(response.status == 200)
            let errors = response.result["errors"] as? [[String: Any]] ?? []
            #expect(errors.count == 2)
            #expect(errors.first?["reason"] as? String == "document body must be an object")
            #expect((errors.first?["document"] as? [String: Any])?["body"] as? String == "oops")
            let mapping = errors.last?["document"] as? [String: Any]
            #expect(mapping?["_id"] as? String == "o2")
            #expect((mapping?["_source"] as? [String: Any])?["qty"] as? String == "ten")
            #expect(errors.last?["status"] as? Int == 400)
            let successes = response.result["successes"] as? [[String: Any]] ?? []
            #expect(successes.count == 1)
            #expect(successes.first?["_id"] as? String == "o1")
            #expect(successes.first?["_version"] as? Int == 1)
            #expect(response.text.contains(#"{"_id":"o1","_source":{"qty":3},"_version":1}"#))
            #expect(server.documents(index: "shop", collection: "orders").keys.sorted() == ["o1"])
        }
    }

    @Test("Strict mWrite executes, then answers 400 incomplete_multiple_request listing only failures; successes stay")
    func strictMWritePartialFailure() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            server.faults.rejectDocuments(StandInDocumentRejection(field: "qty", value: "ten"))
            let response = try await server.send(.POST, "/shop/orders/_mWrite?strict", json: sample)
            #expect(response.status == 400)
            #expect(response.json["status"] as? Int == 400)
            #expect(response.errorID == "api.process.incomplete_multiple_request")
            #expect(response.error["code"] as? Int == 33_685_514)
            #expect(response.error["props"] as? [String] == ["write"])
            #expect(response.error["count"] as? Int == 2)
            #expect((response.error["errors"] as? [Any])?.count == 2)
            #expect(response.json["result"] is NSNull)
            #expect(server.storedBody("shop", "orders", "o1")?["qty"] as? Int == 3)
            #expect(server.documents(index: "shop", collection: "orders")["o2"] == nil)
        }
    }

    @Test("strict=false still means strict: query booleans are flags")
    func strictIsAFlag() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            let response = try await server.send(.POST, "/shop/orders/_mWrite?strict=false", json: sample)
            #expect(response.status == 400)
        }
    }

    @Test("mWrite stores bodies byte for byte, bumps _version on each write and generates missing ids")
    func mWriteVersionsAndIds() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            let body = #"{"documents":[{"_id":"a","body":{"z":1,  "a":[1,2.50,"é\u00e9"]}},{"body":{"n":1}},{"_id":"","body":{"n":2}}]}"#
            _ = try await server.send(.POST, "/shop/orders/_mWrite", json: body)
            let second = try await server.send(.POST, "/shop/orders/_mWrite", json: body)
            let stored = server.documents(index: "shop", collection: "orders")
            #expect(stored["a"]?.bodyText == #"{"z":1,  "a":[1,2.50,"é\u00e9"]}"#)
            #expect(stored["a"]?.version == 2)
            #expect(stored.count == 5)
            let generated = (second.result["successes"] as? [[String: Any]] ?? []).compactMap { $0["_id"] as? String }
            #expect(generated.count == 3)
            #expect(generated.dropFirst().allSatisfy { $0.count == 20 })
        }
    }

    @Test("A body with a metadata field at top level is refused per document, like Elasticsearch")
    func metadataFieldRefused() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            let response = try await server.send(
                .POST,
                "/shop/orders/_mWrite",
                json: #"{"documents":[{"_id":"m","body":{"_id":"x"}}]}"#
            )
            let errors = response.result["errors"] as? [[String: Any]] ?? []
            #expect(errors.count == 1)
            #expect((errors.first?["reason"] as? String)?.contains("metadata field") == true)
        }
    }

    @Test("An _id over 512 bytes refuses the whole bulk with unexpected_bad_request and writes nothing")
    func longIDRefusesBulk() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            let id = String(repeating: "i", count: 513)
            let response = try await server.send(
                .POST,
                "/shop/orders/_mWrite",
                json: #"{"documents":[{"_id":"ok","body":{}},{"_id":"\#(id)","body":{}}]}"#
            )
            #expect(response.status == 400)
            #expect(response.errorID == "services.storage.unexpected_bad_request")
            #expect(server.documents(index: "shop", collection: "orders").isEmpty)
        }
    }

    @Test("Strict import of mixed actions: a delete of a missing id is the only error, the rest is written")
    func strictImportMixedActions() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            let response = try await server.send(
                .POST,
                "/shop/orders/_bulk?strict",
                json: #"{"bulkData":[{"index":{"_id":"a1"}},{"qty":1},{"delete":{"_id":"gone"}},{"create":{}},{"qty":2}]}"#
            )
            #expect(response.status == 400)
            #expect(response.errorID == "api.process.incomplete_multiple_request")
            #expect(response.error["props"] as? [String] == ["import"])
            #expect(response.text.contains(#""errors":[{"delete":{"_id":"gone","status":404}}]"#))
            let stored = server.documents(index: "shop", collection: "orders")
            #expect(stored.count == 2)
            let info = server.storedBody("shop", "orders", "a1")?["_kuzzle_info"] as? [String: Any]
            #expect(info?["author"] as? String == "-1")
            #expect(info?["updater"] is NSNull)
            #expect((info?["createdAt"] as? Int ?? 0) > 0)
        }
    }

    @Test("Import statuses: index 201 then 200, create on existing 409, update 200, update of missing 404, upserts 201")
    func importStatuses() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            _ = try await server.send(.POST, "/shop/orders/_bulk", json: #"{"bulkData":[{"index":{"_id":"a"}},{"v":1}]}"#)
            let response = try await server.send(
                .POST,
                "/shop/orders/_bulk",
                json: """
                    {"bulkData":[{"index":{"_id":"a"}},{"v":2,"nested":{"x":1}},{"create":{"_id":"a"}},{"v":3},
                    {"update":{"_id":"a"}},{"doc":{"nested":{"y":2}}},{"update":{"_id":"nope"}},{"doc":{"v":4}},
                    {"update":{"_id":"u1"}},{"doc":{"v":5},"doc_as_upsert":true},
                    {"update":{"_id":"u2"}},{"doc":{"v":6},"upsert":{"v":7}}]}
                    """
            )
            #expect(response.status == 200)
            let successes = response.result["successes"] as? [[String: [String: Any]]] ?? []
            #expect(successes.map { $0.first?.value["status"] as? Int } == [200, 200, 201, 201])
            let errors = response.result["errors"] as? [[String: [String: Any]]] ?? []
            #expect(errors.count == 2)
            let conflict = errors.first?["create"]
            #expect(conflict?["status"] as? Int == 409)
            #expect((conflict?["error"] as? [String: Any])?["type"] as? String == "version_conflict_engine_exception")
            #expect((conflict?["_source"] as? [String: Any])?["v"] as? Int == 3)
            let missing = errors.last?["update"]
            #expect(missing?["status"] as? Int == 404)
            #expect((missing?["error"] as? [String: Any])?["type"] as? String == "document_missing_exception")
            let merged = server.storedBody("shop", "orders", "a")
            #expect(merged?["v"] as? Int == 2)
            #expect((merged?["nested"] as? [String: Any])?.keys.sorted() == ["x", "y"])
            #expect(server.documents(index: "shop", collection: "orders")["a"]?.version == 3)
            #expect(server.storedBody("shop", "orders", "u2")?["v"] as? Int == 7)
        }
    }

    @Test("External versions: an older or equal version conflicts with 409, a newer one is stored as _version")
    func externalVersions() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            let first = #"{"bulkData":[{"index":{"_id":"e","version":10,"version_type":"external"}},{"v":1}]}"#
            #expect(try await server.send(.POST, "/shop/orders/_bulk?strict", json: first).status == 200)
            #expect(server.documents(index: "shop", collection: "orders")["e"]?.version == 10)
            let replay = try await server.send(.POST, "/shop/orders/_bulk?strict", json: first)
            #expect(replay.status == 400)
            #expect(replay.text.contains("\"status\":409"))
        }
    }

    @Test("Malformed bulks and script keys fail as a whole with 400 and write nothing")
    func malformedImports() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            let unknownAction = try await server.send(.POST, "/shop/orders/_bulk", json: #"{"bulkData":[{"upsert":{}},{"a":1}]}"#)
            #expect(unknownAction.errorID == "services.storage.unexpected_bad_request")
            let noID = try await server.send(.POST, "/shop/orders/_bulk", json: #"{"bulkData":[{"delete":{}}]}"#)
            #expect(noID.error["message"] as? String == "Validation Failed: 1: id is missing;")
            let script = try await server.send(
                .POST,
                "/shop/orders/_bulk",
                json: #"{"bulkData":[{"index":{"_id":"s"}},{"script":"boom"}]}"#
            )
            #expect(script.errorID == "services.storage.invalid_query_keyword")
            #expect(server.documents(index: "shop", collection: "orders").isEmpty)
        }
    }

    @Test("Read routes: get, mGet with missing ids, count, and the counters per route")
    func readRoutesAndCounters() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            _ = try await server.send(.POST, "/shop/orders/_mWrite", json: mWriteBody(count: 3))
            let document = try await server.send(.GET, "/shop/orders/d1")
            #expect(document.result["_version"] as? Int == 1)
            #expect((document.result["_source"] as? [String: Any])?["n"] as? Int == 1)
            let missing = try await server.send(.GET, "/shop/orders/zzz")
            #expect(missing.status == 404)
            #expect(missing.errorID == "services.storage.not_found")
            let mGet = try await server.send(.POST, "/shop/orders/_mGet", json: #"{"ids":["d0","x","d2"]}"#)
            #expect((mGet.result["successes"] as? [Any])?.count == 2)
            #expect(mGet.result["errors"] as? [String] == ["x"])
            #expect(try await server.send(.POST, "/shop/orders/_count", json: "{}").result["count"] as? Int == 3)
            let counters = server.counters
            #expect(counters.requests["bulk:mWrite"] == 1)
            #expect(counters.documentsReceived["bulk:mWrite"] == 3)
            #expect(counters.documentsWritten == 3)
            #expect(counters.requests["document:get"] == 2)
        }
    }
}
