import ArgumentParser
import KuzzleBridge
import Logging

/// `kuzzle-bridge run`: load the configuration, set up logging, run the bridge until SIGTERM/SIGINT.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the bridge (the default subcommand)."
    )

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let configuration = try options.loadConfiguration()
        let arenas = MallocArenas.applied.map { "\($0)" } ?? "MALLOC_ARENA_MAX"
        guard
            await BridgeDaemon.runLogged(configuration: configuration, startupMetadata: ["malloc.arenas": "\(arenas)"])
        else {
            throw DaemonExit.runtimeFailure
        }
    }
}
