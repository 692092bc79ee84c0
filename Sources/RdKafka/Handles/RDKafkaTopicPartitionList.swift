import CRdKafka

/// Conversions between Swift topic-partitions and `rd_kafka_topic_partition_list_t`.
///
/// Lists made here are owned by the caller of ``withList(_:offsets:_:)`` only for the duration of the closure.
enum RDKafkaTopicPartitionList {
    /// Calls `body` with a temporary C list of `partitions` (offsets from `offsets` when given), then frees it.
    static func withList<Result>(
        _ partitions: some Collection<KafkaTopicPartition>,
        offsets: [KafkaTopicPartition: Int64] = [:],
        _ body: (UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) throws(KafkaError) -> Result
    ) throws(KafkaError) -> Result {
        guard let list = rd_kafka_topic_partition_list_new(Int32(clamping: partitions.count)) else {
            throw KafkaError(kind: .librdkafka, message: "rd_kafka_topic_partition_list_new returned NULL")
        }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for topicPartition in partitions {
            let element = rd_kafka_topic_partition_list_add(list, topicPartition.topic, topicPartition.partition)
            if let offset = offsets[topicPartition] {
                element?.pointee.offset = offset
            }
        }
        return try body(list)
    }

    /// Reads the topic-partitions of a C list.
    static func partitions(of list: UnsafePointer<rd_kafka_topic_partition_list_t>?) -> [KafkaTopicPartition] {
        entries(of: list).map(\.partition)
    }

    /// Reads the topic-partitions, offsets and per-element errors of a C list.
    static func entries(
        of list: UnsafePointer<rd_kafka_topic_partition_list_t>?
    ) -> [(partition: KafkaTopicPartition, offset: Int64, error: rd_kafka_resp_err_t)] {
        guard let list, let elements = list.pointee.elems else { return [] }
        return (0..<Int(list.pointee.cnt)).map { index in
            let element = elements[index]
            let topic = element.topic.map { String(cString: $0) } ?? ""
            return (KafkaTopicPartition(topic: topic, partition: element.partition), element.offset, element.err)
        }
    }
}
