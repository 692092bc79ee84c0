import Foundation
import KuzzleStandIn
import NIOHTTP1
import Synchronization
import Testing

@Suite("Fault injection through the control surface")
struct FaultInjectionTests {
    @Test("The next N requests fail with the given enveloped error, then requests succeed again")
    func failNextRequests() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            server.faults.failNextRequests(2, with: .overloaded)
            for _ in 0..<2 {
                let failed = try await server.send(.POST, "/shop/orders/_mWrite", json: mWriteBody(count: 1))
                #expect(failed.status == 503)
                #expect(failed.errorID == "api.process.overloaded")
                #expect(failed.error["code"] as? Int == 33_685_506)
                #expect(failed.json["action"] as? String == "mWrite")
            }
            #expect(server.documents(index: "shop", collection: "orders").isEmpty)
            #expect(try await server.send(.POST, "/shop/orders/_mWrite", json: mWriteBody(count: 1)).status == 200)
            #expect(server.counters.requests["bulk:mWrite"] == 3)
        }
    }

    @Test("Injected 500 storage errors and 401 token expiry keep Kuzzle's ids and statuses")
    func otherInjectedErrors() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            server.faults.failNextRequests(1, with: .storageUnexpected("shard failure"))
            server.faults.failNextRequests(1, with: .tokenExpired)
            let storage = try await server.send(
                .POST,
                "/shop/orders/_bulk",
                json: #"{"bulkData":[{"index":{}},{"a":1}]}"#
            )
            #expect(storage.status == 500)
            #expect(storage.errorID == "services.storage.unexpected_error")
            #expect(storage.error["message"] as? String == "shard failure")
            let expired = try await server.send(.GET, "/_now")
            #expect(expired.status == 401)
            #expect(expired.errorID == "security.token.expired")
        }
    }

    @Test("A fixed latency delays every API request")
    func latency() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            server.faults.setLatency(.milliseconds(300))
            let clock = ContinuousClock()
            let start = clock.now
            #expect(try await server.send(.GET, "/_now").status == 200)
            #expect(clock.now - start >= .milliseconds(300))
            // Cleared: the request still succeeds (no upper time bound is asserted: tests never assert speed).
            server.faults.setLatency(nil)
            #expect(try await server.send(.GET, "/_now").status == 200)
        }
    }

    @Test("A drop before the write closes the connection unanswered and writes nothing")
    func dropBeforeWrite() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            server.faults.dropConnections(.beforeWrite)
            await #expect(throws: (any Error).self) {
                _ = try await server.send(.POST, "/shop/orders/_mWrite", json: mWriteBody(count: 3))
            }
            #expect(server.documents(index: "shop", collection: "orders").isEmpty)
            #expect(try await server.send(.POST, "/shop/orders/_mWrite", json: mWriteBody(count: 3)).status == 200)
        }
    }

    @Test("A drop after the write closes the connection unanswered but the documents are written")
    func dropAfterWrite() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            server.faults.dropConnections(.afterWrite)
            await #expect(throws: (any Error).self) {
                _ = try await server.send(.POST, "/shop/orders/_mWrite", json: mWriteBody(count: 3))
            }
            #expect(server.documents(index: "shop", collection: "orders").count == 3)
        }
    }

    @Test("Overloaded until cleared: every request and /_ready answer 503, then everything recovers")
    func overloadedUntilCleared() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            server.faults.setOverloaded(true)
            #expect(try await server.send(.POST, "/shop/orders/_mWrite", json: mWriteBody(count: 1)).status == 503)
            #expect(try await server.send(.GET, "/_ready").status == 503)
            #expect(try await server.send(.GET, "/_healthcheck").status == 200)
            server.faults.clear()
            #expect(try await server.send(.GET, "/_ready").status == 200)
            #expect(try await server.send(.POST, "/shop/orders/_mWrite", json: mWriteBody(count: 1)).status == 200)
        }
    }

    @Test("Hang until cleared: a request gets no answer while hanging and is served once cleared")
    func hangUntilCleared() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            server.faults.setHanging(true)
            let answered = Mutex(false)
            let request = Task {
                let response = try await server.send(.POST, "/shop/orders/_mWrite", json: mWriteBody(count: 1))
                answered.withLock { $0 = true }
                return response.status
            }
            try await Task.sleep(for: .milliseconds(400))  // on purpose: time for an answer to come if it would
            #expect(answered.withLock { $0 } == false)
            #expect(server.documents(index: "shop", collection: "orders").isEmpty)
            server.faults.setHanging(false)
            #expect(try await request.value == 200)
            #expect(server.documents(index: "shop", collection: "orders").count == 1)
        }
    }

    @Test(
        "A concurrent-write cap answers 429 at once to writes beyond it until an admitted one is answered",
        .timeLimit(.minutes(1))
    )
    func concurrentWriteCap() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            #expect(try await server.send(.POST, "/_standin/faults", json: #"{"maxConcurrentWrites":1}"#).status == 200)
            server.faults.setHanging(true)
            let admitted = Task {
                try await server.send(.POST, "/shop/orders/_mWrite", json: mWriteBody(count: 1, prefix: "a")).status
            }
            for _ in 0..<500 where server.counters.requests["bulk:mWrite", default: 0] == 0 {
                try await Task.sleep(for: .milliseconds(10))
            }
            // The first write holds the only place (it hangs): the second is refused, and answered despite the hang.
            let refused = try await server.send(.POST, "/shop/orders/_mWrite", json: mWriteBody(count: 1, prefix: "b"))
            #expect(refused.status == 429)
            #expect(refused.errorID == "api.process.too_many_requests")
            server.faults.setHanging(false)
            #expect(try await admitted.value == 200)
            // Answered: its place is free again.
            let next = try await server.send(.POST, "/shop/orders/_mWrite", json: mWriteBody(count: 1, prefix: "c"))
            #expect(next.status == 200)
            #expect(server.documents(index: "shop", collection: "orders").keys.sorted() == ["a0", "c0"])
            #expect(try await server.send(.POST, "/_standin/faults", json: #"{"maxConcurrentWrites":0}"#).status == 200)
        }
    }

    @Test("The HTTP control surface injects faults, dumps collections with versions, counts and resets")
    func httpControlSurface() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            let injected = try await server.send(
                .POST,
                "/_standin/faults",
                json: #"{"failNext":{"count":1,"status":500,"id":"services.storage.unexpected_error"}}"#
            )
            #expect(injected.status == 200)
            #expect(try await server.send(.POST, "/shop/orders/_mWrite", json: mWriteBody(count: 2)).status == 500)
            _ = try await server.send(.POST, "/shop/orders/_mWrite", json: mWriteBody(count: 2))
            _ = try await server.send(.POST, "/shop/orders/_mWrite", json: mWriteBody(count: 1))
            let dump = try await server.send(.GET, "/_standin/dump/shop/orders")
            let documents = dump.json["documents"] as? [[String: Any]] ?? []
            #expect(documents.map { $0["_id"] as? String } == ["d0", "d1"])
            #expect(documents.map { $0["_version"] as? Int } == [2, 1])
            let counters = try await server.send(.GET, "/_standin/counters")
            #expect((counters.json["requests"] as? [String: Int])?["bulk:mWrite"] == 3)
            #expect(counters.json["documentsWritten"] as? Int == 3)
            #expect(try await server.send(.POST, "/_standin/reset").status == 200)
            #expect(server.documents(index: "shop", collection: "orders").isEmpty)
            #expect(server.counters.requests.isEmpty)
        }
    }
    @Test("Rejections, overload and hang can also be set over HTTP and cleared over HTTP")
    func httpFaultSwitches() async throws {
        try await withStandIn { (server: StandInServer) async throws in
            let set = try await server.send(
                .POST,
                "/_standin/faults",
                json: #"{"reject":{"field":"n","value":"1"},"overloaded":true}"#
            )
            #expect(set.status == 200)
            #expect(try await server.send(.GET, "/_ready").status == 503)
            #expect(try await server.send(.POST, "/_standin/faults", json: #"{"overloaded":false}"#).status == 200)
            let written = try await server.send(.POST, "/shop/orders/_mWrite", json: mWriteBody(count: 3))
            let errors = written.result["errors"] as? [[String: Any]] ?? []
            #expect(errors.count == 1)
            #expect((errors.first?["document"] as? [String: Any])?["_id"] as? String == "d1")
            #expect(try await server.send(.POST, "/_standin/faults/clear").status == 200)
            let clean = try await server.send(.POST, "/shop/orders/_mWrite", json: mWriteBody(count: 3))
            #expect((clean.result["errors"] as? [Any])?.isEmpty == true)
        }
    }
}
