import ArgumentParser
import KuzzleBridge

/// `kuzzle-bridge replay-dead-letters`: re-produce dead-lettered events to their source topics.
struct ReplayDeadLettersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay-dead-letters",
        abstract: "Re-produce the dead-letter topic's events to their source topics (bridge headers removed).",
        discussion: """
            Reads the dead-letter topic from its beginning to its current end (no consumer group, nothing \
            committed) and produces each event, with its original key, value and headers, to the topic named by its \
            kuzzle-bridge-source-topic header. The bridge then consumes them again. Document ids make this \
            idempotent. Only --to kafka is supported: writing straight to Kuzzle would bypass the ordering and offset \
            guarantees of the running bridge.
            """
    )

    /// Where replayed events go.
    enum Destination: String, ExpressibleByArgument {
        case kafka
        case kuzzle
    }

    @OptionGroup var options: ConfigOptions

    @Option(help: "The topic to read (default: dead_letter.topic).")
    var topic: String?

    @Option(help: ArgumentHelp("Replay events up to this offset (per partition), inclusive.", valueName: "offset"))
    var untilOffset: Int64?

    @Option(help: "Where to send the events: kafka (their source topic).")
    var to: Destination = .kafka

    func validate() throws {
        if to == .kuzzle {
            throw ValidationError("--to kuzzle is not supported: replay to kafka and let the bridge write the events")
        }
        if let untilOffset, untilOffset < 0 { throw ValidationError("--until-offset must be 0 or more") }
    }

    func run() async throws {
        let configuration = try options.loadConfiguration()
        do {
            let summary = try await DeadLetterReplay.run(
                configuration: configuration,
                topic: topic,
                untilOffset: untilOffset
            )
            for (target, count) in summary.perTopic.sorted(by: { $0.key < $1.key }) {
                print("replayed \(count) event(s) to \(target)")
            }
            print(
                "replayed \(summary.replayed) of \(summary.read) event(s); skipped \(summary.skipped) without a source topic"
            )
        } catch {
            DaemonExit.printError("replay failed: \(error)")
            throw DaemonExit.runtimeFailure
        }
    }
}
