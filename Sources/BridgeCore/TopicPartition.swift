/// One partition of one Kafka topic: the unit of ordering, assignment and offset commits.
public struct TopicPartition: Hashable, Sendable, CustomStringConvertible {
    /// The topic's name.
    public var topic: String
    /// The partition's number within the topic.
    public var partition: Int32

    /// Creates a topic-partition.
    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    /// `topic/partition`, for log lines.
    public var description: String { "\(topic)/\(partition)" }

    /// Hashes the partition number and the topic's length only: topic names run to dozens of bytes, and hashing
    /// them was a measurable share of the per-record cost (the tracker looks a partition up several times per
    /// record). Equal values still hash equally; partitions of topics of one length merely share buckets.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(partition)
        hasher.combine(topic.utf8.count)
    }
}

/// Which assignment of a partition an event was received under.
///
/// ``OffsetTracker/assigned(_:)`` hands out a new epoch for every assignment; completions that carry an older
/// epoch than the partition's current one belong to a previous owner's view and are ignored.
public struct AssignmentEpoch: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The epoch's number; epochs grow by one per assignment, starting at 1 (0 means "no assignment").
    public var rawValue: UInt64

    /// Creates an epoch from its number.
    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// The epoch of no assignment, used by records that were never checked in with an ``OffsetTracker``.
    public static let none = AssignmentEpoch(rawValue: 0)

    /// Orders epochs by number.
    public static func < (lhs: AssignmentEpoch, rhs: AssignmentEpoch) -> Bool { lhs.rawValue < rhs.rawValue }

    /// `epoch N`, for log lines.
    public var description: String { "epoch \(rawValue)" }
}
