import BridgeCore
import Kuzzle
import Logging

/// Sends one sealed batch to Kuzzle and keeps at it until every document is settled.
///
/// Settled means written (or already in the intended state), rejected for good (the pipeline dead-letters it or
/// halts its partition), or halted because the target is unusable. Transient failures (network, timeouts, 429,
/// 503, 5xx, per-document 429/5xx) are retried forever with capped, jittered exponential backoff, re-sending only
/// what failed and what must follow it for per-id order (``DocumentBatch/retryPositions(afterFailuresAt:)``).
/// A request Kuzzle finds too large is split in halves; a whole-bulk 400 is bisected down to the document at fault.
/// Cancellation (the shutdown deadline) ends the work at once and reports the unsettled positions.
struct BatchWriter: Sendable {
    /// The client that sends requests.
    let client: KuzzleClient
    /// Which bulk route batches take.
    let route: WriterSettings.Route
    /// The backoff between attempts.
    let retryPolicy: RetryPolicy
    /// Whether a 412 unknown index/collection creates the collection instead of halting.
    let createMissingCollections: Bool
    /// Per-request options (refresh).
    let options: KuzzleWriteOptions
    /// Where retry episodes and rejections are logged.
    let logger: Logger
    /// Called with each request's outcome as soon as it is known (a success's round trip, or an overload signal),
    /// for the adaptive concurrency limit; `nil` with a fixed `writer.concurrency`. Other failures are not reported:
    /// they say nothing about Kuzzle's load.
    var observeRequest: (@Sendable (AdaptiveConcurrency.Observation) -> Void)? = nil

    /// Writes `batch` and reports what became of each of its operations.
    func write(_ batch: DocumentBatch) async -> BatchWriteReport {
        var report = BatchWriteReport(batch: batch)
        // Whether each position is written: a flag per operation (a `Set` hashed every position of every batch).
        var written = [Bool](repeating: false, count: batch.operations.count)
        var groups: [[Int]] = [Array(batch.operations.indices)]
        var episode = RetryEpisode()
        var triedCreatingTarget = false
        var random = SystemRandomNumberGenerator()

        while !groups.isEmpty {
            let positions = groups.removeFirst()
            guard !positions.isEmpty else { continue }
            if Task.isCancelled {
                report.unfinishedPositions = (positions + groups.flatMap { $0 }).filter { !written[$0] }
                break
            }
            guard let kuzzleRoute = kuzzleRoute(for: batch) else {
                let action = batch.operations.first { $0.action != .write }?.action.rawValue ?? "?"
                report.rejections += positions.map {
                    .init(
                        position: $0,
                        status: nil,
                        errorID: nil,
                        reason: "action \(action) needs writer.route import or auto"
                    )
                }
                continue
            }
            // Events read in place: `batch.operations[position]` copied each event (retaining all its fields).
            let operations = batch.operations.withUnsafeBufferPointer { events in
                positions.map { Self.operation(for: events[$0], route: kuzzleRoute) }
            }
            let started = ContinuousClock.now
            report.requests += 1
            do {
                let result = try await send(operations, route: kuzzleRoute, target: batch.target)
                let roundTrip = ContinuousClock.now - started
                report.latencies.append(roundTrip)
                var overloaded = false
                var retryable: [Int] = []
                var rejected = Set<Int>()
                for (index, outcome) in result.outcomes.enumerated() where index < positions.count {
                    let position = positions[index]
                    switch outcome {
                    case .written:
                        written[position] = true
                    case .failed(let failure):
                        switch failure.disposition {
                        case .alreadyDone:
                            written[position] = true
                        case .permanent:
                            rejected.insert(position)
                            report.rejections.append(
                                .init(position: position, status: failure.status, errorID: nil, reason: failure.reason)
                            )
                        case .retry:
                            retryable.append(position)
                            overloaded = overloaded || failure.isOverload
                        }
                    }
                }
                if overloaded { report.overloads += 1 }
                observeRequest?(overloaded ? .overload : .success(roundTrip: roundTrip))
                guard !retryable.isEmpty else {
                    episode.succeeded(batch: batch, logger: logger)
                    continue
                }
                let inGroup = Set(positions)
                let resend = batch.retryPositions(afterFailuresAt: retryable).filter {
                    inGroup.contains($0) && !rejected.contains($0)
                }
                for position in resend { written[position] = false }
                report.retries += 1
                let reason = "\(retryable.count) document(s) refused transiently"
                await episode.failed(batch: batch, reason: reason, policy: retryPolicy, random: &random, logger: logger)
                groups.insert(resend, at: 0)
            } catch {
                if error.isOverload {
                    report.overloads += 1
                    observeRequest?(.overload)
                }
                switch error.kind {
                case .transient, .reauthenticate:
                    report.retries += 1
                    await episode.failed(
                        batch: batch,
                        reason: error.description,
                        policy: retryPolicy,
                        random: &random,
                        logger: logger
                    )
                    groups.insert(positions, at: 0)
                case .tooLarge:
                    if positions.count == 1 {
                        report.rejections.append(
                            .init(
                                position: positions[0],
                                status: error.status ?? 413,
                                errorID: error.id,
                                reason: "document larger than the Kuzzle request limit: \(error.message)"
                            )
                        )
                    } else {
                        let middle = positions.count / 2
                        groups.insert(contentsOf: [Array(positions[..<middle]), Array(positions[middle...])], at: 0)
                    }
                case .missingTarget:
                    if createMissingCollections, !triedCreatingTarget {
                        triedCreatingTarget = true
                        if await createTarget(batch.target) {
                            groups.insert(positions, at: 0)
                            continue
                        }
                    }
                    report.haltReason =
                        "Kuzzle has no collection \(batch.target) (\(error.id ?? "412")); create it or set kuzzle.create_missing_collections"
                    report.rejections += positions.map {
                        .init(position: $0, status: error.status, errorID: error.id, reason: error.message)
                    }
                case .fatal:
                    if error.status == 400, positions.count > 1 {
                        // Elasticsearch refused the whole bulk because of one document: find it by bisection.
                        let middle = positions.count / 2
                        groups.insert(contentsOf: [Array(positions[..<middle]), Array(positions[middle...])], at: 0)
                    } else if error.status == 400 {
                        report.rejections.append(
                            .init(position: positions[0], status: 400, errorID: error.id, reason: error.message)
                        )
                    } else {
                        report.haltReason = "Kuzzle refused the write of \(batch.target): \(error)"
                        report.rejections += positions.map {
                            .init(position: $0, status: error.status, errorID: error.id, reason: error.message)
                        }
                    }
                }
            }
        }
        report.writtenPositions = written.indices.filter { written[$0] }
        return report
    }

    /// The bulk route for `batch`, or `nil` when the configuration forces mWrite on a batch that needs import.
    private func kuzzleRoute(for batch: DocumentBatch) -> KuzzleBulkRoute? {
        switch route {
        case .import: return .importBulk
        case .mWrite: return batch.isCreateOrReplaceOnly ? .mWrite : nil
        case .auto: return batch.isCreateOrReplaceOnly ? .mWrite : .importBulk
        }
    }

    private func send(
        _ operations: [KuzzleBulkOperation],
        route: KuzzleBulkRoute,
        target: DocumentTarget
    ) async throws(KuzzleError) -> KuzzleBulkResult {
        switch route {
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
            try await client.createCollection(index: target.index, collection: target.collection)
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

    /// The Kuzzle operation for a document event (no copy: the body slice is passed through).
    static func operation(for event: borrowing DocumentEvent, route: KuzzleBulkRoute) -> KuzzleBulkOperation {
        KuzzleBulkOperation(id: event.id, action: bulkAction(for: event.action), body: event.body)
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

    mutating func failed(
        batch: DocumentBatch,
        reason: String,
        policy: RetryPolicy,
        random: inout SystemRandomNumberGenerator,
        logger: Logger
    ) async {
        attempts += 1
        if startedAt == nil {
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
        try? await Task.sleep(for: policy.delay(forAttempt: attempts, using: &random))
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
