import BridgeCore
import Logging
import RdKafka

/// Produces dead letters to the dead-letter topic and waits for the broker's acknowledgement.
///
/// The producer is idempotent with `acks=all`, so an acknowledged dead letter is durable. A failed delivery is
/// retried with backoff until it succeeds or the task is cancelled (shutdown deadline): the event's offset is only
/// completed on acknowledgement.
struct DeadLetterWriter: Sendable {
    /// The producer.
    let producer: KafkaProducer
    /// The dead-letter topic.
    let topic: String
    /// Backoff between failed deliveries.
    let retryPolicy: RetryPolicy
    /// Where failures are logged.
    let logger: Logger

    /// Sends `letter`; returns `true` once the broker acknowledged it, `false` if cancelled first.
    func send(_ letter: DeadLetter) async -> Bool {
        var attempt = 0
        var random = SystemRandomNumberGenerator()
        while !Task.isCancelled {
            do {
                _ = try await producer.send(topic: topic, key: letter.key, value: letter.value, headers: letter.headers)
                return true
            } catch {
                attempt += 1
                if attempt == 1 {
                    logger.warning(
                        "Dead-letter delivery failed, retrying",
                        error: error,
                        metadata: [
                            LogKeys.deadLetterTopic: "\(topic)", LogKeys.kafkaTopic: "\(letter.source.topic)",
                            LogKeys.kafkaPartition: "\(letter.source.partition)",
                            LogKeys.kafkaOffset: "\(letter.source.offset)",
                        ]
                    )
                }
                try? await Task.sleep(for: retryPolicy.delay(forAttempt: attempt, using: &random))
            }
        }
        return false
    }
}
