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

/// Connects to Kuzzle and to the brokers, prints one line per check, and fails (exit 1) when any check failed.
func probeTargets(configuration: BridgeConfiguration) async throws {
    let checks = await BridgeProbe.run(configuration: configuration) { check in print(check.line) }
    let failed = checks.filter { !$0.passed }.count
    if failed > 0 {
        DaemonExit.printError("probe failed: \(failed) of \(checks.count) check(s) failed")
        throw DaemonExit.runtimeFailure
    }
    print("probe passed: \(checks.count) check(s)")
}
