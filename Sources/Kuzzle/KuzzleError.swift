/// A whole-request failure: nothing in the answer says which document was written (kuzzle-api.md §10.5).
///
/// Classified by HTTP status and Kuzzle's error `id`, never by message.
public struct KuzzleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What the caller should do about the failure.
    public enum Kind: Sendable, Hashable {
        /// Network error, timeout, 429, 5xx: retry the same batch (same ids) with backoff.
        case transient
        /// 401 `security.token.expired`/`invalid` that a fresh login did not cure: log in again later, then retry.
        case reauthenticate
        /// 413, or a body above the client's request limit (not sent): split the batch.
        case tooLarge
        /// 412 `services.storage.unknown_index`/`unknown_collection`: create the target or halt the partition.
        case missingTarget
        /// Anything else (403, other 4xx, TLS trust failure, refused credentials): retrying cannot help.
        case fatal
    }

    /// What the caller should do.
    public var kind: Kind
    /// The HTTP status, `nil` when no answer arrived.
    public var status: Int?
    /// Kuzzle's error id (`domain.subdomain.name`), `nil` when the answer had none.
    public var id: String?
    /// Kuzzle's message, or a description of the network failure.
    public var message: String
    /// Whether no answer came in time (the request's deadline, or a read or write timeout): no HTTP status then.
    public var isTimeout: Bool
    /// For a connection reset or closed (EOF) before an answer: the size of the body being sent; `nil` otherwise.
    /// A drop alone says nothing about the body (Kuzzle restarting drops connections too); only a drop that repeats at
    /// the same large size suggests a body Kuzzle refuses unread (the writer's policy decides).
    public var droppedWhileSendingBytes: Int?
    /// The size of the body concerned, when known (a body too large to send, a dropped connection).
    public var bodyBytes: Int?

    /// Creates an error.
    public init(
        kind: Kind,
        status: Int?,
        id: String?,
        message: String,
        isTimeout: Bool = false,
        droppedWhileSendingBytes: Int? = nil,
        bodyBytes: Int? = nil
    ) {
        self.kind = kind
        self.status = status
        self.id = id
        self.message = message
        self.isTimeout = isTimeout
        self.droppedWhileSendingBytes = droppedWhileSendingBytes
        self.bodyBytes = bodyBytes ?? droppedWhileSendingBytes
    }

    /// Whether the failure says Kuzzle (or what stands in front of it) is overloaded, so that fewer requests at once
    /// would help: 429 (rate limit), 503 (`api.process.overloaded`, request buffer full), 504 (a proxy gave up
    /// waiting) or a timeout. The adaptive writer concurrency shrinks on these; other failures say nothing about load.
    public var isOverload: Bool {
        switch status {
        case 429, 503, 504: return true
        default: return isTimeout
        }
    }

    /// `"Kuzzle <kind> error (HTTP <status>, <id>): <message>"`.
    public var description: String {
        var text = "Kuzzle \(kind) error"
        switch (status, id) {
        case (let status?, let id?): text += " (HTTP \(status), \(id))"
        case (let status?, nil): text += " (HTTP \(status))"
        case (nil, let id?): text += " (\(id))"
        case (nil, nil): break
        }
        return text + ": " + message
    }

    /// Classifies an error answer by HTTP status and Kuzzle error id (kuzzle-api.md §8, §10.5).
    ///
    /// - 401 `security.token.expired`/`security.token.invalid` → reauthenticate; any other 401 (wrong credentials,
    ///   anonymous refused, API key refresh) → fatal.
    /// - 412 `services.storage.unknown_index`/`unknown_collection` → missingTarget; 413 → tooLarge;
    ///   408, 429, 5xx → transient; every other status (403, 404 `url_not_found`, 400 including
    ///   `services.storage.unexpected_bad_request`) → fatal.
    public static func classify(status: Int, id: String?) -> Kind {
        switch status {
        case 401:
            switch id {
            case "security.token.expired", "security.token.invalid": return .reauthenticate
            default: return .fatal
            }
        case 412:
            switch id {
            case "services.storage.unknown_index", "services.storage.unknown_collection": return .missingTarget
            default: return .fatal
            }
        case 413:
            return .tooLarge
        case 408, 429, 500...599:
            return .transient
        default:
            return .fatal
        }
    }
}
