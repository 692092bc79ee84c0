import DequeModule

/// The offsets of one owned partition that are received and not yet behind the commit point.
///
/// Entries are kept in offset order (records of a partition arrive in order); the done prefix is dropped as it
/// forms, and ``nextOffset`` is the offset after the last of it.
struct PartitionOffsets: Sendable {
    /// The progress of one received record.
    enum State: Sendable, Equatable {
        /// Received, not yet acknowledged by Kuzzle or the dead-letter producer.
        case pending
        /// Acknowledged.
        case done
        /// Failed permanently with nowhere to put it: it holds the commit point for good.
        case held
    }

    struct Entry: Sendable {
        var offset: Int64
        var bytes: Int
        var state: State
    }

    /// The assignment this state belongs to.
    let epoch: AssignmentEpoch
    private(set) var entries: Deque<Entry> = []
    /// The last offset received, to refuse duplicates and records that go backwards.
    private(set) var lastReceived: Int64?
    /// The next offset to read after the done prefix (the first undone entry's offset when only unreceived offsets
    /// lie between): the offset to commit. `nil` until something is done.
    private(set) var nextOffset: Int64?
    /// The last offset committed (or handed out for committing).
    var lastCommitted: Int64?
    /// Why the partition is halted, when it is.
    var haltReason: String?

    init(epoch: AssignmentEpoch) {
        self.epoch = epoch
    }

    /// The smallest received offset that is not done, if any.
    var firstUndoneOffset: Int64? { entries.first?.offset }

    /// The first offset held for good (the one that halted the partition), if any.
    var firstHeldOffset: Int64? { entries.first { $0.state == .held }?.offset }

    /// Records a received offset. Returns `false` (and records nothing) for an offset at or below the last one.
    mutating func receive(_ offset: Int64, bytes: Int) -> Bool {
        if let lastReceived, offset <= lastReceived { return false }
        lastReceived = offset
        entries.append(Entry(offset: offset, bytes: bytes, state: .pending))
        heldBytes += bytes + Self.entryFootprint
        return true
    }

    /// The memory one entry of the window holds, whatever its state: a done entry behind an undone one still costs
    /// this much until the window's head moves (counted in the budget, so that a window that never settles cannot
    /// grow without bound).
    static let entryFootprint = MemoryLayout<Entry>.stride

    /// The bytes the window holds: every pending entry's record bytes plus every entry's footprint. What
    /// ``receive(_:bytes:)`` and ``settle(_:as:)`` add to and release from the budget, kept as a running total.
    private(set) var heldBytes = 0

    /// The footprint of the window's entries alone, done ones behind the head included: what grows without bound
    /// behind an offset that never settles, and what a partition's share of the budget limits.
    var windowFootprint: Int { entries.count * Self.entryFootprint }

    /// Marks a pending offset `state` (done or held) and returns the bytes it releases (0 when the offset is not
    /// pending here: unknown, already behind the commit point, or already settled).
    mutating func settle(_ offset: Int64, as state: State) -> Int {
        guard let position = position(of: offset), entries[position].state == .pending else { return 0 }
        var bytes = entries[position].bytes
        entries[position].state = state
        entries[position].bytes = 0
        while let first = entries.first, first.state == .done {
            nextOffset = first.offset + 1
            entries.removeFirst()
            bytes += Self.entryFootprint
        }
        heldBytes -= bytes
        // Offsets between the done prefix and the first undone entry were never received (compaction, transaction
        // markers): reading may resume at that entry.
        if let next = nextOffset, let first = entries.first, first.offset > next { nextOffset = first.offset }
        return bytes
    }

    /// The bytes still held by the window (released when the partition's state is dropped).
    var pendingBytes: Int { heldBytes }

    /// The position of `offset` in ``entries`` by binary search.
    private func position(of offset: Int64) -> Int? {
        var low = entries.startIndex
        var high = entries.endIndex
        while low < high {
            let middle = low + (high - low) / 2
            let candidate = entries[middle].offset
            if candidate == offset { return middle }
            if candidate < offset { low = middle + 1 } else { high = middle }
        }
        return nil
    }
}
