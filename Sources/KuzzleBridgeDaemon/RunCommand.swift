import ArgumentParser
import Foundation
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
        let output = BridgeLogOutput(
            settings: configuration.logging,
            environment: ProcessInfo.processInfo.environment
        )
        BridgeLogHandler.bootstrap(output: output, level: configuration.logging.level)
        var logger = Logger(label: "kuzzle-bridge")
        logger.logLevel = configuration.logging.level
        logger.notice(
            "starting \(BridgeVersion.versionLine())",
            metadata: configuration.summaryMetadata
        )
        defer { output.flushRepeatSummaries() }
        do {
            try await runBridge(configuration: configuration, logger: logger)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            logger.critical("stopped by a fatal error", error: error)
            throw DaemonExit.runtimeFailure
        }
        logger.notice("stopped")
    }
}

/// Runs the bridge until SIGTERM/SIGINT, telling systemd about readiness, status, liveness and shutdown when it
/// runs under a `Type=notify` unit (a no-op otherwise).
func runBridge(configuration: BridgeConfiguration, logger: Logger) async throws {
    try await BridgeDaemon.run(configuration: configuration, hooks: .systemd(), logger: logger)
}
