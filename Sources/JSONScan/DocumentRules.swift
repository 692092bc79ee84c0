/// The rules a document operation must follow before it is sent to Kuzzle, shared by the routing scan (BridgeCore)
/// and the Kuzzle client so that each is defined once (kuzzle-api.md §4.1, §4.2, §4.4, §5).
public enum DocumentRules {
    /// The longest document `_id` Elasticsearch accepts, in UTF-8 bytes: a longer one makes it refuse the whole bulk.
    public static let maximumIDBytes = 512

    /// Why an `_id` of `byteCount` UTF-8 bytes cannot be sent ("is empty", "is N bytes long; the limit is 512"), or
    /// `nil` when it can.
    @inlinable
    public static func problemWithID(byteCount: Int) -> String? {
        if byteCount == 0 { return "is empty" }
        if byteCount > maximumIDBytes { return "is \(byteCount) bytes long; the limit is \(maximumIDBytes)" }
        return nil
    }
}

/// The four Elasticsearch bulk action names: the lines bulk:import carries, and the first keys Kuzzle's
/// `_setLastActionToKuzzleMeta` takes for an action line wherever it meets them (kuzzle-api.md §4.2).
public enum BulkActionName: String, Sendable, Hashable, CaseIterable {
    /// Create or replace.
    case index
    /// Create; fails when the document exists.
    case create
    /// Merge a partial document.
    case update
    /// Delete.
    case delete

    /// Whether bulk:mWrite can carry the operation: it only creates or replaces (``index``). The one definition of
    /// mWrite eligibility.
    @inlinable
    public var isMWriteEligible: Bool { self == .index }

    /// The action a string token names (escapes decoded, without allocating), or `nil`.
    @inlinable
    public init?(_ token: JSONStringToken, in scanner: JSONScanner) {
        guard token.hasEscapes || token.content.count == 5 || token.content.count == 6 else { return nil }
        if scanner.content(of: token, equals: "index") {
            self = .index
        } else if scanner.content(of: token, equals: "create") {
            self = .create
        } else if scanner.content(of: token, equals: "update") {
            self = .update
        } else if scanner.content(of: token, equals: "delete") {
            self = .delete
        } else {
            return nil
        }
    }
}
