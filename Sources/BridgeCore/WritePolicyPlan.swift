import DequeModule

/// The write of one batch as a state machine: which documents to send next, and what each answer settles.
///
/// The writer asks ``nextStep()`` and performs it (sleep the attempt's delay, send its positions, or create the
/// target), then reports what happened (``record(_:of:using:)``, ``targetCreation(succeeded:)``); ``WritePolicy``
/// decides. Positions are the batch's operation positions. Pure: no clock, no I/O; randomness (backoff jitter) only
/// through the generator passed in.
///
/// Rules beyond the policy's:
/// - per-id order: a document resent after a transient failure or a fallback is resent with every later operation of
///   its id in the same request (``DocumentBatch/retryPositions(afterFailuresAt:)``);
/// - a refused write that replaced earlier writes of its id in the batch (coalescing) falls back to the latest of them
///   (issue 14 item 1): the refused event is reported, the earlier version is sent in its place, and so on back to the
///   first; Kuzzle ends with the last acceptable version;
/// - with `writer.route: mWrite`, events bulk:mWrite cannot carry (anything but `write`) are refused each on its own,
///   the others written (issue 14 item 13);
/// - through the document controller (``WriteRoute/document``) every request carries one action: the batch is sent as
///   its runs of consecutive operations sharing an action, in order (per-id order holds: one request at a time);
/// - with a count cap (`limits.documentsWriteCount`), no request holds more documents than the cap; a 413
///   `services.storage.write_limit_exceeded` halves it for the rest of the batch (``learnedDocumentLimit``).
public struct BatchWritePlan: Sendable {
    /// What the writer must do next.
    public enum Step: Sendable {
        /// Wait `delay` (zero: none), then send the documents at `positions` (``event(at:)`` gives each one's event).
        case send(positions: [Int], delay: Duration)
        /// Create the batch's target collection, then report ``targetCreation(succeeded:)``.
        case createTarget
        /// Every document is settled.
        case finished
    }

    /// What an attempt came to, for the writer's counters and logs.
    public struct AttemptSummary: Sendable, Hashable {
        /// Whether documents will be sent again after a transient failure (a retry, with backoff).
        public var retried = false
        /// Whether the answer signalled overload (429, 503, 504, a timeout, a per-document 429 or 503).
        public var overloaded = false
        /// Why documents are retried (for the retry-episode log line), when ``retried``.
        public var retryReason: String?
    }

    /// One document refused for good.
    public struct Rejection: Sendable {
        /// The batch position of the operation the event was sent for.
        public var position: Int
        /// The refused event: the batch's operation at ``position``, or an earlier write it replaced (coalescing).
        public var event: DocumentEvent
        /// Why.
        public var refusal: WriteRefusal
    }

    /// The batch.
    public let batch: DocumentBatch
    /// The route the batch is sent through.
    public let route: WriteRoute
    /// The decisions.
    public let policy: WritePolicy
    /// Documents refused for good, in the order they were refused.
    public private(set) var rejections: [Rejection] = []
    /// Set when the target or configuration is unusable: the partitions of the refused documents halt.
    public private(set) var haltReason: String?
    /// What the attempts showed so far.
    public private(set) var history = WriteHistory()
    /// Fenced lines answered 409 (a newer or equal version, or a live delete tombstone, is stored): done, not written
    /// (`fenced_stale`, fence.md §2 rule 2).
    public private(set) var fencedStale = 0
    /// Transient failures so far (each one a retry after backoff).
    public private(set) var retries = 0
    /// The most documents a request holds: the cap given, lowered by a 413 `write_limit_exceeded`; `nil` for none.
    public internal(set) var maximumDocumentsPerRequest: Int?
    /// The count cap a 413 `services.storage.write_limit_exceeded` taught (half the documents of the refused request),
    /// `nil` when none came: the writer keeps it for the collection's next batches.
    public internal(set) var learnedDocumentLimit: Int?

    private var backoff: Backoff
    /// The groups of positions waiting to be sent, in order (``WritePolicyPlan+Requests.swift`` cuts them).
    var groups: Deque<[Int]> = []
    private var inFlight: [Int]?
    private var written: [Bool]
    /// Positions refused for good with no earlier version left to try.
    private var refused: [Bool]
    /// Positions sent with an earlier version than their operation (index into the versions, newest = 0 = operation).
    private var fallbacks: [Int: (depth: Int, event: DocumentEvent)] = [:]
    /// The versions each position's operation replaced, oldest first, grouped once at the first refusal (looking
    /// them up per refused position was quadratic).
    private var replacedVersions: [Int: [DocumentEvent]]?
    private var delayBeforeNext: Duration = .zero
    private var targetToCreate = false
    private var pendingMissingTarget: WriteRefusal?

    /// Plans the write of `batch` through `route`, at most `maximumDocumentsPerRequest` documents per request (`nil`:
    /// no count cap, only the batch's own limits).
    public init(
        batch: DocumentBatch,
        route: WriteRoute,
        policy: WritePolicy,
        backoff: Backoff,
        maximumDocumentsPerRequest: Int? = nil
    ) {
        self.batch = batch
        self.route = route
        self.policy = policy
        self.backoff = backoff
        self.maximumDocumentsPerRequest = maximumDocumentsPerRequest.map { max(1, $0) }
        written = [Bool](repeating: false, count: batch.documentCount)
        refused = written
        var sendable: [Int] = []
        sendable.reserveCapacity(batch.documentCount)
        for position in batch.operations.indices {
            let action = batch.operations[position].action
            if route == .mWrite && action != .write {
                refused[position] = true
                rejections.append(
                    Rejection(
                        position: position,
                        event: batch.operations[position],
                        refusal: WriteRefusal(
                            status: nil,
                            errorID: nil,
                            reason: "action \(action.rawValue) needs writer.route import or auto"
                        )
                    )
                )
            } else {
                sendable.append(position)
            }
        }
        guard !sendable.isEmpty else { return }
        for group in requestGroups(sendable) { groups.append(group) }
    }

    /// The event to send for `position`: the batch's operation, or the earlier version it falls back to.
    public func event(at position: Int) -> DocumentEvent {
        fallbacks[position]?.event ?? batch.operations[position]
    }

    /// Whether `position` is sent with an earlier version than the batch's operation (cheap check for the writer).
    public var hasFallbacks: Bool { !fallbacks.isEmpty }

    /// Positions Kuzzle acknowledged (with whichever version was last sent for them).
    public var writtenPositions: [Int] { written.indices.filter { written[$0] } }

    /// The sources of the events known written, each with the earlier versions it replaced in the batch: what a
    /// cancelled write may complete. (A finished write completes every source but the refused events.)
    public var writtenSources: [EventSource] {
        // The superseded versions grouped by position once (looking them up per position was quadratic).
        var superseded: [Int: [EventSource]] = [:]
        for entry in batch.supersededEvents { superseded[entry.position, default: []].append(entry.event.source) }
        var sources: [EventSource] = []
        sources.reserveCapacity(written.count)
        for position in written.indices where written[position] {
            var versions = superseded[position] ?? []
            versions.append(batch.operations[position].source)
            let depth = fallbacks[position]?.depth ?? 0
            sources.append(contentsOf: versions[..<(versions.count - depth)])
        }
        return sources
    }

    /// Positions not settled yet (in flight or waiting), for a write abandoned before the end.
    public var unsettledPositions: [Int] {
        var positions = inFlight ?? []
        for group in groups { positions += group }
        return positions.filter { !written[$0] && !refused[$0] }.sorted()
    }

    /// The next thing to do.
    public mutating func nextStep() -> Step {
        if targetToCreate {
            targetToCreate = false
            return .createTarget
        }
        while let positions = groups.popFirst() {
            guard !positions.isEmpty else { continue }
            inFlight = positions
            let delay = delayBeforeNext
            delayBeforeNext = .zero
            return .send(positions: positions, delay: delay)
        }
        return .finished
    }

    /// Records the target creation's result: on success the documents are resent; on failure they halt.
    public mutating func targetCreation(succeeded: Bool) {
        guard !succeeded, let missing = pendingMissingTarget, let positions = groups.popFirst() else {
            pendingMissingTarget = nil
            return
        }
        pendingMissingTarget = nil
        haltReason = missing.reason
        refuseAll(positions, missing, fallingBack: false)
    }

    /// Records what the attempt at `positions` (the last ``Step/send(positions:delay:)``) came to.
    @discardableResult
    public mutating func record(
        _ outcome: WriteAttemptOutcome,
        of positions: [Int],
        using random: inout some RandomNumberGenerator
    ) -> AttemptSummary {
        inFlight = nil
        switch outcome {
        case .answered(let items):
            return recordAnswer(items, of: positions, using: &random)
        case .failed(let failure):
            return recordFailure(failure, of: positions, using: &random)
        }
    }

    // MARK: - Answers per document

    private mutating func recordAnswer(
        _ items: [WriteItemOutcome],
        of positions: [Int],
        using random: inout some RandomNumberGenerator
    ) -> AttemptSummary {
        var summary = AttemptSummary()
        var retryable: [Int] = []
        var resend: [Int] = []
        for (index, position) in positions.enumerated() {
            // An answer with fewer outcomes than documents proves nothing for the rest: resend them.
            guard index < items.count else {
                retryable.append(position)
                continue
            }
            switch items[index] {
            case .written:
                written[position] = true
            case .failed(let failure):
                switch policy.verdict(on: failure, route: route, action: event(at: position).action) {
                case .done:
                    written[position] = true
                    if failure.fenced && failure.status == 409 { fencedStale += 1 }
                case .retry(let overload):
                    retryable.append(position)
                    summary.overloaded = summary.overloaded || overload
                case .refuse:
                    let refusal = WriteRefusal(
                        status: failure.status,
                        errorID: failure.errorType,
                        reason: failure.reason
                    )
                    if refuse(position, refusal) { resend.append(position) }
                }
            }
        }
        if retryable.isEmpty && resend.isEmpty {
            backoff.reset()
            return summary
        }
        let inGroup = Set(positions)
        let again = batch.retryPositions(afterFailuresAt: retryable + resend).filter {
            inGroup.contains($0) && !refused[$0]
        }
        for position in again { written[position] = false }
        history.groupChanged()
        if !retryable.isEmpty {
            retries += 1
            summary.retried = true
            summary.retryReason = "\(retryable.count) document(s) refused transiently"
            delayBeforeNext = backoff.failed(using: &random)
        } else {
            backoff.reset()
        }
        if !again.isEmpty { groups.prepend(again) }
        return summary
    }

    // MARK: - Whole-request failures

    private mutating func recordFailure(
        _ failure: WriteRequestFailure,
        of positions: [Int],
        using random: inout some RandomNumberGenerator
    ) -> AttemptSummary {
        var summary = AttemptSummary(overloaded: failure.isOverload)
        history = history.noting(failure, policy: policy)
        switch policy.decide(after: failure, documents: positions.count, history: history, target: batch.target) {
        case .retry:
            retries += 1
            summary.retried = true
            summary.retryReason = failure.summary
            delayBeforeNext = backoff.failed(using: &random)
            groups.prepend(positions)
        case .split, .bisect:
            history.groupChanged()
            if case .answered(413, WritePolicy.writeLimitExceededID, _) = failure {
                learnDocumentLimit(from: positions)
            }
            let middle = positions.count / 2
            groups.prepend(Array(positions[middle...]))
            groups.prepend(Array(positions[..<middle]))
        case .refuse(let refusal):
            history.groupChanged()
            let fallingBack = positions.filter { refuse($0, refusal) }
            if !fallingBack.isEmpty { groups.prepend(fallingBack) }
        case .createTarget:
            history.triedCreatingTarget = true
            if case .answered(let status, let errorID, _) = failure {
                pendingMissingTarget = WriteRefusal(
                    status: status,
                    errorID: errorID,
                    reason: "Kuzzle has no collection \(batch.target) (\(errorID ?? "412")) and creating it failed"
                )
            }
            targetToCreate = true
            groups.prepend(positions)
        case .refuseAll(let refusal):
            refuseAll(positions, refusal, fallingBack: false)
        case .halt(let refusal):
            haltReason = haltReason ?? Self.haltReason(refusal, failure: failure, target: batch.target)
            refuseAll(positions, refusal, fallingBack: false)
        }
        return summary
    }

    private static func haltReason(
        _ refusal: WriteRefusal,
        failure: WriteRequestFailure,
        target: DocumentTarget
    )
        -> String
    {
        if refusal.status == 412 { return refusal.reason }
        return "Kuzzle refused the write of \(target): \(failure.summary)"
    }

    private mutating func refuseAll(_ positions: [Int], _ refusal: WriteRefusal, fallingBack: Bool) {
        for position in positions where !written[position] && !refused[position] {
            rejections.append(Rejection(position: position, event: event(at: position), refusal: refusal))
            refused[position] = true
        }
    }

    /// Reports the event sent for `position` refused; falls back to the version it replaced, if any.
    /// - Returns: Whether `position` must be sent again (with the earlier version).
    private mutating func refuse(_ position: Int, _ refusal: WriteRefusal) -> Bool {
        rejections.append(Rejection(position: position, event: event(at: position), refusal: refusal))
        written[position] = false
        let depth = (fallbacks[position]?.depth ?? 0) + 1
        if replacedVersions == nil {
            replacedVersions = Dictionary(grouping: batch.supersededEvents, by: \.position)
                .mapValues { $0.map(\.event) }
        }
        let replaced = replacedVersions?[position] ?? []
        guard depth <= replaced.count else {
            refused[position] = true
            return false
        }
        fallbacks[position] = (depth, replaced[replaced.count - depth])
        return true
    }
}
