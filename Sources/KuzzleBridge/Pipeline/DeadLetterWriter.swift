import BridgeCore
import Logging
import RdKafka

/// What one attempt to produce a dead letter came to.
enum DeadLetterResult: Sendable {
    /// The broker acknowledged it (the producer is idempotent with `acks=all`: it is durable).
    case delivered
    /// The broker or the producer refused it; the reason names why (never a secret: librdkafka's error text).
    case failed(String)
    /// The attempt was cancelled (the stop's deadline).
    case cancelled
}

/// Produces dead letters to the dead-letter topic and waits for the broker's acknowledgement, one attempt per call:
/// ``PipelineCore`` decides on retries (backoff) and, when a dead letter keeps failing, halts its partition.
struct DeadLetterWriter: Sendable {
    /// The producer.
    let producer: KafkaProducer
    /// The dead-letter topic.
    let topic: String

    /// Makes one attempt to produce `letter`.
    func send(_ letter: DeadLetter) async -> DeadLetterResult {
        guard !Task.isCancelled else { return .cancelled }
        do {
            _ = try await producer.send(topic: topic, key: letter.key, value: letter.value, headers: letter.headers)
            return .delivered
        } catch {
            return Task.isCancelled ? .cancelled : .failed("\(error)")
        }
    }
}
