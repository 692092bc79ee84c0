/// The per-partition states of an ``OffsetTracker``, mutated in place.
///
/// The states live in an array; a partition is found by comparing it with the one found last (records and
/// completions come in runs of one partition), else through a dictionary of positions. Moving a state out of a
/// dictionary and back for every record cost two hash lookups, and the dictionary's `_modify` accessor allocated its
/// coroutine frames.
struct PartitionTable: Sendable {
    /// The owned partitions, in the order of ``states``.
    private(set) var partitions: [TopicPartition] = []
    /// The state of each partition of ``partitions``.
    private(set) var states: [PartitionOffsets] = []
    private var positions: [TopicPartition: Int] = [:]
    /// The position found last (may be stale: always checked against ``partitions``).
    private var lastFound = 0

    /// The state of `partition`, or `nil` when it is not owned.
    subscript(partition: TopicPartition) -> PartitionOffsets? {
        positions[partition].map { states[$0] }
    }

    /// The position of a partition in ``states``, remembering it for the next lookup.
    private mutating func position(topic: String, partition: Int32) -> Int? {
        if lastFound < partitions.count, partitions[lastFound].partition == partition,
            partitions[lastFound].topic == topic
        {
            return lastFound
        }
        guard let found = positions[TopicPartition(topic: topic, partition: partition)] else { return nil }
        lastFound = found
        return found
    }

    /// Runs `body` on the state of `partition` in place; `nil` when the partition is not owned.
    mutating func update<Result>(_ partition: TopicPartition, _ body: (inout PartitionOffsets) -> Result) -> Result? {
        update(topic: partition.topic, partition: partition.partition, body)
    }

    /// Runs `body` on the state of a partition given by its parts (no ``TopicPartition`` to build) in place; `nil`
    /// when the partition is not owned.
    mutating func update<Result>(
        topic: String,
        partition: Int32,
        _ body: (inout PartitionOffsets) -> Result
    ) -> Result? {
        guard let position = position(topic: topic, partition: partition) else { return nil }
        return body(&states[position])
    }

    /// Runs `body` on every state in place.
    mutating func updateAll(_ body: (TopicPartition, inout PartitionOffsets) -> Void) {
        for position in states.indices { body(partitions[position], &states[position]) }
    }

    /// Sets the state of `partition`, owned or not.
    mutating func set(_ partition: TopicPartition, _ state: PartitionOffsets) {
        if let position = position(topic: partition.topic, partition: partition.partition) {
            states[position] = state
            return
        }
        positions[partition] = partitions.count
        partitions.append(partition)
        states.append(state)
    }

    /// Removes and returns the state of `partition` (the last state takes its place).
    mutating func remove(_ partition: TopicPartition) -> PartitionOffsets? {
        guard let position = positions.removeValue(forKey: partition) else { return nil }
        let last = partitions.count - 1
        if position != last {
            partitions.swapAt(position, last)
            states.swapAt(position, last)
            positions[partitions[position]] = position
        }
        partitions.removeLast()
        return states.removeLast()
    }
}
