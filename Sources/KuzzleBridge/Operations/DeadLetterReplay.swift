import Logging
import RdKafka

/// `replay-dead-letters`: re-injects dead-lettered events into the topics they came from, so that a running (or the
/// next) bridge consumes them again once the cause (a mapping, a missing collection, bad data fixed upstream) is gone.
///
/// The dead-letter topic is read from its beginning with a plain assignment (no consumer group, nothing committed),
/// up to its current end or to `untilOffset`. Each event is produced, with its original key, value and headers (the
/// bridge's `kuzzle-bridge-*` headers removed), to the topic named by its `kuzzle-bridge-source-topic` header.
/// Events without that header are skipped and counted. Ids make the replay idempotent in Kuzzle: replaying twice
/// writes the same documents twice, it never duplicates them.
public enum DeadLetterReplay {
    /// What a replay did.
    public struct Summary: Sendable, Equatable {
        /// Events read from the dead-letter topic.
        public var read = 0
        /// Events produced back to their source topic (acknowledged by the brokers).
        public var replayed = 0
        /// Events skipped because they named no source topic.
        public var skipped = 0
        /// Replayed events per source topic.
        public var perTopic: [String: Int] = [:]
    }

    /// Replays the dead-letter topic.
    /// - Parameters:
    ///   - configuration: The bridge's configuration (brokers, librdkafka properties, `dead_letter.topic`).
    ///   - topic: The topic to read instead of `dead_letter.topic`.
    ///   - untilOffset: The last offset (per partition) to replay; later events are left alone.
    ///   - logger: Where librdkafka's producer logs go.
    /// - Throws: ``ReplayError/noTopic`` without a topic, or a ``KafkaError`` (topic missing, brokers unreachable,
    ///   delivery failed: events produced before it stay produced, and replaying again is safe).
    public static func run(
        configuration: BridgeConfiguration,
        topic: String? = nil,
        untilOffset: Int64? = nil,
        logger: Logger = Logger(label: "kuzzle-bridge.replay")
    ) async throws -> Summary {
        guard let deadLetterTopic = topic ?? configuration.deadLetter.topic else { throw ReplayError.noTopic }
        let reader = try KafkaTopicReader(
            bootstrapServers: configuration.kafka.bootstrapServersList,
            properties: configuration.kafka.properties
        )
        defer { reader.close() }
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(configuration), logger: logger)
        var summary = Summary()
        do {
            summary.read = try await reader.readToEnd(topic: deadLetterTopic, untilOffset: untilOffset) { record in
                guard let target = sourceTopic(of: record) else {
                    summary.skipped += 1
                    return
                }
                _ = try await producer.send(
                    topic: target,
                    key: record.key,
                    value: record.value,
                    headers: originalHeaders(of: record)
                )
                summary.replayed += 1
                summary.perTopic[target, default: 0] += 1
            }
        } catch {
            await producer.close()
            throw error
        }
        await producer.close()
        return summary
    }

    /// The topic a dead letter came from, from its `kuzzle-bridge-source-topic` header.
    static func sourceTopic(of record: KafkaRecord) -> String? {
        guard let header = record.headers.last(where: { $0.name == DeadLetter.Header.sourceTopic }),
            let value = header.value, !value.isEmpty
        else { return nil }
        return String(decoding: value, as: UTF8.self)
    }

    /// The record's headers without the ones the bridge added (`kuzzle-bridge-*`), in their original order.
    static func originalHeaders(of record: KafkaRecord) -> [KafkaHeader] {
        record.headers.filter { !$0.name.hasPrefix(DeadLetter.headerPrefix) }
    }

    /// Why a replay cannot start.
    public enum ReplayError: Error, CustomStringConvertible {
        /// Neither `--topic` nor `dead_letter.topic` names a topic.
        case noTopic

        /// The message printed by the command.
        public var description: String {
            switch self {
            case .noTopic: return "no dead-letter topic: set dead_letter.topic or pass --topic"
            }
        }
    }
}
