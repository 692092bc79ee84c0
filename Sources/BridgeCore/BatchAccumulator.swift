/// Groups document events into batches per (index, collection) and decides when each batch is sealed.
///
/// A pure state machine: events and ticks go in, ``Action``s come out, and the caller does the sending. Time is a
/// `ContinuousClock.Instant` passed in by the caller (never read here), so ``nextDeadline`` can feed
/// `Task.sleep(until:)` directly and tests can use any instant as their origin.
///
/// Per-id order within a key holds because events of one key go into one open batch at a time, in arrival order,
/// and sealed batches leave in the order they were sealed (``WriteScheduler`` keeps that order).
///
/// A write that bulk:import cannot carry (``ImportHazard/excludesImport``) never shares a batch with an event that
/// bulk:mWrite cannot carry, so every batch holding one can go as bulk:mWrite (``SealReason/mixedRoutes``).
public struct BatchAccumulator: Sendable {
    /// Why a batch was sealed.
    public enum SealReason: String, Sendable, Equatable {
        /// The batch reached ``BatchLimits/maximumDocuments``.
        case documents
        /// The batch reached ``BatchLimits/maximumBytes``, or the next event would have pushed it past.
        case bytes
        /// An event of the batch waited ``BatchLimits/maximumWait`` (see ``BatchAccumulator/append(_:encodedSize:now:age:)``).
        case age
        /// One event alone is larger than ``BatchLimits/maximumBytes``; it goes alone in its own batch.
        case oversizedDocument = "oversized-document"
        /// The batch holds events of partitions being revoked.
        case revocation
        /// The daemon is shutting down.
        case shutdown
        /// The next event of the target and the batch need different routes: one of them must go through bulk:mWrite
        /// (a write whose body bulk:import cannot carry, ``ImportHazard/excludesImport``) and the other is an event
        /// mWrite cannot carry (create, update, delete). Under `writer.route: auto` a batch goes as mWrite only when
        /// every event is a write, so the batch is sealed and the event opens the next one (order per target kept).
        /// With ``BatchLimits/separatesWrites`` (`writer.notify` under `auto`), any write next to another action.
        case mixedRoutes = "mixed-routes"
    }

    /// What the caller must do.
    public enum Action: Sendable {
        /// Hand the batch to the ``WriteScheduler``: nothing more will be added to it.
        case seal(DocumentBatch, reason: SealReason)
    }

    /// The limits that seal batches.
    public let limits: BatchLimits
    /// The bytes of a request body that do not depend on its documents (`{"documents":[` … `]}` and the like).
    public let requestOverhead: Int
    /// The least wait an event's batch is given: a quarter of ``BatchLimits/maximumWait`` (computed once: dividing
    /// a `Duration` is a 128-bit generic division).
    private let minimumWaitLeft: Duration
    private var openBatches = OpenBatches()
    private var nextBatchNumber: UInt64 = 1

    /// Creates an accumulator.
    /// - Parameters:
    ///   - limits: When to seal a batch.
    ///   - requestOverhead: The constant bytes every request body carries besides its documents.
    public init(limits: BatchLimits, requestOverhead: Int = 0) {
        self.limits = limits
        self.requestOverhead = max(0, requestOverhead)
        minimumWaitLeft = limits.maximumWait / 4
    }

    /// The number of batches still accepting events.
    public var openBatchCount: Int { openBatches.count }

    /// Whether no batch is open.
    public var isEmpty: Bool { openBatches.isEmpty }

    /// The earliest instant at which ``tick(now:)`` will seal a batch by age, or `nil` when no batch is open.
    public var nextDeadline: ContinuousClock.Instant? {
        var earliest: ContinuousClock.Instant?
        for position in openBatches.batches.indices {
            guard let dueAt = openBatches.batches[position].dueAt else { continue }
            if earliest.map({ dueAt < $0 }) ?? true { earliest = dueAt }
        }
        return earliest
    }

    /// Adds one event to the open batch of its target.
    ///
    /// - Parameters:
    ///   - event: The event.
    ///   - encodedSize: The bytes the event's operation adds to the request body as it will be sent, separator
    ///     included. Give the larger of its bulk:mWrite and bulk:import encodings: the batch's kind is known only
    ///     when it is sealed.
    ///   - now: The current instant.
    ///   - age: How long ago the event was produced (its Kafka timestamp against the wall clock), when known.
    /// - Returns: The batches sealed by this event: the previous batch of the target when the event would push it
    ///   past the byte limit, and the event's batch when it reaches a limit.
    ///
    /// An event's batch is due ``BatchLimits/maximumWait`` after the event was produced, so that an event reaches
    /// Kuzzle about `maximumWait` after its producer sent it rather than `maximumWait` after the bridge fetched it.
    /// The wait left is kept between a quarter of `maximumWait` and `maximumWait`: an event that arrives old (a
    /// backlog, or a producer clock behind the bridge's) still leaves its batch a moment to fill, rather than sealing
    /// a batch at every tick. A producer clock ahead only makes the age 0.
    public mutating func append(
        _ event: consuming DocumentEvent,
        encodedSize: Int,
        now: ContinuousClock.Instant,
        age: Duration = .zero
    ) -> [Action] {
        let dueAt = now + max(limits.maximumWait - max(age, .zero), minimumWaitLeft)
        let size = max(0, encodedSize)
        let key = event.target
        var actions: [Action] = []
        if requestOverhead + size > limits.maximumBytes {
            if let previous = openBatches.removeValue(forKey: key) { actions.append(.seal(previous, reason: .bytes)) }
            var single = makeBatch(for: key, now: now)
            single.add(event, encodedSize: size, dueAt: dueAt)
            actions.append(.seal(single, reason: .oversizedDocument))
            return actions
        }
        var position = openBatches.position(of: key)
        if let open = position,
            openBatches.mixesRoutes(adding: event, toBatchAt: open, separatingWrites: limits.separatesWrites)
        {
            actions.append(.seal(openBatches.remove(at: open), reason: .mixedRoutes))
            position = nil
        }
        // The open batch is only ever touched through mutating calls on the array element: a read such as
        // `batches[i].documentCount` copied the whole batch (retaining and releasing each of its arrays).
        if let full = position,
            openBatches.batches[full].exceeds(limits.maximumBytes, adding: event, encodedSize: size)
        {
            actions.append(.seal(openBatches.remove(at: full), reason: .bytes))
            position = nil
        }
        let open = position ?? openBatches.insert(makeBatch(for: key, now: now))
        // Mutated in place in the array: the batch stays uniquely referenced (no copy of its arrays on append).
        if event.importHazard.excludesImport { openBatches.markNeedsMWrite(at: open) }
        let (documents, bytes) = openBatches.batches[open].add(event, encodedSize: size, dueAt: dueAt)
        if documents >= limits.maximumDocuments {
            actions.append(.seal(openBatches.remove(at: open), reason: .documents))
        } else if bytes >= limits.maximumBytes {
            actions.append(.seal(openBatches.remove(at: open), reason: .bytes))
        }
        return actions
    }

    /// Seals every batch that is due at `now` (an event of it has waited ``BatchLimits/maximumWait``), oldest first.
    public mutating func tick(now: ContinuousClock.Instant) -> [Action] {
        sealBatches(reason: .age) { batch in batch.dueAt.map { now >= $0 } ?? false }
    }

    /// Seals every open batch, oldest first (shutdown, or any full flush).
    public mutating func sealAll(reason: SealReason = .shutdown) -> [Action] {
        sealBatches(reason: reason) { _ in true }
    }

    /// Seals, oldest first, every open batch holding an event of one of `partitions` (on revocation), so their
    /// events can be written and committed before the partitions go.
    public mutating func seal(partitions: Set<TopicPartition>, reason: SealReason = .revocation) -> [Action] {
        guard !partitions.isEmpty else { return [] }
        return sealBatches(reason: reason) { batch in
            batch.sources.contains { partitions.contains($0.topicPartition) }
        }
    }

    // MARK: - Helpers

    private mutating func makeBatch(for target: DocumentTarget, now: ContinuousClock.Instant) -> DocumentBatch {
        defer { nextBatchNumber += 1 }
        return DocumentBatch(
            id: DocumentBatch.ID(rawValue: nextBatchNumber),
            target: target,
            openedAt: now,
            requestOverhead: requestOverhead,
            expectedDocuments: limits.maximumDocuments
        )
    }

    private mutating func sealBatches(
        reason: SealReason,
        where shouldSeal: (DocumentBatch) -> Bool
    ) -> [Action] {
        let keys = openBatches.batches.filter(shouldSeal).sorted { $0.id < $1.id }.map(\.target)
        return keys.compactMap { key in
            openBatches.removeValue(forKey: key).map { Action.seal($0, reason: reason) }
        }
    }
}

/// The open batches of a ``BatchAccumulator``, found by target with a linear scan while they are few (comparing two
/// short strings is cheaper than hashing them, and most bridges write to a handful of collections), and through a
/// dictionary beyond that.
struct OpenBatches: Sendable {
    /// Up to this many open batches, a target is found by scanning.
    static let scanLimit = 8
    /// The open batches, in no particular order (mutated in place by ``BatchAccumulator``).
    fileprivate(set) var batches: [DocumentBatch] = []
    private var positionByTarget: [DocumentTarget: Int] = [:]
    /// The open batches holding a write that only bulk:mWrite can carry (usually none: looked up only then).
    private var needingMWrite: Set<DocumentBatch.ID> = []

    var count: Int { batches.count }
    var isEmpty: Bool { batches.isEmpty }

    /// Removes and returns the open batch of `target`, if any.
    mutating func removeValue(forKey target: DocumentTarget) -> DocumentBatch? {
        position(of: target).map { remove(at: $0) }
    }

    /// Removes and returns the open batch at `position` (the last batch takes its place).
    mutating func remove(at position: Int) -> DocumentBatch {
        let last = batches.count - 1
        if position != last {
            batches.swapAt(position, last)
            positionByTarget[batches[position].target] = position
        }
        positionByTarget[batches[last].target] = nil
        if !needingMWrite.isEmpty { needingMWrite.remove(batches[last].id) }
        return batches.removeLast()
    }

    /// Records that the open batch at `position` holds a write only bulk:mWrite can carry.
    mutating func markNeedsMWrite(at position: Int) {
        needingMWrite.insert(batches[position].id)
    }

    /// Whether adding `event` to the open batch at `position` would put a write only bulk:mWrite can carry together
    /// with an event bulk:mWrite cannot carry (``DocumentAction/isMWriteEligible``), in either order. Declared
    /// `mutating` (it changes nothing) so the batch is read in place. Costs nothing while no such write is open.
    /// With `separatingWrites`, a write next to any other action mixes too (the open batch's kind is known from its
    /// ``DocumentBatch/isCreateOrReplaceOnly``).
    mutating func mixesRoutes(
        adding event: borrowing DocumentEvent,
        toBatchAt position: Int,
        separatingWrites: Bool = false
    ) -> Bool {
        if separatingWrites {
            return (event.action == .write) != batches[position].isCreateOrReplaceOnly
        }
        if event.importHazard.excludesImport {
            return !batches[position].isCreateOrReplaceOnly
        }
        guard !needingMWrite.isEmpty, !event.action.isMWriteEligible else { return false }
        return needingMWrite.contains(batches[position].id)
    }

    /// Adds an open batch (its target has none open) and returns its position.
    mutating func insert(_ batch: DocumentBatch) -> Int {
        positionByTarget[batch.target] = batches.count
        batches.append(batch)
        return batches.count - 1
    }

    /// The position of the open batch of `target`, if any.
    func position(of target: DocumentTarget) -> Int? {
        guard batches.count <= Self.scanLimit else { return positionByTarget[target] }
        for position in batches.indices where batches[position].target == target { return position }
        return nil
    }
}
