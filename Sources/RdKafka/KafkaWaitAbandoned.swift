extension KafkaError {
    /// The caller stopped waiting for librdkafka's answer (its task was cancelled); the operation itself may still
    /// complete. Kind `.timedOut`, retriable.
    static func cancelledWait(_ operation: String) -> KafkaError {
        KafkaError(kind: .timedOut, message: "\(operation): stopped waiting (task cancelled)", isRetriable: true)
    }
}
