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

/// Runs the bridge until it is asked to stop.
///
/// - Important: PIPELINE WIRING POINT. Replace this body with the single call
///   `try await BridgeDaemon.run(configuration: configuration, logger: logger)` once the pipeline exists.
func runBridge(configuration: BridgeConfiguration, logger: Logger) async throws {
    DaemonExit.printError("the pipeline is not wired yet")
    throw DaemonExit.runtimeFailure
}
