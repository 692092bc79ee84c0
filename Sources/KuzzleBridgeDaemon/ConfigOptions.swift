import ArgumentParser
import Foundation
import KuzzleBridge

/// The `--config PATH` option shared by the subcommands.
struct ConfigOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The YAML configuration file (default: $KUZZLE_BRIDGE_CONFIG, else config.yaml).",
            valueName: "path"
        )
    )
    var config: String?

    /// The file to load: `--config`, else `$KUZZLE_BRIDGE_CONFIG`, else `config.yaml`.
    func configurationPath(environment: [String: String]) -> String {
        if let config { return config }
        if let path = environment[ConfigurationEnvironment.configPath], !path.isEmpty { return path }
        return "config.yaml"
    }

    /// Loads and validates the configuration, or prints the error (naming the key) to stderr and exits 78.
    func loadConfiguration() throws -> BridgeConfiguration {
        let sources = ConfigurationSources.process
        let path = configurationPath(environment: sources.environment)
        do {
            return try BridgeConfiguration.load(path: path, sources: sources)
        } catch let error as ConfigurationError {
            DaemonExit.printError("\(path): \(error)")
            throw DaemonExit.configurationError
        }
    }
}
