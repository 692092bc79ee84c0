import DequeModule

/// Decides which sealed batches may be sent now, so that each document's events reach Kuzzle in offset order.
///
/// Rules:
/// - batches of one (index, collection) leave in the order they were enqueued: a later batch never overtakes an
///   earlier one of the same target, even when their ids are disjoint;
/// - a batch waits while another in-flight batch of its target shares one of its document ids (Kuzzle gives no
///   ordering between concurrent requests);
/// - at most ``maximumConcurrentBatches`` batches are in flight; when a slot frees, the oldest sendable batch of any
///   target goes first. The limit can change while running (``setConcurrencyLimit(_:)``, fed by
///   ``AdaptiveConcurrency``): raising it sends queued batches at once, lowering it cancels nothing (in-flight batches
///   finish, and are not replaced until fewer than the new limit are in flight).
///
/// A batch stays in flight until all its documents are done, retries included (the caller resends only the
/// positions ``DocumentBatch/retryPositions(afterFailuresAt:)`` gives), then the caller reports ``complete(_:)``.
public struct WriteScheduler: Sendable {
    /// What the caller must do.
    public enum Action: Sendable {
        /// Send the batch to Kuzzle (bulk:mWrite when ``DocumentBatch/isCreateOrReplaceOnly``, else bulk:import).
        case send(DocumentBatch)
    }

    /// The largest number of batches in flight at once (at least 1).
    public private(set) var maximumConcurrentBatches: Int
    private var queues: [DocumentTarget: Deque<DocumentBatch>] = [:]
    private var inFlight: [DocumentBatch.ID: DocumentBatch] = [:]
    private var queued = 0

    /// Creates a scheduler.
    public init(maximumConcurrentBatches: Int) {
        self.maximumConcurrentBatches = max(1, maximumConcurrentBatches)
    }

    /// The number of batches sent and not yet complete.
    public var inFlightCount: Int { inFlight.count }
    /// The number of sealed batches waiting to be sent.
    public var queuedCount: Int { queued }
    /// Whether nothing is queued or in flight.
    public var isIdle: Bool { inFlight.isEmpty && queued == 0 }

    /// The in-flight batch with identity `id`, if any.
    public func inFlightBatch(_ id: DocumentBatch.ID) -> DocumentBatch? { inFlight[id] }

    /// Queues a sealed batch behind the earlier batches of its target.
    /// - Returns: The batches that may be sent now (possibly this one).
    public mutating func enqueue(_ batch: DocumentBatch) -> [Action] {
        queues[batch.target, default: []].append(batch)
        queued += 1
        return dispatch()
    }

    /// Reports that every document of an in-flight batch is done (written, dead-lettered or given up).
    /// - Returns: The batches that may be sent now that its ids and slot are free. An unknown id changes nothing.
    public mutating func complete(_ id: DocumentBatch.ID) -> [Action] {
        guard inFlight.removeValue(forKey: id) != nil else { return [] }
        return dispatch()
    }

    /// Changes the largest number of batches in flight (at least 1).
    /// - Returns: The batches that may be sent now: queued ones when the limit rose, none when it fell (batches in
    ///   flight above a lowered limit are not cancelled; they are just not replaced).
    public mutating func setConcurrencyLimit(_ limit: Int) -> [Action] {
        maximumConcurrentBatches = max(1, limit)
        return dispatch()
    }

    /// Sends, oldest first, every queue head that is free of in-flight ids, while slots remain.
    private mutating func dispatch() -> [Action] {
        var actions: [Action] = []
        while inFlight.count < maximumConcurrentBatches, let target = oldestSendableTarget() {
            guard let batch = queues[target]?.popFirst() else { break }
            if queues[target]?.isEmpty == true { queues[target] = nil }
            queued -= 1
            inFlight[batch.id] = batch
            actions.append(.send(batch))
        }
        return actions
    }

    private func oldestSendableTarget() -> DocumentTarget? {
        var best: (target: DocumentTarget, id: DocumentBatch.ID)?
        for (target, queue) in queues {
            guard let head = queue.first else { continue }
            if let best, best.id < head.id { continue }
            // Few batches are in flight (writer.concurrency): compare the head with those of its target directly
            // rather than keeping a set of their ids (which cost a hash insert and remove per document).
            if inFlight.values.contains(where: { $0.target == target && head.sharesDocument(with: $0) }) { continue }
            best = (target, head.id)
        }
        return best?.target
    }
}
