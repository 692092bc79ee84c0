import Foundation
import KuzzleStandIn
import NIOHTTP1
import Testing

@Suite("document:m* routes, /_capabilities and the notifications Kuzzle would send (realtime.md)")
struct DocumentRouteTests {
    private func documents(_ ids: Range<Int>, extra: String = "") -> String {
        let items = ids.map { #"{"_id":"d\#($0)","body":{"n":\#($0)\#(extra)}}"# }
        return #"{"documents":["# + items.joined(separator: ",") + "]}"
    }

    private func notifications(_ server: StandInServer) async throws -> [[String: Any]] {
        let response = try await server.send(.GET, "/_standin/notifications")
        return response.json["notifications"] as? [[String: Any]] ?? []
    }

    @Test("mCreateOrReplace stamps _kuzzle_info, strips the client's, notifies create then replace with the volatile")
    func createOrReplaceNotifies() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            let body = #"{"documents":[{"_id":"a","body":{"n":1,"_kuzzle_info":{"author":"forged"}}}]}"#
            let volatile = [("X-Kuzzle-Volatile", #"{"bridge":"b1","topic":"t","partition":0}"#)]
            let first = try await server.send(.PUT, "/shop/orders/_mCreateOrReplace", json: body, headers: volatile)
            #expect(first.status == 200)
            let success = (first.result["successes"] as? [[String: Any]])?.first
            #expect(success?["created"] as? Bool == true)
            #expect(success?["status"] as? Int == 201)
            let info = server.storedBody("shop", "orders", "a")?["_kuzzle_info"] as? [String: Any]
            #expect(info?["author"] as? String == "-1")
            #expect(info?["createdAt"] as? Int != nil)
            let second = try await server.send(
                .PUT,
                "/shop/orders/_mCreateOrReplace?source=false",
                json: body,
                headers: volatile
            )
            let replaced = (second.result["successes"] as? [[String: Any]])?.first
            #expect(replaced?["created"] as? Bool == false)
            #expect(replaced?["_source"] == nil)
            let sent = try await notifications(server)
            #expect(sent.map { $0["action"] as? String } == ["create", "replace"])
            #expect(sent.map { $0["scope"] as? String } == ["in", "in"])
            #expect(sent.map { $0["request"] as? Int } == [1, 2])
            #expect((sent.first?["volatile"] as? [String: Any])?["bridge"] as? String == "b1")
        }
    }

    @Test("More documents than documentsWriteCount: 413 write_limit_exceeded, nothing written; capabilities tell")
    func writeLimit() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            let limits = try await server.send(.POST, "/_standin/limits", json: #"{"documentsWriteCount":100}"#)
            #expect(limits.status == 200)
            let capabilities = try await server.send(.GET, "/_capabilities")
            let reported = capabilities.result["limits"] as? [String: Any]
            #expect(reported?["documentsWriteCount"] as? Int == 100)
            #expect(reported?["concurrentRequests"] as? Int == 100)
            #expect((capabilities.result["server"] as? [String: Any])?["maxRequestSize"] as? String == "1MB")
            let refused = try await server.send(.PUT, "/shop/orders/_mCreateOrReplace", json: documents(0..<101))
            #expect(refused.status == 413)
            #expect(refused.errorID == "services.storage.write_limit_exceeded")
            #expect(server.documents(index: "shop", collection: "orders").isEmpty)
            let accepted = try await server.send(.PUT, "/shop/orders/_mCreateOrReplace", json: documents(0..<100))
            #expect(accepted.status == 200)
            #expect(server.documents(index: "shop", collection: "orders").count == 100)
            _ = try await server.send(.POST, "/_standin/limits", json: #"{"refuseCapabilities":true}"#)
            let old = try await server.send(.GET, "/_capabilities")
            #expect(old.status == 404)
            #expect(old.errorID == "network.http.url_not_found")
        }
    }

    @Test("A document carrying _source refuses the whole request with 400 unexpected_argument")
    func sourceRefused() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            let body = #"{"documents":[{"_id":"a","body":{"n":1}},{"_id":"b","_source":{},"body":{"n":2}}]}"#
            let response = try await server.send(.PUT, "/shop/orders/_mCreateOrReplace", json: body)
            #expect(response.status == 400)
            #expect(response.errorID == "api.assert.unexpected_argument")
            #expect(server.documents(index: "shop", collection: "orders").isEmpty)
        }
    }

    @Test("mCreate on an existing id is a per-item 400 'document already exists'; the others are created")
    func createExisting() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            _ = try await server.send(.PUT, "/shop/orders/_mCreateOrReplace", json: documents(0..<1))
            let response = try await server.send(.POST, "/shop/orders/_mCreate", json: documents(0..<3))
            #expect(response.status == 200)
            let errors = response.result["errors"] as? [[String: Any]] ?? []
            #expect(errors.count == 1)
            #expect(errors.first?["status"] as? Int == 400)
            #expect(errors.first?["reason"] as? String == "document already exists")
            #expect((errors.first?["document"] as? [String: Any])?["_id"] as? String == "d0")
            #expect((response.result["successes"] as? [Any])?.count == 2)
            let sent = try await notifications(server)
            #expect(sent.map { $0["action"] as? String } == ["create", "create", "create"])
        }
    }

    @Test("mUpdate merges, keeps author and stamps updatedAt; a missing id is a 404 item")
    func update() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            _ = try await server.send(.PUT, "/shop/orders/_mCreateOrReplace", json: documents(0..<1))
            let body = #"{"documents":[{"_id":"d0","body":{"m":2}},{"_id":"gone","body":{"m":3}}]}"#
            let response = try await server.send(.PATCH, "/shop/orders/_mUpdate", json: body)
            #expect(response.status == 200)
            let errors = response.result["errors"] as? [[String: Any]] ?? []
            #expect(errors.map { $0["status"] as? Int } == [404])
            let stored = server.storedBody("shop", "orders", "d0")
            #expect(stored?["n"] as? Int == 0)
            #expect(stored?["m"] as? Int == 2)
            let info = stored?["_kuzzle_info"] as? [String: Any]
            #expect(info?["author"] as? String == "-1")
            #expect(info?["updatedAt"] as? Int != nil)
            #expect(try await notifications(server).last?["action"] as? String == "update")
        }
    }

    @Test("mDelete: missing ids are 404 items, the others notified delete (scope out); found above the cap: 413")
    func delete() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            _ = try await server.send(.PUT, "/shop/orders/_mCreateOrReplace", json: documents(0..<3))
            _ = try await server.send(.POST, "/_standin/notifications/clear")
            let response = try await server.send(.DELETE, "/shop/orders/_mDelete", json: #"{"ids":["d0","x","d1"]}"#)
            #expect(response.status == 200)
            #expect(response.result["successes"] as? [String] == ["d0", "d1"])
            let errors = response.result["errors"] as? [[String: Any]] ?? []
            #expect(errors.first?["_id"] as? String == "x")
            #expect(errors.first?["status"] as? Int == 404)
            let sent = try await notifications(server)
            #expect(sent.map { $0["action"] as? String } == ["delete", "delete"])
            #expect(sent.map { $0["scope"] as? String } == ["out", "out"])
            _ = try await server.send(.POST, "/_standin/limits", json: #"{"documentsWriteCount":0}"#)
            let refused = try await server.send(.DELETE, "/shop/orders/_mDelete", json: #"{"ids":["d2"]}"#)
            #expect(refused.status == 413)
            #expect(server.documents(index: "shop", collection: "orders")["d2"] != nil)
        }
    }

    @Test("Strict with one failed item: written documents stay written and nothing is notified (the trap)")
    func strictTrap() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            server.faults.rejectDocuments(StandInDocumentRejection(field: "n", value: "3"))
            let strict = try await server.send(.PUT, "/shop/orders/_mCreateOrReplace?strict", json: documents(0..<5))
            #expect(strict.status == 400)
            #expect(strict.errorID == "api.process.incomplete_multiple_request")
            #expect(strict.error["props"] as? [String] == ["mCreateOrReplace"])
            #expect(server.documents(index: "shop", collection: "orders").count == 4)
            #expect(try await notifications(server).isEmpty)
            let mWrite = #"{"documents":[{"_id":"w1","body":{"n":1}},{"_id":"w2","body":{"n":3}}]}"#
            _ = try await server.send(.POST, "/shop/orders/_mWrite?strict&notify", json: mWrite)
            #expect(try await notifications(server).isEmpty)
            let lenient = try await server.send(.POST, "/shop/orders/_mWrite?notify", json: mWrite)
            #expect(lenient.status == 200)
            let sent = try await notifications(server)
            #expect(sent.map { $0["_id"] as? String } == ["w1"])
            #expect(sent.first?["action"] as? String == "replace")
            #expect(sent.first?["requestAction"] as? String == "bulk:mWrite")
            _ = try await server.send(.POST, "/shop/orders/_mWrite", json: mWrite)
            #expect(try await notifications(server).count == 1)
        }
    }
}
