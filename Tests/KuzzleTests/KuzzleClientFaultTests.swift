import Kuzzle
import KuzzleStandIn
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(2))) struct KuzzleClientFaultTests {
    /// Documents whose bodies barely compress (pseudo-random hex), about 200 bytes each.
    static func incompressibleOperations(_ count: Int) -> [KuzzleBulkOperation] {
        var generator = SeededGenerator(seed: 7)
        return (0..<count).map { index in
            let noise = (0..<24).map { _ in String(generator.next() & 0xFFFF_FFFF, radix: 16) }.joined()
            return KuzzleBulkOperation(id: "r\(index)", action: .index, body: jsonBody(#"{"noise":"\#(noise)"}"#))
        }
    }

    static let smallLimit: StandInConfiguration = {
        var configuration = StandInConfiguration(collections: [.init(index: "shop", collection: "orders")])
        configuration.maxRequestSize = 20_000
        return configuration
    }()

    @Test func oversizedPlainBodyIsTooLarge() async throws {
        try await withStandIn(Self.smallLimit, client: { $0.maximumRequestBytes = 10_000_000 }) { server, client in
            let error = await kuzzleError {
                _ = try await client.mWrite(index: "shop", collection: "orders", operations: indexOperations(3_000))
            }
            // Kuzzle answers 413 without reading the body: the client sees the 413 or a dropped connection.
            #expect(error?.kind == .tooLarge || error?.droppedWhileSendingBytes != nil)
            #expect(error?.status == nil || error?.id == "network.http.request_too_large")
            #expect(server.documents(index: "shop", collection: "orders").isEmpty)
        }
    }

    @Test func oversizedGzipBodyIsTooLargeWhileACompressibleOneFitsTheSameLimit() async throws {
        try await withStandIn(
            Self.smallLimit,
            client: {
                $0.gzipRequests = true
                $0.maximumRequestBytes = 10_000_000
            }
        ) { server, client in
            // ~200 KB of repetitive JSON: gzip brings it far below the 20 000-byte limit, and Kuzzle decompresses it.
            let compressible = indexOperations(3_000)
            let result = try await client.mWrite(index: "shop", collection: "orders", operations: compressible)
            #expect(result.writtenCount == 3_000)
            #expect(
                server.documents(index: "shop", collection: "orders")["d2999"]?.bodyText == #"{"n":2999,"tag":"v1"}"#
            )

            let error = await kuzzleError {
                _ = try await client.mWrite(
                    index: "shop",
                    collection: "orders",
                    operations: Self.incompressibleOperations(1_000)
                )
            }
            #expect(error?.kind == .tooLarge || error?.droppedWhileSendingBytes != nil)
            #expect(server.documents(index: "shop", collection: "orders")["r0"] == nil)
        }
    }

    @Test func bodyAboveTheClientLimitIsRefusedWithoutBeingSent() async throws {
        try await withStandIn(client: { $0.maximumRequestBytes = 1_000 }) { server, client in
            let error = await kuzzleError {
                _ = try await client.mWrite(index: "shop", collection: "orders", operations: indexOperations(100))
            }
            #expect(error?.kind == .tooLarge)
            #expect(error?.status == nil)
            #expect(server.counters.requests["bulk:mWrite", default: 0] == 0)
        }
    }

    @Test func overloadIsTransientAndReadyReportsIt() async throws {
        try await withStandIn { server, client in
            server.faults.setOverloaded(true)
            #expect(try await client.ready() == false)
            let error = await kuzzleError {
                _ = try await client.mWrite(index: "shop", collection: "orders", operations: indexOperations(3))
            }
            #expect(error?.kind == .transient)
            #expect(error?.status == 503)
            #expect(error?.id == "api.process.overloaded")
            try await client.healthCheck()

            server.faults.setOverloaded(false)
            #expect(try await client.ready())
            #expect(
                try await client.mWrite(index: "shop", collection: "orders", operations: indexOperations(3))
                    .writtenCount == 3
            )
        }
    }

    @Test(arguments: [
        KuzzleErrorReply.tooManyRequests, .storageNotConnected, .storageTooManyOperations, .storageUnexpected(),
    ])
    func rateLimitsAndStorageFailuresAreTransient(reply: KuzzleErrorReply) async throws {
        try await withStandIn { server, client in
            server.faults.failNextRequests(1, with: reply)
            let error = await kuzzleError {
                _ = try await client.importBulk(index: "shop", collection: "orders", operations: indexOperations(2))
            }
            #expect(error?.kind == .transient)
            #expect(error?.status == reply.status)
            #expect(error?.id == reply.id)
            #expect(server.documents(index: "shop", collection: "orders").isEmpty)
        }
    }

    @Test(arguments: [
        (
            KuzzleErrorReply(status: 400, id: "services.storage.unexpected_bad_request", message: "Validation Failed"),
            KuzzleError.Kind.fatal
        ),
        (KuzzleErrorReply(status: 403, id: "security.rights.forbidden", message: "Insufficient permissions"), .fatal),
        (KuzzleErrorReply(status: 404, id: "network.http.url_not_found", message: "API URL not found"), .fatal),
        (KuzzleErrorReply(status: 413, id: "services.storage.write_limit_exceeded", message: "limit"), .tooLarge),
        (KuzzleErrorReply(status: 504, id: "api.process.timeout", message: "gateway"), .transient),
    ])
    func wholeRequestFailuresAreClassifiedByStatusAndId(reply: KuzzleErrorReply, kind: KuzzleError.Kind) async throws {
        try await withStandIn { server, client in
            server.faults.failNextRequests(1, with: reply)
            let error = await kuzzleError {
                _ = try await client.mWrite(index: "shop", collection: "orders", operations: indexOperations(2))
            }
            #expect(error?.kind == kind)
            #expect(error?.status == reply.status)
            #expect(error?.id == reply.id)
            #expect(error?.message == reply.message)
        }
    }

    @Test func connectionDroppedAfterTheWriteIsTransientAndTheReplayIsIdempotent() async throws {
        try await withStandIn { server, client in
            let operations = indexOperations(10, tag: "final")
            server.faults.dropConnections(.afterWrite)
            let error = await kuzzleError {
                _ = try await client.mWrite(index: "shop", collection: "orders", operations: operations)
            }
            #expect(error?.kind == .transient)
            #expect(error?.status == nil)
            #expect(server.documents(index: "shop", collection: "orders")["d4"]?.version == 1)

            let replay = try await client.mWrite(index: "shop", collection: "orders", operations: operations)
            #expect(replay.writtenCount == 10)
            let stored = server.documents(index: "shop", collection: "orders")
            #expect(stored.count == 10)
            // One write per attempt, same content: the ids made the replay a replace, not a duplicate.
            #expect(stored.values.allSatisfy { $0.version == 2 && $0.bodyText.contains(#""tag":"final""#) })
        }
    }

    @Test func connectionDroppedBeforeTheWriteIsTransientAndWritesNothing() async throws {
        try await withStandIn { server, client in
            server.faults.dropConnections(.beforeWrite)
            let error = await kuzzleError {
                _ = try await client.mWrite(index: "shop", collection: "orders", operations: indexOperations(4))
            }
            #expect(error?.kind == .transient)
            #expect(server.documents(index: "shop", collection: "orders").isEmpty)
        }
    }

    @Test func unansweredRequestTimesOutAsTransient() async throws {
        try await withStandIn(client: { $0.requestTimeout = .milliseconds(300) }) { server, client in
            server.faults.setHanging(true)
            let error = await kuzzleError {
                _ = try await client.mWrite(index: "shop", collection: "orders", operations: indexOperations(1))
            }
            server.faults.setHanging(false)
            #expect(error?.kind == .transient)
        }
    }

    @Test func unreachableKuzzleIsTransient() async throws {
        try await withStandIn(client: {
            $0.url = "http://127.0.0.1:1"
            $0.requestTimeout = .seconds(1)
        }) { _, client in
            let error = await kuzzleError { try await client.healthCheck() }
            #expect(error?.kind == .transient)
            #expect(error?.status == nil)
        }
    }
}
