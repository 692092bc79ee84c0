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

/// The daemon's exit codes and its way of reporting to stderr before logging is set up.
enum DaemonExit {
    /// 78 (`EX_CONFIG` in sysexits.h): the configuration is invalid; systemd should not restart
    /// (`RestartPreventExitStatus=78`).
    static let configurationError = ExitCode(78)
    /// 1: a fatal runtime error; systemd may restart.
    static let runtimeFailure = ExitCode(1)

    /// Writes `kuzzle-bridge: <message>` and a newline to standard error.
    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("kuzzle-bridge: \(message)\n".utf8))
    }
}
