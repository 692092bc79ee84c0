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
    /// What is known of each queue head against the in-flight batches of its target. Sealed batches never change, so
    /// each pair is compared once: a comparison looks every id of the smaller batch up in the larger one, and
    /// repeating it at every completion cost several hash lookups per document.
    private var headChecks: [DocumentBatch.ID: HeadCheck] = [:]

    /// A queue head's comparisons with in-flight batches.
    private struct HeadCheck {
        /// In-flight batches found to share no document id with the head.
        var clearOf: [DocumentBatch.ID] = []
        /// The in-flight batch last found to share a document id with the head.
        var blockedBy: DocumentBatch.ID?
    }

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

    /// Removes an in-flight batch; `false` when unknown.
    fileprivate mutating func removeInFlight(_ id: DocumentBatch.ID) -> Bool {
        inFlight.removeValue(forKey: id) != nil
    }

    /// Queues `batch` ahead of every queued batch of its target.
    fileprivate mutating func pushFront(_ batch: DocumentBatch) {
        queues[batch.target, default: []].prepend(batch)
        headChecks[batch.id] = nil
        queued += 1
    }

    /// Replaces every queued batch by `transform(batch)`, dropping the `nil`s.
    fileprivate mutating func transformQueues(_ transform: (DocumentBatch) -> DocumentBatch?) {
        for target in Array(queues.keys) {
            guard let queue = queues[target] else { continue }
            var kept = Deque<DocumentBatch>()
            for batch in queue {
                headChecks[batch.id] = nil
                if let batch = transform(batch) { kept.append(batch) }
            }
            queued -= queue.count - kept.count
            queues[target] = kept.isEmpty ? nil : kept
        }
    }

    /// ``dispatch()`` for the extensions.
    fileprivate mutating func dispatchReleased() -> [Action] { dispatch() }

    /// Sends, oldest first, every queue head that is free of in-flight ids, while slots remain.
    private mutating func dispatch() -> [Action] {
        var actions: [Action] = []
        while inFlight.count < maximumConcurrentBatches, let target = oldestSendableTarget() {
            guard let batch = queues[target]?.popFirst() else { break }
            headChecks[batch.id] = nil
            if queues[target]?.isEmpty == true { queues[target] = nil }
            queued -= 1
            inFlight[batch.id] = batch
            actions.append(.send(batch))
        }
        return actions
    }

    private mutating func oldestSendableTarget() -> DocumentTarget? {
        var best: (target: DocumentTarget, id: DocumentBatch.ID)?
        for (target, queue) in queues {
            guard let head = queue.first else { continue }
            if let best, best.id < head.id { continue }
            if sharesDocumentWithInFlight(head) { continue }
            best = (target, head.id)
        }
        return best?.target
    }

    /// Whether an in-flight batch of the head's target shares a document id with it.
    ///
    /// Few batches are in flight (writer.concurrency): the head is compared with those of its target directly rather
    /// than through a set of their ids (which cost a hash insert and remove per document), and each pair only once.
    private mutating func sharesDocumentWithInFlight(_ head: DocumentBatch) -> Bool {
        var check = headChecks[head.id] ?? HeadCheck()
        defer { headChecks[head.id] = check }
        if let blocker = check.blockedBy, inFlight[blocker] != nil { return true }
        check.blockedBy = nil
        for (id, batch) in inFlight where batch.target == head.target && !check.clearOf.contains(id) {
            if head.sharesDocument(with: batch) {
                check.blockedBy = id
                return true
            }
            check.clearOf.append(id)
        }
        return false
    }
}

extension WriteScheduler {
    /// Reports that an in-flight batch is over, and puts `remainder` (what of it must still be written) at the head
    /// of its target's queue, ahead of every later batch, so per-id order holds.
    /// - Returns: The batches that may be sent now (possibly the remainder).
    public mutating func complete(_ id: DocumentBatch.ID, requeueing remainder: DocumentBatch?) -> [Action] {
        guard let remainder else { return complete(id) }
        guard removeInFlight(id) else { return [] }
        pushFront(remainder)
        return dispatchReleased()
    }

    /// Replaces every queued batch by `transform(batch)` (dropped when `nil`), in place and in order.
    /// - Returns: The batches that may be sent now (a dropped head may free its target).
    public mutating func filterQueued(_ transform: (DocumentBatch) -> DocumentBatch?) -> [Action] {
        transformQueues(transform)
        return dispatchReleased()
    }
}
