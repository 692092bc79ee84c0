/// The per-document result of a bulk request: one outcome per operation passed in, by position.
///
/// Kuzzle lists failures only, by `_id`; every operation not listed was written (strict requests included:
/// Kuzzle executes the bulk, then answers 400 with the failures, and the successes stay written).
///
/// Duplicate ids in one batch: failures are matched to operations with the same id (and, for bulk:import, the
/// same action). When an id's group gets as many failures as it has operations, they are paired in order;
/// when it gets fewer, Kuzzle gives no way to tell which duplicate failed, so every operation of the group is
/// reported failed (the extra ones with the group's last failure). Replaying a written duplicate with its group
/// is harmless, while reporting a failed one written could let an older version win on replay.
public struct KuzzleBulkResult: Sendable, Hashable {
    /// `outcomes[i]` is the outcome of `operations[i]`.
    public var outcomes: [KuzzleDocumentOutcome]

    /// Creates a result.
    public init(outcomes: [KuzzleDocumentOutcome]) {
        self.outcomes = outcomes
    }

    /// The number of operations Kuzzle wrote.
    public var writtenCount: Int {
        outcomes.count { $0 == .written }
    }

    /// The positions and failures of the operations that were not written.
    public var failures: [(position: Int, failure: KuzzleDocumentFailure)] {
        outcomes.enumerated().compactMap { position, outcome in
            if case .failed(let failure) = outcome { (position, failure) } else { nil }
        }
    }
}

/// What happened to one operation of a bulk request.
public enum KuzzleDocumentOutcome: Sendable, Hashable {
    /// Kuzzle acknowledged the write.
    case written
    /// Kuzzle refused the operation (or the client did not send it, see ``KuzzleDocumentFailure``).
    case failed(KuzzleDocumentFailure)
}

/// Why one operation was not written, and what to do about it.
public struct KuzzleDocumentFailure: Sendable, Hashable, CustomStringConvertible {
    /// What the caller should do with the operation (kuzzle-api.md §4.4).
    public enum Disposition: Sendable, Hashable {
        /// Transient (429, 5xx, mWrite 409): send it again later, with the same id.
        case retry
        /// The document will never be accepted as is (400, mWrite 404, ...): dead-letter it.
        case permanent
        /// The intended state already holds (import delete 404, import create 409): count it as done.
        case alreadyDone
    }

    /// The per-document status Kuzzle reported (400 for operations the client refused to send).
    public var status: Int
    /// Kuzzle's reason (Elasticsearch's reason or error type for bulk:import).
    public var reason: String
    /// What to do with the operation.
    public var disposition: Disposition
    /// Elasticsearch's error type for a bulk:import item (`version_conflict_engine_exception`…), `nil` when absent.
    public var errorType: String?
    /// Whether the client refused the operation without sending it (empty or over-long id, missing body).
    public var notSent: Bool

    /// Creates a failure.
    public init(
        status: Int,
        reason: String,
        disposition: Disposition,
        errorType: String? = nil,
        notSent: Bool = false
    ) {
        self.status = status
        self.reason = reason
        self.disposition = disposition
        self.errorType = errorType
        self.notSent = notSent
    }

    /// Whether the document was refused because Kuzzle or Elasticsearch is overloaded (429, e.g.
    /// `es_rejected_execution_exception`, or 503): fewer requests at once would help.
    public var isOverload: Bool { status == 429 || status == 503 }

    /// `"<status> <disposition>: <reason>"`.
    public var description: String {
        "\(status) \(disposition): \(reason)"
    }

    /// Classifies a per-document status (kuzzle-api.md §4.4).
    ///
    /// - 429 and 5xx: retry. 400 and other 4xx: permanent.
    /// - 404: bulk:mWrite → permanent (the index vanished behind Kuzzle's cache: a configuration issue);
    ///   delete and update (bulk:import, document:mDelete, document:mUpdate) → already done (the document is gone: nothing is left to delete or to
    ///   update; after an at-least-once replay a later event may have deleted it, so refusing the update would halt a
    ///   partition on a replay); import index/create → permanent.
    /// - 409: bulk:import create → already done (the id exists); bulk:import update → retry (an unversioned update
    ///   that lost a race between Elasticsearch's get and index was not applied; `retry_on_conflict` makes this rare);
    ///   bulk:import index/delete → already done (only an external version, already newer, gives it); bulk:mWrite
    ///   cannot produce it without versions, so it is retried. (The bridge's writer applies its own ``WritePolicy``,
    ///   which also knows whether a line was fenced.)
    /// - A missing or non-error status (0, 1xx–3xx) is treated as retry: nothing proves the document was written.
    public static func disposition(
        status: Int,
        route: KuzzleBulkRoute,
        action: KuzzleBulkAction
    ) -> Disposition {
        switch status {
        case 404:
            if route != .mWrite && (action == .delete || action == .update) { return .alreadyDone }
            return .permanent
        case 409:
            return route == .importBulk && action != .update ? .alreadyDone : .retry
        case 429, 500...599:
            return .retry
        case 400...499:
            return .permanent
        default:
            return .retry
        }
    }
}
