import ArgumentParser
import KuzzleBridge

/// `kuzzle-bridge`: moves document events from Kafka topics into Kuzzle.
///
/// Exit codes: 0 after a clean stop, 78 (`EX_CONFIG`) when the configuration is invalid (the message on stderr names
/// the key), 1 on a fatal runtime error, 64 on a command-line usage error.
@main
struct KuzzleBridgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kuzzle-bridge",
        abstract: "Move document events from Kafka topics into Kuzzle.",
        version: BridgeVersion.versionLine(),
        subcommands: [RunCommand.self, CheckConfigCommand.self, ReplayDeadLettersCommand.self],
        defaultSubcommand: RunCommand.self
    )

    /// Limits glibc's malloc arenas (``MallocArenas``) before any other thread runs, then parses and runs the command.
    static func main() async {
        _ = MallocArenas.applied
        await main(nil)
    }
}
