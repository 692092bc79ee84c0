import NIOCore
import NIOHTTP1

/// One complete HTTP request, body decompressed, as the router and actions see it.
struct StandInRequest: Sendable {
    /// The HTTP method (`GET`, `POST`…).
    let verb: String
    /// The path, without query string, still URL-encoded.
    let path: String
    /// Query arguments, decoded; a bare flag (`?strict`) has an empty value.
    let query: [String: String]
    /// The request headers.
    let headers: HTTPHeaders
    /// The decompressed body.
    let body: [UInt8]
    /// `X-Kuzzle-Request-Id` if sent, else a fresh UUID.
    let requestID: String

    /// Splits a request target into path and query.
    static func splitTarget(_ uri: String) -> (path: String, query: [String: String]) {
        guard let questionMark = uri.firstIndex(of: "?") else { return (uri, [:]) }
        let path = String(uri[..<questionMark])
        var query: [String: String] = [:]
        for pair in uri[uri.index(after: questionMark)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]).replacingPlusWithSpace.removingPercentEncodingOrSelf
            let value = parts.count > 1 ? String(parts[1]).replacingPlusWithSpace.removingPercentEncodingOrSelf : ""
            query[name] = value
        }
        return (path, query)
    }

    /// Query booleans are flags: present means true whatever the value (REQ `_getBoolean`).
    func flag(_ name: String) -> Bool { query[name] != nil }

    /// The bearer token: `Authorization: Bearer …` (case-insensitive scheme), else the `jwt` query argument.
    var bearerToken: String? {
        if let authorization = headers.first(name: "Authorization") {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return String(parts[1]) }
        }
        return query["jwt"]
    }
}

extension String {
    fileprivate var replacingPlusWithSpace: String {
        contains("+") ? String(map { $0 == "+" ? " " : $0 }) : self
    }
}

/// What to send back for one request.
enum StandInReply: Sendable {
    /// A Kuzzle envelope (§3.1/§3.2).
    case envelope(Envelope)
    /// A bare error object (§3.3), no envelope, no request id header.
    case bare(KuzzleErrorReply)
    /// A control-surface answer (`/_standin/…`): plain JSON.
    case control(status: Int, body: ByteBuffer)

    /// The parts of an envelope.
    struct Envelope: Sendable {
        var action: KuzzleAction?
        var index: String?
        var collection: String?
        var status: Int = 200
        /// The serialised `result`, or `nil` to omit the key (actions returning nothing). `null` when `error` is set.
        var result: ByteBuffer?
        var error: ErrorBody?
        var volatile: ByteBuffer?
    }

    /// An envelope `error`: the Kuzzle error, plus `count`/`errors` for multiple-errors.
    struct ErrorBody: Sendable {
        var reply: KuzzleErrorReply
        var errors: ByteBuffer?
        var count: Int = 0
    }

    /// The HTTP status.
    var status: Int {
        switch self {
        case .envelope(let envelope): envelope.status
        case .bare(let reply): reply.status
        case .control(let status, _): status
        }
    }

    /// An enveloped error for `action` (or `controller: null` when not routed).
    static func failure(
        _ reply: KuzzleErrorReply,
        action: KuzzleAction?,
        index: String? = nil,
        collection: String? = nil
    ) -> StandInReply {
        .envelope(Envelope(action: action, index: index, collection: collection, status: reply.status, error: ErrorBody(reply: reply)))
    }
}
