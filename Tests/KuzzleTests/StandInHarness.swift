import AsyncHTTPClient
import Kuzzle
import KuzzleStandIn
import Logging
import Testing

/// Runs `body` with a fresh stand-in and a client pointed at it, then shuts both down.
///
/// One `HTTPClient` per test, shared by everything the test does, as the daemon shares its one client.
func withStandIn(
    _ standIn: StandInConfiguration = StandInConfiguration(collections: [.init(index: "shop", collection: "orders")]),
    client configure: (inout KuzzleClientConfiguration) -> Void = { _ in },
    _ body: (StandInServer, KuzzleClient) async throws -> Void
) async throws {
    let server = try await StandInServer.start(standIn)
    let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
    var configuration = KuzzleClientConfiguration(url: server.baseURL, requestTimeout: .seconds(10))
    configure(&configuration)
    let client = KuzzleClient(
        configuration: configuration,
        httpClient: httpClient,
        logger: Logger(label: "kuzzle-tests")
    )
    do {
        try await body(server, client)
    } catch {
        try await httpClient.shutdown()
        try await server.shutdown()
        throw error
    }
    try await httpClient.shutdown()
    try await server.shutdown()
}

/// `count` index operations with ids `<prefix>0…` and bodies `{"n":i,"tag":"<tag>"}`.
func indexOperations(_ count: Int, prefix: String = "d", tag: String = "v1") -> [KuzzleBulkOperation] {
    (0..<count).map { index in
        KuzzleBulkOperation(
            id: "\(prefix)\(index)",
            action: .index,
            body: jsonBody(#"{"n":\#(index),"tag":"\#(tag)"}"#)
        )
    }
}

/// JSON text as body bytes.
func jsonBody(_ text: String) -> ArraySlice<UInt8> {
    ArraySlice(text.utf8)
}

/// Runs `body` and returns the ``KuzzleError`` it throws, or `nil` (recording an issue for any other error).
func kuzzleError(_ body: () async throws -> Void) async -> KuzzleError? {
    do {
        try await body()
        return nil
    } catch let error as KuzzleError {
        return error
    } catch {
        Issue.record("expected a KuzzleError, got \(error)")
        return nil
    }
}
