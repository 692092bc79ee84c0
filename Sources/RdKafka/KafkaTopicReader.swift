import CRdKafka

/// What the brokers said about the cluster: who answered and which topics exist with how many partitions.
public struct KafkaClusterMetadata: Sendable {
    /// The brokers in the cluster, as `host:port`.
    public var brokers: [String]
    /// Partition counts by topic name (topics the broker reported with an error are left out).
    public var topics: [String: Int]
}

/// A plain (group-less) consumer that reads topics from their beginning to their current end, and reads cluster
/// metadata: what `check-config --probe` and `replay-dead-letters` need.
///
/// It never joins a consumer group and never commits: partitions are assigned explicitly. Calls block their thread
/// (librdkafka's poll), so use it from a command-line tool, not from the daemon's event loops.
public final class KafkaTopicReader {
    private let pointer: OpaquePointer
    private var closed = false

    /// Creates the client; nothing is contacted before the first call.
    /// - Parameters:
    ///   - bootstrapServers: `host:port[,host:port…]`.
    ///   - properties: extra librdkafka properties (TLS, SASL…); consumer-group keys are harmless but unused.
    /// - Throws: ``KafkaError`` naming a rejected key, or the reason `rd_kafka_new` failed.
    public init(bootstrapServers: String, properties: [String: String] = [:]) throws(KafkaError) {
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError(kind: .librdkafka, message: "rd_kafka_conf_new returned NULL")
        }
        var pairs: [(String, String)] = [
            ("bootstrap.servers", bootstrapServers), ("group.id", "kuzzle-bridge-reader"), ("log_level", "3"),
        ]
        for key in properties.keys.sorted() { pairs.append((key, properties[key] ?? "")) }
        pairs += [
            ("enable.auto.commit", "false"), ("enable.auto.offset.store", "false"), ("enable.partition.eof", "true"),
        ]
        var errorText = [CChar](repeating: 0, count: 512)
        for (key, value) in pairs
        where rd_kafka_conf_set(conf, key, value, &errorText, errorText.count) != RD_KAFKA_CONF_OK {
            rd_kafka_conf_destroy(conf)
            throw KafkaError.configuration(key: key, value: value, reason: String(decoding: errorText))
        }
        guard let pointer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError(kind: .librdkafka, message: "rd_kafka_new failed: \(String(decoding: errorText))")
        }
        rd_kafka_poll_set_consumer(pointer)
        self.pointer = pointer
    }

    deinit {
        close()
    }

    /// Releases the client. Further calls throw `.closed`.
    public func close() {
        guard !closed else { return }
        closed = true
        _ = rd_kafka_assign(pointer, nil)
        rd_kafka_destroy(pointer)
    }

    /// Asks the brokers for the cluster metadata (all topics).
    /// - Throws: ``KafkaError`` (`_TRANSPORT`, `_TIMED_OUT`…) when no broker answered within `timeout`.
    public func metadata(timeout: Duration) throws(KafkaError) -> KafkaClusterMetadata {
        guard !closed else { throw KafkaError.closed("metadata on a closed reader") }
        var metadata: UnsafePointer<rd_kafka_metadata_t>?
        let err = rd_kafka_metadata(pointer, 1, nil, &metadata, Int32(timeout.wholeMilliseconds))
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else { throw KafkaError.librdkafka(err) }
        defer { rd_kafka_metadata_destroy(metadata) }
        let data = metadata.pointee
        let brokers = (0..<Int(data.broker_cnt)).map { index in
            let broker = data.brokers[index]
            return "\(broker.host.map { String(cString: $0) } ?? "?"):\(broker.port)"
        }
        var topics: [String: Int] = [:]
        for index in 0..<Int(data.topic_cnt) {
            let topic = data.topics[index]
            guard topic.err == RD_KAFKA_RESP_ERR_NO_ERROR, let name = topic.topic else { continue }
            topics[String(cString: name)] = Int(topic.partition_cnt)
        }
        return KafkaClusterMetadata(brokers: brokers, topics: topics)
    }

    /// Reads every partition of `topic` from its beginning to its end (as seen when each partition's end is
    /// reached), passing each record to `body` in partition order as it arrives.
    /// - Parameters:
    ///   - topic: The topic to read.
    ///   - untilOffset: When set, records at a larger offset are not passed and a partition stops there.
    ///   - timeout: How long to wait for the metadata and for each next message before giving up.
    ///   - body: Called for each record; throwing stops the read.
    /// - Returns: How many records were passed to `body`.
    /// - Throws: ``KafkaError`` when the topic does not exist, the brokers stop answering, or a fetch fails, or
    ///   what `body` throws.
    @discardableResult
    public func readToEnd(
        topic: String,
        untilOffset: Int64? = nil,
        timeout: Duration = .seconds(10),
        _ body: (KafkaRecord) async throws -> Void
    ) async throws -> Int {
        let metadata = try metadata(timeout: timeout)
        guard let partitionCount = metadata.topics[topic], partitionCount > 0 else {
            throw KafkaError(
                kind: .librdkafka,
                codeName: "UNKNOWN_TOPIC_OR_PART",
                message: "topic \(topic) does not exist"
            )
        }
        guard let list = rd_kafka_topic_partition_list_new(Int32(partitionCount)) else {
            throw KafkaError(kind: .librdkafka, message: "could not allocate a partition list")
        }
        for partition in 0..<Int32(partitionCount) {
            rd_kafka_topic_partition_list_add(list, topic, partition)?.pointee.offset = Int64(RD_KAFKA_OFFSET_BEGINNING)
        }
        let assignError = rd_kafka_assign(pointer, list)
        rd_kafka_topic_partition_list_destroy(list)
        guard assignError == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError.librdkafka(assignError) }
        defer { _ = rd_kafka_assign(pointer, nil) }

        var pending = Set(0..<Int32(partitionCount))
        var count = 0
        var idleSince = ContinuousClock.now
        while !pending.isEmpty {
            try Task.checkCancellation()
            guard let message = rd_kafka_consumer_poll(pointer, 100) else {
                if ContinuousClock.now - idleSince > timeout {
                    throw KafkaError(
                        kind: .timedOut,
                        message: "no message nor end of partition from \(topic) within \(timeout)"
                    )
                }
                continue
            }
            idleSince = .now
            let err = message.pointee.err
            let partition = message.pointee.partition
            if err == RD_KAFKA_RESP_ERR__PARTITION_EOF {
                rd_kafka_message_destroy(message)
                pending.remove(partition)
                continue
            }
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                rd_kafka_message_destroy(message)
                throw KafkaError.librdkafka(err)
            }
            let record = RDKafkaMessage.record(from: UnsafePointer(message))
            rd_kafka_message_destroy(message)
            guard pending.contains(partition) else { continue }
            if let untilOffset, record.offset > untilOffset {
                pending.remove(partition)
                continue
            }
            try await body(record)
            count += 1
            if let untilOffset, record.offset >= untilOffset { pending.remove(partition) }
        }
        return count
    }
}
