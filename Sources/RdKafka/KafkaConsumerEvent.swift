/// What a ``KafkaConsumer`` reports on ``KafkaConsumer/events``, in the order it happened on the poll thread.
///
/// Records fetched before a rebalance are always emitted before the rebalance event.
public enum KafkaConsumerEvent: Sendable {
    /// Records that were immediately available, in partition order (at most
    /// ``KafkaConsumerConfiguration/maximumRecordsPerEvent``).
    case records([KafkaRecord])
    /// Partitions newly assigned to this member (all of them for `range`, the added ones for cooperative-sticky).
    case partitionsAssigned([KafkaTopicPartition])
    /// Partitions being taken away. Call ``KafkaRevocation/finish(committing:)`` to commit and release them.
    case partitionsRevoked([KafkaTopicPartition], KafkaRevocation)
    /// Partitions lost without a clean revoke (session expired, fenced): other members may already own them, so
    /// nothing is committed for them.
    case partitionsLost([KafkaTopicPartition])
    /// Periodic statistics (when ``KafkaConsumerConfiguration/statisticsInterval`` is set).
    case statistics(KafkaConsumerStatistics)
    /// A non-fatal or fatal error reported by librdkafka (check ``KafkaError/isFatal``).
    case error(KafkaError)
}
