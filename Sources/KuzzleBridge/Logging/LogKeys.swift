/// The metadata keys every part of the bridge logs with: dotted, grouped by what they describe.
///
/// Use them instead of string literals so that log queries (`kafka.topic=orders`) keep working.
public enum LogKeys {
    /// The Kafka topic of the event or partition.
    public static let kafkaTopic = "kafka.topic"
    /// The Kafka partition number.
    public static let kafkaPartition = "kafka.partition"
    /// The Kafka offset of the event.
    public static let kafkaOffset = "kafka.offset"
    /// A committed or stored "next offset to read".
    public static let kafkaCommittedOffset = "kafka.committed_offset"
    /// The consumer group id.
    public static let kafkaGroup = "kafka.group"
    /// The consumer lag (messages behind the end of the partition).
    public static let kafkaLag = "kafka.lag"
    /// The Kuzzle index.
    public static let kuzzleIndex = "kuzzle.index"
    /// The Kuzzle collection.
    public static let kuzzleCollection = "kuzzle.collection"
    /// The Kuzzle document `_id`.
    public static let kuzzleID = "kuzzle.id"
    /// The Kuzzle route of a request (`bulk:mWrite`, `bulk:import`).
    public static let kuzzleRoute = "kuzzle.route"
    /// The number of documents in a batch.
    public static let batchDocuments = "batch.documents"
    /// The size of a batch's request body in bytes.
    public static let batchBytes = "batch.bytes"
    /// Why a batch was sealed (`count`, `bytes`, `age`).
    public static let batchReason = "batch.reason"
    /// How long an operation took, in milliseconds.
    public static let durationMilliseconds = "duration_ms"
    /// The retry attempt number.
    public static let retryAttempt = "retry.attempt"
    /// The delay before the next retry.
    public static let retryDelay = "retry.delay"
    /// The writer's current limit of batches in flight (`writer.concurrency`, fixed or adaptive).
    public static let concurrencyLimit = "concurrency.limit"
    /// The adaptive limit before a change.
    public static let concurrencyPrevious = "concurrency.previous"
    /// Why the adaptive limit changed (`overload`, `rising_latency`, `steady_latency`).
    public static let concurrencyReason = "concurrency.reason"
    /// An error identifier (Kuzzle's error id such as `services.storage.unknown_index`, or a librdkafka code name).
    public static let errorID = "error.id"
    /// The HTTP status of a Kuzzle answer.
    public static let httpStatus = "http.status"
    /// The dead-letter topic an event was sent to.
    public static let deadLetterTopic = "dead_letter.topic"
    /// The error passed to a log call (`logger.error("…", error: e)`), written by the handler.
    public static let error = "error"
    /// On a summary line of the repeat limiter: how many identical lines were dropped.
    public static let repeatsDropped = "log.repeats_dropped"

    /// The keys that identify *where* a warning comes from; two warnings with the same message and the same values
    /// for these keys are "the same" for the repeat limiter (offsets, ids and sizes vary and are ignored).
    public static let repeatIdentity: Set<String> = [
        kafkaTopic, kafkaPartition, kuzzleIndex, kuzzleCollection, kuzzleRoute, errorID, httpStatus, deadLetterTopic,
    ]
}
