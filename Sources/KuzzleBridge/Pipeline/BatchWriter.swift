import BridgeCore
import Kuzzle
import Logging

/// Sends one sealed batch to Kuzzle and keeps at it until every document is settled: the I/O half of the write.
///
/// It builds each request from the positions ``BatchWritePlan`` gives, sends it, maps the answer onto the policy's
/// outcome types (``WriteAttemptOutcome``) and does what the plan says next (wait, send, split, create the target).
/// Every decision (retry, split, bisection, fallback to a replaced version, dead-letter, halt) is ``WritePolicy``'s.
/// Cancellation (the shutdown deadline) ends the work at once and reports the unsettled positions; so does
/// ``mayStillSend`` saying no before a request.
struct BatchWriter: Sendable {
    /// The client that sends requests.
    let client: KuzzleClient
    /// Which bulk route batches take.
    let route: WriterSettings.Route
    /// The backoff between attempts.
    let retryPolicy: RetryPolicy
    /// Whether a 412 unknown index/collection creates the collection instead of halting.
    let createMissingCollections: Bool
    /// Whether a dead-letter topic is configured: a 412 unknown target (without `create_missing_collections`) then
    /// dead-letters the batch's documents instead of halting their partitions.
    let hasDeadLetterTopic: Bool
    /// Per-request options (refresh).
    var options: KuzzleWriteOptions
    /// Where retry episodes and rejections are logged.
    let logger: Logger
    /// `retry_on_conflict` sent on bulk:import update lines (`writer.retry_on_conflict`).
    var retryOnConflict = WriterSettings.defaultRetryOnConflict
    /// The `settings` sent when the writer creates a missing collection (`index.gc_deletes` for a fenced collection,
    /// ``WriterSettings/fencedCollectionSettings``); `nil` sends none.
    var collectionSettings: String? = nil
    /// Called with each request's outcome as soon as it is known (a success's round trip, or an overload signal),
    /// for the adaptive concurrency limit; `nil` with a fixed `writer.concurrency`. Other failures are not reported:
    /// they say nothing about Kuzzle's load.
    var observeRequest: (@Sendable (AdaptiveConcurrency.Observation) -> Void)? = nil
    /// Checked right before every request (first and retries): `false` stops the write at once, reporting the unwritten
    /// positions unfinished and ``BatchWriteReport/abandoned`` (the send-time lease).
    var mayStillSend: @Sendable (DocumentBatch) -> Bool = { _ in true }
    /// Called at each retry as it happens (the stall warning counts them live).
    var observeRetry: (@Sendable () -> Void)? = nil
    /// Whether bulk:mWrite requests ask for realtime notifications (`writer.notify`: `&notify`, without `strict`).
    var notify = false
    /// The bridge instance named in every request's `X-Kuzzle-Volatile` (``RequestVolatile``); `nil` sends no header.
    var instance: String? = nil
    /// The count cap of document controller requests per collection (`writer.route: document`).
    var documentLimits = DocumentWriteLimits(initialCap: WriterSettings.defaultDocumentsWriteCount)

    /// The policy this writer's settings give.
    var policy: WritePolicy {
        WritePolicy(
            createMissingCollections: createMissingCollections,
            hasDeadLetterTopic: hasDeadLetterTopic,
            canRenewToken: client.configuration.usesLogin,
            largeBodyBytes: client.configuration.resetMeansTooLargeAboveBytes
        )
    }

    /// Writes `batch` and reports what became of each of its operations.
    func write(_ batch: DocumentBatch) async -> BatchWriteReport {
        var report = BatchWriteReport(batch: batch)
        let kuzzleRoute = kuzzleRoute(for: batch)
        var plan = BatchWritePlan(
            batch: batch,
            route: Self.policyRoute(kuzzleRoute),
            policy: policy,
            backoff: Backoff(policy: retryPolicy),
            maximumDocumentsPerRequest: route == .document ? documentLimits.cap(for: batch.target) : nil
        )
        var episode = RetryEpisode()
        var random = SystemRandomNumberGenerator()
        sending: while true {
            switch plan.nextStep() {
            case .finished:
                break sending
            case .createTarget:
                plan.targetCreation(succeeded: await createTarget(batch.target))
            case .send(let positions, let delay):
                if delay > .zero { try? await Task.sleep(for: delay) }
                if Task.isCancelled {
                    report.unfinishedPositions = plan.unsettledPositions
                    break sending
                }
                guard mayStillSend(batch) else {
                    report.unfinishedPositions = plan.unsettledPositions
                    report.abandoned = true
                    break sending
                }
                let requestRoute = self.requestRoute(kuzzleRoute, sending: positions, of: plan)
                let operations = self.operations(at: positions, of: plan, route: requestRoute)
                let started = ContinuousClock.now
                report.requests += 1
                let outcome: WriteAttemptOutcome
                var roundTrip: Duration?
                do {
                    let result = try await send(
                        operations,
                        route: requestRoute,
                        target: batch.target,
                        options: requestOptions(requestRoute, sending: positions, of: plan)
                    )
                    roundTrip = ContinuousClock.now - started
                    outcome = .answered(Self.itemOutcomes(result.outcomes, of: operations))
                } catch {
                    outcome = .failed(Self.requestFailure(error))
                }
                let summary = plan.record(outcome, of: positions, using: &random)
                if let roundTrip { report.latencies.append(roundTrip) }
                if summary.overloaded {
                    report.overloads += 1
                    observeRequest?(.overload)
                } else if let roundTrip {
                    observeRequest?(.success(roundTrip: roundTrip))
                }
                if summary.retried {
                    report.retries += 1
                    observeRetry?()
                    episode.failed(batch: batch, reason: summary.retryReason ?? "", logger: logger)
                } else if roundTrip != nil {
                    episode.succeeded(batch: batch, logger: logger)
                }
            }
        }
        if let learned = plan.learnedDocumentLimit { documentLimits.learn(learned, for: batch.target, logger: logger) }
        report.writtenPositions = plan.writtenPositions
        // Only a batch that did not finish completes by its written sources (a finished one completes every source
        // but the refused events): not computed for the others, it cost a pass over every version of the batch.
        if !report.unfinishedPositions.isEmpty { report.writtenSources = plan.writtenSources }
        report.haltReason = plan.haltReason
        report.fencedStale = plan.fencedStale
        report.rejections = plan.rejections.map {
            .init(
                position: $0.position,
                event: $0.event,
                status: $0.refusal.status,
                errorID: $0.refusal.errorID,
                reason: $0.refusal.reason
            )
        }
        return report
    }

    /// The bulk route for `batch`: `writer.route`, or for `auto` mWrite when every operation is a write.
    private func kuzzleRoute(for batch: DocumentBatch) -> KuzzleBulkRoute {
        switch route {
        case .import: return .importBulk
        case .mWrite: return .mWrite
        case .document: return .mCreateOrReplace  // each request's own route: requestRoute(_:sending:of:)
        case .auto:
            // A fenced batch (its lines carry external versions) needs bulk:import: mWrite cannot carry versions.
            return batch.isCreateOrReplaceOnly && batch.operations.first?.externalVersion == nil ? .mWrite : .importBulk
        }
    }

    /// The operations for `positions`, events read in place (`batch.operations[position]` copied each event).
    private func operations(
        at positions: [Int],
        of plan: BatchWritePlan,
        route: KuzzleBulkRoute
    )
        -> [KuzzleBulkOperation]
    {
        let retryOnConflict = route == .importBulk ? retryOnConflict : 0
        if plan.hasFallbacks {
            return positions.map { Self.operation(for: plan.event(at: $0), retryOnConflict: retryOnConflict) }
        }
        return plan.batch.operations.withUnsafeBufferPointer { events in
            positions.map { position in
                // Fields read in place: passing `events[position]` to a function copied the whole event (its topic,
                // target, id, body and record: seven retains and releases per document).
                let event = events.baseAddress.unsafelyUnwrapped + position
                let action = Self.bulkAction(for: event.pointee.action)
                return KuzzleBulkOperation(
                    id: event.pointee.id,
                    action: action,
                    body: event.pointee.body,
                    retryOnConflict: action == .update ? retryOnConflict : 0,
                    externalVersion: event.pointee.externalVersion
                )
            }
        }
    }

    private func send(
        _ operations: [KuzzleBulkOperation],
        route: KuzzleBulkRoute,
        target: DocumentTarget,
        options: KuzzleWriteOptions
    ) async throws(KuzzleError) -> KuzzleBulkResult {
        switch route {
        case .mCreateOrReplace, .mCreate, .mUpdate, .mDelete:
            return try await client.writeDocuments(
                route: route,
                index: target.index,
                collection: target.collection,
                operations: operations,
                options: options
            )
        case .mWrite:
            return try await client.mWrite(
                index: target.index,
                collection: target.collection,
                operations: operations,
                options: options
            )
        case .importBulk:
            return try await client.importBulk(
                index: target.index,
                collection: target.collection,
                operations: operations,
                options: options
            )
        }
    }

    private func createTarget(_ target: DocumentTarget) async -> Bool {
        do {
            try await client.createCollection(
                index: target.index,
                collection: target.collection,
                settings: collectionSettings
            )
            logger.notice(
                "Created missing Kuzzle collection",
                metadata: [LogKeys.kuzzleIndex: "\(target.index)", LogKeys.kuzzleCollection: "\(target.collection)"]
            )
            return true
        } catch {
            logger.error(
                "Could not create missing Kuzzle collection",
                error: error,
                metadata: [LogKeys.kuzzleIndex: "\(target.index)", LogKeys.kuzzleCollection: "\(target.collection)"]
            )
            return false
        }
    }

    // MARK: - Mapping onto the policy's types

    /// The documents' outcomes as the policy reads them, by position; a line that carried an external version is
    /// marked fenced (a 409 on it means a newer version is stored: done, counted `fenced_stale`).
    static func itemOutcomes(
        _ outcomes: [KuzzleDocumentOutcome],
        of operations: [KuzzleBulkOperation]
    ) -> [WriteItemOutcome] {
        outcomes.indices.map { index in
            itemOutcome(outcomes[index], fenced: index < operations.count && operations[index].isFenced)
        }
    }

    /// A document's outcome as the policy reads it.
    static func itemOutcome(_ outcome: KuzzleDocumentOutcome, fenced: Bool = false) -> WriteItemOutcome {
        switch outcome {
        case .written:
            return .written
        case .failed(let failure):
            return .failed(
                WriteItemFailure(
                    status: failure.status,
                    errorType: failure.errorType,
                    reason: failure.reason,
                    fenced: fenced,
                    notSent: failure.notSent
                )
            )
        }
    }

    /// A whole-request failure as the policy reads it.
    static func requestFailure(_ error: KuzzleError) -> WriteRequestFailure {
        if let status = error.status {
            return .answered(status: status, errorID: error.id, message: error.message)
        }
        if error.isTimeout { return .timedOut(message: error.message) }
        if let bytes = error.droppedWhileSendingBytes {
            return .connectionDropped(sentBytes: bytes, message: error.message)
        }
        switch error.kind {
        case .tooLarge: return .tooLargeToSend(bytes: error.bodyBytes ?? 0, message: error.message)
        case .fatal: return .unusable(message: error.message)
        case .transient, .reauthenticate, .missingTarget: return .unreachable(message: error.message)
        }
    }

    /// The Kuzzle operation for a document event (no copy: the body slice is passed through).
    static func operation(for event: borrowing DocumentEvent, retryOnConflict: Int = 0) -> KuzzleBulkOperation {
        let action = bulkAction(for: event.action)
        return KuzzleBulkOperation(
            id: event.id,
            action: action,
            body: event.body,
            retryOnConflict: action == .update ? retryOnConflict : 0,
            externalVersion: event.externalVersion
        )
    }

    /// The Kuzzle bulk action of a document action.
    static func bulkAction(for action: DocumentAction) -> KuzzleBulkAction {
        switch action {
        case .write: .index
        case .create: .create
        case .update: .update
        case .delete: .delete
        }
    }
}

/// One run of consecutive failed attempts of a batch: logged once when it starts and once when it ends.
private struct RetryEpisode {
    private var attempts = 0
    private var startedAt: ContinuousClock.Instant?

    mutating func failed(batch: DocumentBatch, reason: String, logger: Logger) {
        attempts += 1
        guard startedAt == nil else { return }
        startedAt = .now
        logger.warning(
            "Kuzzle write failed, retrying with backoff until it succeeds",
            metadata: [
                LogKeys.kuzzleIndex: "\(batch.target.index)",
                LogKeys.kuzzleCollection: "\(batch.target.collection)",
                LogKeys.batchDocuments: "\(batch.documentCount)", "error": "\(reason)",
            ]
        )
    }

    mutating func succeeded(batch: DocumentBatch, logger: Logger) {
        guard let startedAt else { return }
        logger.notice(
            "Kuzzle write recovered",
            metadata: [
                LogKeys.kuzzleIndex: "\(batch.target.index)", LogKeys.kuzzleCollection: "\(batch.target.collection)",
                "retry.attempts": "\(attempts)", "retry.duration": "\(ContinuousClock.now - startedAt)",
            ]
        )
        self.startedAt = nil
        attempts = 0
    }
}
