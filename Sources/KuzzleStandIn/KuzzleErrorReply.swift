/// A Kuzzle error as the stand-in sends it: HTTP status, Kuzzle error id, message and placeholders.
///
/// Serialised like Kuzzle's `KuzzleError.toJSON` (kuzzle-api.md §3.2): `code`, `id`, `message`, `props`,
/// `status`, then `count`/`errors` for `api.process.incomplete_multiple_request`.
public struct KuzzleErrorReply: Error, Sendable, Hashable {
    /// The HTTP status (equal to the envelope's `status`).
    public var status: Int
    /// The Kuzzle error id, `domain.subdomain.name`.
    public var id: String
    /// The formatted message.
    public var message: String
    /// The message placeholders.
    public var props: [String]

    /// Creates an error reply; prefer the named constructors, which carry Kuzzle's exact messages.
    public init(status: Int, id: String, message: String, props: [String] = []) {
        self.status = status
        self.id = id
        self.message = message
        self.props = props
    }

    /// Kuzzle's numeric code: domain << 24 | subdomain << 16 | error, or 0 for an id Kuzzle does not define.
    public var code: Int { Self.codes[id] ?? 0 }

    // MARK: - Errors a fault can inject

    /// 503 `api.process.overloaded`: the request buffer is full.
    public static let overloaded = KuzzleErrorReply(
        status: 503,
        id: "api.process.overloaded",
        message: "Request discarded: Kuzzle Server is temporarily overloaded."
    )

    /// 503 `api.process.shutting_down`.
    public static let shuttingDown = KuzzleErrorReply(
        status: 503,
        id: "api.process.shutting_down",
        message: "Rejected: this node is shutting down."
    )

    /// 429 `api.process.too_many_requests`: the user's rate limit was hit.
    public static let tooManyRequests = KuzzleErrorReply(
        status: 429,
        id: "api.process.too_many_requests",
        message: "Rejected: requests rate limit exceeded for this user."
    )

    /// 401 `security.token.expired`.
    public static let tokenExpired = KuzzleErrorReply(
        status: 401,
        id: "security.token.expired",
        message: "Token expired"
    )

    /// 401 `security.token.invalid`.
    public static let tokenInvalid = KuzzleErrorReply(
        status: 401,
        id: "security.token.invalid",
        message: "Invalid token."
    )

    /// 500 `services.storage.unexpected_error` with Elasticsearch's reason.
    public static func storageUnexpected(_ reason: String = "Internal server error") -> KuzzleErrorReply {
        KuzzleErrorReply(status: 500, id: "services.storage.unexpected_error", message: reason, props: [reason])
    }

    /// 500 `services.storage.not_connected`.
    public static let storageNotConnected = KuzzleErrorReply(
        status: 500,
        id: "services.storage.not_connected",
        message: "Elasticsearch service is not connected."
    )

    /// 500 `services.storage.too_many_operations` (ES write thread pool rejection of a whole bulk).
    public static let storageTooManyOperations = KuzzleErrorReply(
        status: 500,
        id: "services.storage.too_many_operations",
        message: "\"bulk\" threads buffer exceeded. Too many operations received at once.",
        props: ["bulk"]
    )

    // MARK: - Codes (kuzzle-api.md §8 and Kuzzle's error code pages)

    private static let codes: [String: Int] = [
        "api.assert.invalid_type": 33_619_969,
        "api.assert.invalid_argument": 33_619_970,
        "api.assert.missing_argument": 33_619_971,
        "api.assert.unexpected_argument": 33_619_975,
        "api.assert.body_required": 33_619_976,
        "api.process.overloaded": 33_685_506,
        "api.process.shutting_down": 33_685_511,
        "api.process.too_many_requests": 33_685_512,
        "api.process.incomplete_multiple_request": 33_685_514,
        "network.http.request_too_large": 50_397_185,
        "network.http.too_many_encodings": 50_397_187,
        "network.http.unsupported_compression": 50_397_188,
        "network.http.unsupported_verb": 50_397_190,
        "network.http.url_not_found": 50_397_191,
        "network.http.unsupported_content": 50_397_192,
        "network.http.body_parse_failed": 50_397_196,
        "security.token.invalid": 117_506_049,
        "security.token.expired": 117_506_054,
        "security.token.refresh_forbidden": 117_506_056,
        "security.rights.unauthorized": 117_637_121,
        "security.rights.forbidden": 117_637_122,
        "security.credentials.unknown_strategy": 117_571_585,
        "plugin.strategy.missing_user": 67_305_492,
        "services.storage.unknown_index": 16_842_753,
        "services.storage.unknown_collection": 16_842_754,
        "services.storage.get_limit_exceeded": 16_842_755,
        "services.storage.write_limit_exceeded": 16_842_756,
        "services.storage.not_found": 16_842_763,
        "services.storage.search_as_an_id": 16_842_767,
        "services.storage.document_already_exists": 16_842_769,
        "services.storage.invalid_argument": 16_842_771,
        "services.storage.not_connected": 16_842_776,
        "services.storage.too_many_operations": 16_842_777,
        "services.storage.unexpected_bad_request": 16_842_785,
        "services.storage.unexpected_error": 16_842_787,
        "services.storage.index_already_exists": 16_842_790,
        "services.storage.invalid_index_name": 16_842_793,
        "services.storage.invalid_collection_name": 16_842_794,
        "services.storage.invalid_query_keyword": 16_842_799,
    ]
}

// MARK: - Errors the stand-in raises by itself (same ids and messages as Kuzzle)

extension KuzzleErrorReply {
    static func requestTooLarge() -> KuzzleErrorReply {
        KuzzleErrorReply(status: 413, id: "network.http.request_too_large", message: "Maximum HTTP request size exceeded.")
    }

    static func urlNotFound(_ path: String) -> KuzzleErrorReply {
        KuzzleErrorReply(
            status: 404,
            id: "network.http.url_not_found",
            message: "API URL not found: \(path).",
            props: [path]
        )
    }

    static func unsupportedVerb(_ verb: String) -> KuzzleErrorReply {
        KuzzleErrorReply(
            status: 400,
            id: "network.http.unsupported_verb",
            message: "Unsupported HTTP verb \"\(verb)\".",
            props: [verb]
        )
    }

    static func unsupportedContent(_ type: String) -> KuzzleErrorReply {
        KuzzleErrorReply(
            status: 400,
            id: "network.http.unsupported_content",
            message: "Invalid request content-type. Expected \"application/json\", got: \"\(type)\".",
            props: [type]
        )
    }

    static func unsupportedCompression(_ encoding: String) -> KuzzleErrorReply {
        KuzzleErrorReply(
            status: 400,
            id: "network.http.unsupported_compression",
            message: "Unsupported compression algorithm \"\(encoding)\".",
            props: [encoding]
        )
    }

    static func tooManyEncodings() -> KuzzleErrorReply {
        KuzzleErrorReply(
            status: 400,
            id: "network.http.too_many_encodings",
            message: "Too many encodings.",
            props: []
        )
    }

    static func bodyParseFailed(_ body: [UInt8]) -> KuzzleErrorReply {
        let preview = String(decoding: body.prefix(50), as: UTF8.self)
        return KuzzleErrorReply(
            status: 400,
            id: "network.http.body_parse_failed",
            message: "Unable to convert the HTTP body to JSON: \(preview)",
            props: [preview]
        )
    }

    static func bodyRequired() -> KuzzleErrorReply {
        KuzzleErrorReply(status: 400, id: "api.assert.body_required", message: "The request must specify a body.")
    }

    static func missingArgument(_ name: String) -> KuzzleErrorReply {
        KuzzleErrorReply(
            status: 400,
            id: "api.assert.missing_argument",
            message: "Missing argument \"\(name)\".",
            props: [name]
        )
    }

    static func invalidType(_ name: String, expected: String) -> KuzzleErrorReply {
        KuzzleErrorReply(
            status: 400,
            id: "api.assert.invalid_type",
            message: "Wrong type for argument \"\(name)\" (expected: \(expected))",
            props: [name, expected]
        )
    }

    static func invalidArgument(_ name: String, expected: String) -> KuzzleErrorReply {
        KuzzleErrorReply(
            status: 400,
            id: "api.assert.invalid_argument",
            message: "Invalid argument \"\(name)\". Expected: \(expected)",
            props: [name, expected]
        )
    }

    static func unknownIndex(_ index: String) -> KuzzleErrorReply {
        KuzzleErrorReply(
            status: 412,
            id: "services.storage.unknown_index",
            message: "The index \"\(index)\" does not exist.",
            props: [index]
        )
    }

    static func unknownCollection(_ index: String, _ collection: String) -> KuzzleErrorReply {
        KuzzleErrorReply(
            status: 412,
            id: "services.storage.unknown_collection",
            message: "The collection \"\(index)\":\"\(collection)\" does not exist.",
            props: [index, collection]
        )
    }

    static func documentNotFound(_ id: String, _ index: String, _ collection: String) -> KuzzleErrorReply {
        KuzzleErrorReply(
            status: 404,
            id: "services.storage.not_found",
            message: "Document \"\(id)\" not found in \"\(index)\":\"\(collection)\".",
            props: [id, index, collection]
        )
    }

    static func unexpectedBadRequest(_ reason: String) -> KuzzleErrorReply {
        KuzzleErrorReply(status: 400, id: "services.storage.unexpected_bad_request", message: reason, props: [reason])
    }

    static func invalidQueryKeyword(_ keyword: String) -> KuzzleErrorReply {
        KuzzleErrorReply(
            status: 400,
            id: "services.storage.invalid_query_keyword",
            message: "The \"\(keyword)\" keyword is not allowed in this query.",
            props: [keyword]
        )
    }

    static func indexAlreadyExists(_ index: String) -> KuzzleErrorReply {
        KuzzleErrorReply(
            status: 412,
            id: "services.storage.index_already_exists",
            message: "A public index named \"\(index)\" already exists",
            props: ["public", index]
        )
    }

    static func invalidName(_ name: String, isIndex: Bool) -> KuzzleErrorReply {
        let kind = isIndex ? "index" : "collection"
        return KuzzleErrorReply(
            status: 400,
            id: "services.storage.invalid_\(kind)_name",
            message: "The \(kind) name \"\(name)\" is invalid",
            props: [name]
        )
    }

    static func unauthorized(controller: String, action: String) -> KuzzleErrorReply {
        KuzzleErrorReply(
            status: 401,
            id: "security.rights.unauthorized",
            message: "Unauthorized: authentication required to execute the action \"\(controller):\(action)\". -1",
            props: [controller, action, "-1"]
        )
    }

    static func wrongCredentials(_ reason: String) -> KuzzleErrorReply {
        KuzzleErrorReply(status: 401, id: "plugin.strategy.missing_user", message: reason, props: [reason])
    }

    static func unknownStrategy(_ strategy: String) -> KuzzleErrorReply {
        KuzzleErrorReply(
            status: 400,
            id: "security.credentials.unknown_strategy",
            message: "Unknown authentication strategy \"\(strategy)\"",
            props: [strategy]
        )
    }

    static func refreshForbidden() -> KuzzleErrorReply {
        KuzzleErrorReply(
            status: 401,
            id: "security.token.refresh_forbidden",
            message: "API Key cannot be refreshed.",
            props: ["API Key"]
        )
    }
}
