import JSONScan
import Logging
import NIOCore
import NIOHTTP1

extension KuzzleClient {
    /// Whether the index exists: `GET /{index}/_exists`.
    ///
    /// - Throws: ``KuzzleError`` classified from the answer or the network failure.
    public func indexExists(_ index: String) async throws(KuzzleError) -> Bool {
        try await boolResult(.GET, Self.pathSegment(index) + "/_exists")
    }

    /// Whether the collection exists: `GET /{index}/{collection}/_exists`.
    ///
    /// - Throws: ``KuzzleError`` classified from the answer or the network failure.
    public func collectionExists(index: String, collection: String) async throws(KuzzleError) -> Bool {
        try await boolResult(.GET, Self.pathSegment(index) + Self.pathSegment(collection) + "/_exists")
    }

    /// Creates the collection (and its index when missing), or updates its mappings: `PUT /{index}/{collection}`.
    ///
    /// - Parameters:
    ///   - mappings: The `mappings` object as JSON text (e.g. `{"dynamic":"false","properties":{…}}`), sent as is;
    ///     `nil` sends none (Kuzzle's default mappings).
    ///   - settings: The Elasticsearch index `settings` object as JSON text (e.g. `{"index":{"gc_deletes":"60s"}}`
    ///     for a fenced collection), sent as is; `nil` sends none.
    /// - Throws: ``KuzzleError`` classified from the answer (e.g. fatal for an invalid name).
    public func createCollection(
        index: String,
        collection: String,
        mappings: String? = nil,
        settings: String? = nil
    ) async throws(KuzzleError) {
        var body = ByteBuffer()
        body.writeStaticString("{")
        if let mappings {
            body.writeStaticString("\"mappings\":")
            body.writeString(mappings)
        }
        if let settings {
            if mappings != nil { body.writeStaticString(",") }
            body.writeStaticString("\"settings\":")
            body.writeString(settings)
        }
        body.writeStaticString("}")
        let answer = try await perform(.PUT, Self.pathSegment(index) + Self.pathSegment(collection), body: body)
        guard answer.status == 200 else { throw error(from: answer) }
        logger.info(
            "Kuzzle collection created",
            metadata: ["kuzzle.index": "\(index)", "kuzzle.collection": "\(collection)"]
        )
    }

    /// Checks that Kuzzle answers at all: `GET /_healthcheck` (no authentication).
    ///
    /// - Throws: ``KuzzleError`` when the answer is not 200 or none came.
    public func healthCheck() async throws(KuzzleError) {
        let answer = try await exchange(.GET, "/_healthcheck", body: nil, gzipped: false, token: nil)
        guard answer.status == 200 else { throw error(from: answer) }
    }

    /// Whether Kuzzle accepts work: `GET /_ready` (no authentication) answers 200, or 503 while the node starts or
    /// its request buffer is in use (overloaded).
    ///
    /// - Returns: `true` for 200, `false` for 503.
    /// - Throws: ``KuzzleError`` for any other answer, or when none came.
    public func ready() async throws(KuzzleError) -> Bool {
        let answer = try await exchange(.GET, "/_ready", body: nil, gzipped: false, token: nil)
        switch answer.status {
        case 200: return true
        case 503: return false
        default: throw error(from: answer)
        }
    }

    /// Proves the credentials work with an authenticated call (`GET /_me`, logging in first when needed).
    ///
    /// - Returns: The kuid Kuzzle knows the client as (`-1` for anonymous).
    /// - Throws: ``KuzzleError``: fatal for refused credentials (wrong password, invalid API key).
    @discardableResult
    public func checkCredentials() async throws(KuzzleError) -> String {
        let answer = try await perform(.GET, "/_me")
        guard answer.status == 200 else { throw error(from: answer) }
        let parsed = try parse(answer) { (scanner) throws(JSONScanError) -> String? in
            var kuid: String?
            guard scanner.peek() == UInt8(ascii: "{") else {
                try scanner.skipValue()
                return nil
            }
            try scanner.readObject { (scanner, key) throws(JSONScanError) in
                if key.is("_id") { kuid = try scanner.readOptionalString() } else { try scanner.skipValue() }
            }
            return kuid
        }
        guard let kuid = parsed.result ?? nil else {
            throw KuzzleError(kind: .fatal, status: answer.status, id: nil, message: "GET /_me answered without _id")
        }
        return kuid
    }

    /// Sends a request whose `result` is a boolean.
    private func boolResult(_ method: HTTPMethod, _ path: String) async throws(KuzzleError) -> Bool {
        let answer = try await perform(method, path)
        guard answer.status == 200 else { throw error(from: answer) }
        let parsed = try parse(answer) { (scanner) throws(JSONScanError) in try scanner.readBool() }
        guard let value = parsed.result ?? nil else {
            throw KuzzleError(kind: .transient, status: answer.status, id: nil, message: "expected a boolean result")
        }
        return value
    }
}
