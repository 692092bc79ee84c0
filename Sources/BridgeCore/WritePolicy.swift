/// The write policy: what to do with a batch after each attempt, as pure functions of the answer and the attempt
/// history (kuzzle-api.md §4.4, §8, §9, §10). No clock, no randomness, no I/O: ``BatchWritePlan`` applies the
/// decisions to a batch and the writer performs them.
public struct WritePolicy: Sendable, Hashable {
    /// Whether a 412 unknown index/collection creates the collection (`kuzzle.create_missing_collections`).
    public var createMissingCollections: Bool
    /// Whether a dead-letter topic is configured: documents refused because their target is missing are then
    /// dead-lettered instead of halting their partitions.
    public var hasDeadLetterTopic: Bool
    /// Whether a refused token can be renewed (login authentication): 401 `security.token.expired`/`invalid` is then
    /// transient; with an API key or anonymously it halts.
    public var canRenewToken: Bool
    /// How many identical whole-request failures in a row prove that the request, not Kuzzle's state, is at fault:
    /// the request is then bisected (or split, for dropped connections on large bodies). At least 2. Default: 3.
    public var identicalFailureLimit: Int
    /// A dropped connection counts as a possible size failure only from this body size (Kuzzle answers 413 without
    /// reading the body, and the client may see the reset instead). Default: 64 KiB.
    public var largeBodyBytes: Int

    /// Creates a policy.
    public init(
        createMissingCollections: Bool = false,
        hasDeadLetterTopic: Bool = false,
        canRenewToken: Bool = false,
        identicalFailureLimit: Int = 3,
        largeBodyBytes: Int = 65_536
    ) {
        self.createMissingCollections = createMissingCollections
        self.hasDeadLetterTopic = hasDeadLetterTopic
        self.canRenewToken = canRenewToken
        self.identicalFailureLimit = max(2, identicalFailureLimit)
        self.largeBodyBytes = largeBodyBytes
    }

    // MARK: - Per document

    /// What to do with one document Kuzzle listed as failed.
    public enum ItemVerdict: Sendable, Hashable {
        /// The intended state holds (import delete/update of a missing document, import create of an existing one, a
        /// fenced line already newer): done.
        case done
        /// Transient: resend it (and what follows it for the same id). `overload` for 429/503.
        case retry(overload: Bool)
        /// It will never be accepted as is: dead-letter it.
        case refuse
    }

    /// The verdict on one failed document (kuzzle-api.md §4.4, issue 14 item 4).
    ///
    /// - 400 and other 4xx: refuse, except a document:mCreate item answered 400 "document already exists" (Kuzzle
    ///   2.56 checks with its own mGet before writing, realtime.md §2): done, the id exists. 404: done for a `delete`
    ///   or an `update` through bulk:import or the document controller (nothing left to delete; a later event of an
    ///   at-least-once replay may have deleted it), refuse otherwise (mWrite: the index vanished behind Kuzzle's
    ///   cache). 409: done for an import `create` (exists) and a fenced line (already newer); retry for an unfenced
    ///   `update` (lost a race between Elasticsearch's get and index: not applied) and for anything else.
    /// - 429, 5xx and statuses that are no error (0, 1xx–3xx: nothing proves a write): retry.
    public func verdict(on failure: WriteItemFailure, route: WriteRoute, action: DocumentAction) -> ItemVerdict {
        if failure.notSent { return .refuse }
        switch failure.status {
        case 400
        where route == .document && action == .create && failure.reason == Self.documentAlreadyExistsReason:
            return .done
        case 404:
            return route != .mWrite && (action == .delete || action == .update) ? .done : .refuse
        case 409:
            if route == .importBulk && (action == .create || failure.fenced) { return .done }
            return .retry(overload: false)
        case 429, 503:
            return .retry(overload: true)
        case 500...599:
            return .retry(overload: false)
        case 400...499:
            return .refuse
        default:
            return .retry(overload: false)
        }
    }

    /// The per-item reason of Kuzzle 2.56's document:mCreate for an id that exists.
    public static let documentAlreadyExistsReason = "document already exists"

    /// Kuzzle's error id for more documents in one document:m* request than `limits.documentsWriteCount`.
    public static let writeLimitExceededID = "services.storage.write_limit_exceeded"

    // MARK: - Whole request

    /// What to do after a whole-request failure of an attempt holding `documents` documents.
    public enum RequestDecision: Sendable, Hashable {
        /// Transient: send the same documents again after the backoff delay.
        case retry
        /// Too large (413, or a dropped connection repeating at the same large size): send each half, now.
        case split
        /// One document makes the whole request fail (a Kuzzle 400, or a failure repeating identically): send each
        /// half, now, to find it.
        case bisect
        /// The attempt's only document is refused for good.
        case refuse(WriteRefusal)
        /// 412 with `create_missing_collections`: create the collection, then resend.
        case createTarget
        /// 412 with a dead-letter topic and without `create_missing_collections`: every document of the attempt is
        /// refused for good (dead-lettered with the 412 reason); their partitions do not halt.
        case refuseAll(WriteRefusal)
        /// The target or the configuration is unusable: every document of the attempt is refused and its partitions
        /// halt whatever the dead-letter configuration.
        case halt(WriteRefusal)
    }

    /// Kuzzle error ids that say the storage layer as a whole is down or saturated: retried forever, never taken for a
    /// document's fault however often they repeat.
    public static let outageErrorIDs: Set<String> = [
        "services.storage.not_connected", "services.storage.too_many_operations", "api.process.overloaded",
        "api.process.shutting_down", "api.process.too_many_requests",
    ]

    /// The decision after `failure`, `history` already holding it (``WriteHistory/noting(_:policy:)``).
    ///
    /// - 401 `security.token.expired`/`invalid` with login: retry; other 401, 403, 404 (`network.http.url_not_found`:
    ///   a wrong URL or an index named like a route), other 4xx, and unusable transports: halt.
    /// - 412 `services.storage.unknown_index`/`unknown_collection`: create the target once when configured; else
    ///   refuse every document with a dead-letter topic; else halt.
    /// - 413 and bodies too large to send: split; a lone document is refused.
    /// - 400 with a Kuzzle error id (`services.storage.unexpected_bad_request`…): bisect; a lone document is refused.
    ///   A 400 without a Kuzzle error (a proxy's) is transient (issue 14 item 8).
    /// - 408, 429, 502, 503, 504, timeouts, unreachable: retry forever.
    /// - 500 and other 5xx: retry; once the same status and error id came back ``identicalFailureLimit`` times in a
    ///   row (bulk:import's action-line trap answers the same 500 forever), bisect, and refuse the lone document with
    ///   a reason naming the status and error id (issue 14 item 5). ``outageErrorIDs`` never count.
    /// - A dropped connection: retry; on a body of at least ``largeBodyBytes`` dropped ``identicalFailureLimit``
    ///   times in a row at the same size, split (issue 14 item 8), and refuse a lone document.
    public func decide(
        after failure: WriteRequestFailure,
        documents: Int,
        history: WriteHistory,
        target: DocumentTarget
    ) -> RequestDecision {
        let alone = documents <= 1
        switch failure {
        case .answered(let status, let errorID, let message):
            let refusal = WriteRefusal(status: status, errorID: errorID, reason: message)
            switch status {
            case 401:
                let renewable = errorID == "security.token.expired" || errorID == "security.token.invalid"
                return renewable && canRenewToken ? .retry : .halt(refusal)
            case 412
            where errorID == "services.storage.unknown_index" || errorID == "services.storage.unknown_collection":
                if createMissingCollections && !history.triedCreatingTarget { return .createTarget }
                let reason =
                    "Kuzzle has no collection \(target) (\(errorID ?? "412")); create it or set "
                    + "kuzzle.create_missing_collections"
                let missing = WriteRefusal(status: status, errorID: errorID, reason: reason)
                if hasDeadLetterTopic && !createMissingCollections { return .refuseAll(missing) }
                return .halt(missing)
            case 413:
                return alone
                    ? .refuse(
                        WriteRefusal(
                            status: status,
                            errorID: errorID,
                            reason: "document larger than the Kuzzle request limit: \(message)"
                        )
                    ) : .split
            case 400:
                guard errorID != nil else { return .retry }
                return alone ? .refuse(refusal) : .bisect
            case 408, 429, 502, 503, 504:
                return .retry
            case 500...599:
                if let errorID, Self.outageErrorIDs.contains(errorID) { return .retry }
                guard history.repeatsIdentically(failure, policy: self) else { return .retry }
                return alone
                    ? .refuse(
                        WriteRefusal(
                            status: status,
                            errorID: errorID,
                            reason: "Kuzzle answered HTTP \(status) \(errorID ?? "without an error id") "
                                + "\(history.identicalFailures) times to a request holding only this document: "
                                + message
                        )
                    ) : .bisect
            case 100...399:
                return .retry
            default:
                return .halt(refusal)
            }
        case .connectionDropped(let bytes, let message):
            guard bytes >= largeBodyBytes, history.repeatsIdentically(failure, policy: self) else { return .retry }
            return alone
                ? .refuse(
                    WriteRefusal(
                        status: nil,
                        errorID: nil,
                        reason: "the connection dropped \(history.identicalFailures) times while sending this "
                            + "document alone (\(bytes) bytes): likely larger than Kuzzle accepts (\(message))"
                    )
                ) : .split
        case .timedOut, .unreachable:
            return .retry
        case .tooLargeToSend(_, let message):
            return alone
                ? .refuse(
                    WriteRefusal(
                        status: 413,
                        errorID: nil,
                        reason: "document larger than the Kuzzle request limit: \(message)"
                    )
                ) : .split
        case .unusable(let message):
            return .halt(WriteRefusal(status: nil, errorID: nil, reason: message))
        }
    }
}

/// What a batch's earlier attempts have shown, as far as the policy needs it.
public struct WriteHistory: Sendable, Hashable {
    /// The identity of a whole-request failure: status and error id, or a dropped connection and its body size.
    public struct Signature: Sendable, Hashable {
        /// The HTTP status, `nil` for a dropped connection.
        public var status: Int?
        /// Kuzzle's error id.
        public var errorID: String?
        /// The body size of a dropped connection.
        public var droppedAtBytes: Int?
    }

    /// Whether the writer already tried to create the missing target.
    public var triedCreatingTarget = false
    /// The last whole-request failure of the current group of documents.
    public private(set) var lastFailure: Signature?
    /// How many times in a row the current group failed with ``lastFailure``.
    public private(set) var identicalFailures = 0
    /// Answered failures proven to repeat (they reached the limit once): a part of the batch that fails the same way
    /// is bisected at once, since waiting for more repeats would prove nothing new.
    public private(set) var repeatingFailures: Set<Signature> = []
    /// Whether dropped connections on large bodies were proven to repeat: a part that drops too is split at once.
    public private(set) var dropsRepeat = false

    /// An empty history.
    public init() {}

    /// A history with `count` identical failures of `failure` in a row, for tests of the policy.
    public init(identical failure: WriteRequestFailure, count: Int) {
        lastFailure = Self.signature(of: failure)
        identicalFailures = count
    }

    /// The history once `failure` is recorded for the current group.
    public func noting(_ failure: WriteRequestFailure, policy: WritePolicy) -> WriteHistory {
        var next = self
        let signature = Self.signature(of: failure)
        if let signature, signature == lastFailure {
            next.identicalFailures += 1
        } else {
            next.lastFailure = signature
            next.identicalFailures = signature == nil ? 0 : 1
        }
        if next.identicalFailures >= policy.identicalFailureLimit, let signature {
            if signature.droppedAtBytes != nil {
                next.dropsRepeat = true
            } else {
                next.repeatingFailures.insert(signature)
            }
        }
        return next
    }

    /// Whether `failure` (already noted) has proven to repeat.
    func repeatsIdentically(_ failure: WriteRequestFailure, policy: WritePolicy) -> Bool {
        guard let signature = Self.signature(of: failure) else { return false }
        if signature.droppedAtBytes != nil { return dropsRepeat }
        return repeatingFailures.contains(signature)
    }

    /// The group of documents changed (split, bisected, partly written): repeats are counted afresh.
    public mutating func groupChanged() {
        lastFailure = nil
        identicalFailures = 0
    }

    /// Only answered failures and dropped connections have a signature that can repeat.
    static func signature(of failure: WriteRequestFailure) -> Signature? {
        switch failure {
        case .answered(let status, let errorID, _): Signature(status: status, errorID: errorID)
        case .connectionDropped(let bytes, _): Signature(droppedAtBytes: bytes)
        default: nil
        }
    }
}
