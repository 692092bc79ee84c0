import ArgumentParser
import KuzzleBridge

/// `kuzzle-bridge check-config`: validate the configuration (and with `--probe`, reach the broker and Kuzzle).
struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the configuration file and print the effective settings (secrets masked)."
    )

    @OptionGroup var options: ConfigOptions

    @Flag(help: "Also connect to the Kafka brokers and to Kuzzle, and check the credentials and targets.")
    var probe = false

    func run() async throws {
        let configuration = try options.loadConfiguration()
        print("configuration is valid: \(configuration.redactedDescription)")
        if probe {
            try await probeTargets(configuration: configuration)
        }
    }
}

/// Connects to the brokers and to Kuzzle to check that the configuration works for real.
///
/// - Important: PIPELINE WIRING POINT. Replace this body with the single call to the pipeline's probe (brokers
///   reachable, topics exist, Kuzzle credentials accepted, indexes and collections exist), throwing on failure.
func probeTargets(configuration: BridgeConfiguration) async throws {
    DaemonExit.printError("--probe is not wired yet (the configuration was only validated)")
    throw DaemonExit.runtimeFailure
}
