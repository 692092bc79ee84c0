/// When a connection-drop fault closes the connection of a write request.
public enum StandInConnectionDrop: String, Sendable, Hashable {
    /// Close before applying the write: nothing is written, no answer.
    case beforeWrite
    /// Apply the write, then close without answering.
    case afterWrite
}

/// A per-document rejection: documents whose top-level `field` equals `value` get a 400 item error that
/// looks like an Elasticsearch mapping error (the stand-in has no mappings; this is how tests get one).
public struct StandInDocumentRejection: Sendable, Hashable {
    /// Top-level field name.
    public var field: String
    /// The value that triggers the rejection: a string value is compared decoded, anything else as raw JSON.
    public var value: String

    /// Creates a rejection rule.
    public init(field: String, value: String) {
        self.field = field
        self.value = value
    }

    /// Elasticsearch's wording for a value its mapping cannot parse.
    func reason(documentID: String?) -> String {
        "failed to parse field [\(field)] of type [long] in document with id '\(documentID ?? "")'. "
            + "Preview of field's value: '\(value)'"
    }

    /// Whether a document body matches.
    func matches(_ body: RawJSON) -> Bool {
        guard let fieldValue = body[field] else { return false }
        if let string = fieldValue.stringValue { return string == value }
        return fieldValue.text == value
    }
}

/// What the fault plan decided for one request.
struct FaultDecision: Sendable {
    var failure: KuzzleErrorReply?
    var latency: Duration?
    var drop: StandInConnectionDrop?
    var hang = false
    /// Whether the request took one of the concurrent-write cap's places; released once it is answered or dropped.
    var holdsWriteSlot = false
}

/// Injected faults (control surface only: real Kuzzle has no such thing). Locked by ``StandInState``.
struct FaultPlan: Sendable {
    var pendingFailures: [KuzzleErrorReply] = []
    var latency: Duration?
    var pendingDrops: [StandInConnectionDrop] = []
    var rejections: [StandInDocumentRejection] = []
    /// Concurrent writes the next bulk:import `update` operations run into (each one a version conflict between
    /// Elasticsearch's get and index); an update absorbs up to `retry_on_conflict` of them, then fails with 409.
    var pendingUpdateConflicts = 0
    var overloaded = false
    var hanging = false
    /// While set, a document-writing request arriving when `limit` admitted ones are still unanswered gets `error`.
    var concurrentWriteCap: (limit: Int, error: KuzzleErrorReply)?
    /// Document-writing requests admitted under the cap and not answered yet.
    var writesInProgress = 0
    /// Requests held while hanging, resumed when the hang is cleared.
    var heldRequests: [@Sendable () -> Void] = []

    /// Consumes the faults that apply to one routed API request.
    mutating func decide(for action: KuzzleAction) -> FaultDecision {
        var decision = FaultDecision(latency: latency, hang: hanging)
        if action == .routerHealthCheck { return decision }
        if action == .routerReady {
            if overloaded { decision.failure = .overloaded }
            return decision
        }
        if overloaded {
            decision.failure = .overloaded
        } else if !pendingFailures.isEmpty {
            decision.failure = pendingFailures.removeFirst()
        } else if action.writesDocuments, !pendingDrops.isEmpty {
            decision.drop = pendingDrops.removeFirst()
        }
        if decision.failure == nil, action.writesDocuments, let cap = concurrentWriteCap {
            if writesInProgress >= cap.limit {
                // Refused at once, as a full request buffer is: neither delayed nor held.
                decision.failure = cap.error
                decision.latency = nil
                decision.hang = false
            } else {
                writesInProgress += 1
                decision.holdsWriteSlot = true
            }
        }
        return decision
    }

    /// Consumes the conflicts one update with `retry_on_conflict` = `retries` runs into.
    /// - Returns: Whether the update fails with 409 (more conflicts than retries).
    mutating func updateConflicts(retries: Int) -> Bool {
        guard pendingUpdateConflicts > 0 else { return false }
        let met = min(pendingUpdateConflicts, retries + 1)
        pendingUpdateConflicts -= met
        return met > retries
    }

    /// A request admitted under the concurrent-write cap was answered (or dropped).
    mutating func writeFinished() {
        writesInProgress = max(0, writesInProgress - 1)
    }
}
