import TestSupport
import Testing

/// The real `kuzzle-bridge` process against the librdkafka mock cluster and an in-process Kuzzle stand-in.
///
/// Serialized: the scenarios share two cores, the broker and the clock-sensitive group timers. Each test uses its
/// own topic, consumer group, index and collections.
@Suite("kuzzle-bridge end to end", .serialized, .timeLimit(.minutes(4)))
struct IntegrationTests {}

/// The names one scenario uses, all unique to it.
struct ScenarioNames {
    let topic: String
    let group: String
    let index: String
    let deadLetterTopic: String
    let collections = ["orders", "users", "items"]

    init(_ label: String) {
        topic = IntegrationEnvironment.uniqueName("it-\(label)")
        group = IntegrationEnvironment.uniqueName("kb-\(label)")
        index = IntegrationEnvironment.uniqueName("it")
        deadLetterTopic = topic + "-dlq"
    }

    /// A daemon configuration for this scenario, with or without the dead-letter topic.
    func configuration(bootstrap: String, kuzzleURL: String, deadLetters: Bool) -> DaemonConfiguration {
        DaemonConfiguration(
            bootstrap: bootstrap,
            group: group,
            topic: topic,
            kuzzleURL: kuzzleURL,
            deadLetterTopic: deadLetters ? deadLetterTopic : nil
        )
    }
}
