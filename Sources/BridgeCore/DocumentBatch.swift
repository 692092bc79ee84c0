/// A group of document operations for one (index, collection), sent as one Kuzzle request.
///
/// A batch keeps every source it absorbed, including events whose operation was replaced by a later write of the
/// same id: all of them are done when the batch is done. It also keeps the replaced events themselves
/// (``supersededEvents``; their bytes are counted in the memory budget until the batch is done anyway), so that when
/// Kuzzle refuses a replacing write for good the writer can fall back to the version it replaced.
///
/// Document ids are compared as UTF-8 bytes (``DocumentIDKey``), as Kuzzle and Elasticsearch compare them.
public struct DocumentBatch: Sendable, Identifiable {
    /// A batch's identity: grows with every batch opened by one ``BatchAccumulator`` (so it orders batches by age).
    public struct ID: Hashable, Comparable, Sendable, CustomStringConvertible {
        /// The batch's number.
        public var rawValue: UInt64

        /// Creates an identity from its number.
        public init(rawValue: UInt64) {
            self.rawValue = rawValue
        }

        /// Orders batches by opening order.
        public static func < (lhs: ID, rhs: ID) -> Bool { lhs.rawValue < rhs.rawValue }

        /// `batch N`, for log lines.
        public var description: String { "batch \(rawValue)" }
    }

    /// The batch's identity.
    public let id: ID
    /// The index and collection every operation of the batch writes to.
    public let target: DocumentTarget
    /// When the batch's first event was appended.
    public let openedAt: ContinuousClock.Instant
    /// When the batch must be sealed by age: the earliest of its events' deadlines (see
    /// ``BatchAccumulator/append(_:encodedSize:now:age:)``). `nil` until the first event is added.
    public private(set) var dueAt: ContinuousClock.Instant?
    /// The operations to send, in offset order per document id.
    public private(set) var operations: [DocumentEvent] = []
    /// The encoded size the caller gave for each operation, by position.
    public private(set) var operationSizes: [Int] = []
    /// The source of every event the batch absorbed, replaced ones included, in arrival order.
    public private(set) var sources: [EventSource] = []
    /// The size of the request body as it will be sent: the per-request overhead plus every operation's size.
    public private(set) var encodedBytes: Int
    /// Whether every operation is a ``DocumentAction/write``, so the batch can go as one bulk:mWrite
    /// (create-or-replace); otherwise it needs bulk:import.
    public private(set) var isCreateOrReplaceOnly = true
    /// Events replaced in place by a later write of the same id (coalescing), in the order they were replaced, each
    /// with the position of the operation that replaced it; for fenced events also the later ones a higher-versioned
    /// line absorbed. Usually empty.
    public private(set) var supersededEvents: [SupersededEvent] = []
    /// The position of the last operation for each document id (by UTF-8 bytes).
    private var lastPositionByID: [DocumentIDKey: Int] = [:]

    /// An event a later write of the same id replaced in the batch.
    public struct SupersededEvent: Sendable {
        /// The position of the operation that replaced it.
        public var position: Int
        /// The replaced event.
        public var event: DocumentEvent
    }

    /// The number of operations at which the id map is sized for ``expectedDocuments``.
    static let growthCheckpoint = 64
    /// The documents the batch will likely hold when full (the accumulator's document limit, capped).
    private let expectedDocuments: Int

    /// Creates an empty batch.
    init(
        id: ID,
        target: DocumentTarget,
        openedAt: ContinuousClock.Instant,
        requestOverhead: Int,
        expectedDocuments: Int = 0
    ) {
        self.id = id
        self.target = target
        self.openedAt = openedAt
        self.encodedBytes = requestOverhead
        self.expectedDocuments = min(max(0, expectedDocuments), 4096)
    }

    /// The number of operations to send.
    public var documentCount: Int { operations.count }

    /// The distinct document ids of the batch.
    public var documentIDs: Dictionary<DocumentIDKey, Int>.Keys { lastPositionByID.keys }

    /// Whether an operation of the batch concerns `documentID` (same UTF-8 bytes).
    public func contains(documentID: String) -> Bool { lastPositionByID[DocumentIDKey(documentID)] != nil }

    /// Whether an operation of the batch concerns one of `documentIDs`.
    public func sharesDocument(with documentIDs: Set<DocumentIDKey>) -> Bool {
        if documentIDs.count < lastPositionByID.count {
            return documentIDs.contains { lastPositionByID[$0] != nil }
        }
        return lastPositionByID.keys.contains { documentIDs.contains($0) }
    }

    /// Whether the two batches have a document id in common (looks the smaller one's ids up in the larger).
    public func sharesDocument(with other: DocumentBatch) -> Bool {
        let (small, large) =
            lastPositionByID.count <= other.lastPositionByID.count
            ? (lastPositionByID, other.lastPositionByID) : (other.lastPositionByID, lastPositionByID)
        return small.keys.contains { large[$0] != nil }
    }

    /// The topic-partitions the batch holds events of.
    public var partitions: Set<TopicPartition> { Set(sources.map(\.topicPartition)) }

    /// The positions to resend after the operations at `failedPositions` failed with a retryable error.
    ///
    /// For per-id order to survive the retry, an operation is resent when it failed *or* when an earlier operation
    /// for the same id failed (it succeeded too early: re-applying it after the retried one restores the order).
    /// - Returns: Positions in ascending order.
    public func retryPositions(afterFailuresAt failedPositions: some Sequence<Int>) -> [Int] {
        var firstFailureByID: [DocumentIDKey: Int] = [:]
        for position in failedPositions where operations.indices.contains(position) {
            let id = DocumentIDKey(operations[position].id)
            firstFailureByID[id] = min(firstFailureByID[id] ?? position, position)
        }
        guard !firstFailureByID.isEmpty else { return [] }
        return operations.indices.filter { position in
            guard let first = firstFailureByID[DocumentIDKey(operations[position].id)] else { return false }
            return position >= first
        }
    }

    /// Every version the batch received for the operation at `position`, oldest first: the writes it replaced
    /// (coalescing), then the operation itself.
    public func versions(at position: Int) -> [DocumentEvent] {
        guard operations.indices.contains(position) else { return [] }
        var versions = supersededEvents.filter { $0.position == position }.map(\.event)
        versions.append(operations[position])
        return versions
    }

    /// The encoded size the batch would have after ``add(_:encodedSize:dueAt:)``.
    func encodedBytes(adding event: DocumentEvent, encodedSize: Int) -> Int {
        guard let position = lastPositionByID[DocumentIDKey(event.id)] else { return encodedBytes + encodedSize }
        switch Self.coalescing(event, into: operations[position]) {
        case .append: return encodedBytes + encodedSize
        case .replace: return encodedBytes - operationSizes[position] + encodedSize
        case .absorb: return encodedBytes
        }
    }

    /// What ``add(_:encodedSize:dueAt:)`` does with an event whose id the batch already holds.
    enum Coalescing {
        /// A new line after the existing one.
        case append
        /// The event takes the existing line's place (which becomes a superseded event).
        case replace
        /// The existing line stays (a fenced line with a higher or equal version); the event is superseded by it.
        case absorb
    }

    /// Unfenced: a `write` after a `write` replaces it (same end state); anything else is appended. Fenced (both
    /// lines carry an external version, fence.md §2 rule 1): one line per id, the highest version; on a tie the
    /// earlier line stays. Elasticsearch applies an externally versioned line only above the stored version, so the
    /// highest-versioned line alone ends in the same state as all of them in any order: a delete and a write of one
    /// id coalesce too.
    static func coalescing(_ event: borrowing DocumentEvent, into existing: borrowing DocumentEvent) -> Coalescing {
        if let version = event.externalVersion, let existingVersion = existing.externalVersion {
            return version > existingVersion ? .replace : .absorb
        }
        guard event.externalVersion == nil, existing.externalVersion == nil,
            event.action == .write, existing.action == .write
        else { return .append }
        return .replace
    }

    /// Whether ``encodedBytes(adding:encodedSize:)`` exceeds `limit`, looking the id up only when appending would
    /// (a replacement never makes the batch larger than an append). Declared `mutating` (it changes nothing) so that
    /// `batches[i].exceeds(…)` accesses the element in place instead of copying it.
    mutating func exceeds(_ limit: Int, adding event: borrowing DocumentEvent, encodedSize: Int) -> Bool {
        guard encodedBytes + encodedSize > limit else { return false }
        return encodedBytes(adding: event, encodedSize: encodedSize) > limit
    }

    /// Adds an event: a `write` that follows a `write` of the same id replaces it in place (same end state, one
    /// document fewer); fenced events keep one line per id, the highest version (``coalescing(_:into:)``); anything
    /// else is appended.
    /// - Returns: The batch's document count and encoded bytes afterwards (read here, a caller holding the batch in an
    ///   array need not copy it to read them).
    @discardableResult
    mutating func add(
        _ event: consuming DocumentEvent,
        encodedSize: Int,
        dueAt eventDueAt: ContinuousClock.Instant? = nil
    ) -> (documents: Int, encodedBytes: Int) {
        if let eventDueAt, dueAt.map({ eventDueAt < $0 }) ?? true { dueAt = eventDueAt }
        sources.append(event.source)
        // One hash of the id: record the new position, then put the old one back if the event replaces it.
        let key = DocumentIDKey(event.id)
        if let previous = lastPositionByID.updateValue(operations.count, forKey: key) {
            switch Self.coalescing(event, into: operations[previous]) {
            case .append:
                break
            case .replace:
                lastPositionByID[key] = previous
                encodedBytes += encodedSize - operationSizes[previous]
                if event.action != .write { isCreateOrReplaceOnly = false }
                var replaced = event
                swap(&operations[previous], &replaced)
                supersededEvents.append(SupersededEvent(position: previous, event: replaced))
                operationSizes[previous] = encodedSize
                return (operations.count, encodedBytes)
            case .absorb:
                lastPositionByID[key] = previous
                supersededEvents.append(SupersededEvent(position: previous, event: event))
                return (operations.count, encodedBytes)
            }
        }
        if operations.count == Self.growthCheckpoint, expectedDocuments > operations.count {
            // A batch that got this far will likely fill up: size the id map once rather than rehash it at every
            // doubling (resizing it was a visible share of the per-event cost).
            lastPositionByID.reserveCapacity(expectedDocuments)
        }
        if event.action != .write { isCreateOrReplaceOnly = false }
        operations.append(event)
        operationSizes.append(encodedSize)
        encodedBytes += encodedSize
        return (operations.count, encodedBytes)
    }

}

extension DocumentBatch {
    /// The part of the batch whose events satisfy `keep` (by their source), under the same identity, or `nil` when
    /// nothing is kept: what a member still owns of a batch whose other partitions it lost.
    ///
    /// Operations keep their order; sources that `keep` refuses are dropped (their new owner re-reads them).
    public func retaining(where keep: (EventSource) -> Bool) -> DocumentBatch? {
        var kept = DocumentBatch(
            id: id,
            target: target,
            openedAt: openedAt,
            requestOverhead: encodedBytes - operationSizes.reduce(0, +),
            expectedDocuments: operations.count
        )
        for position in operations.indices where keep(operations[position].source) {
            kept.add(operations[position], encodedSize: operationSizes[position], dueAt: dueAt)
        }
        guard kept.documentCount > 0 else { return nil }
        // Superseded writes of kept partitions stay among the sources: they are done when the batch is.
        kept.sources = sources.filter(keep)
        return kept
    }
}
