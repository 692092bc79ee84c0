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
        var summary = configuration.summaryMetadata
        summary["malloc.arenas"] = "\(MallocArenas.applied.map { "\($0)" } ?? "MALLOC_ARENA_MAX")"
        logger.notice("starting \(BridgeVersion.versionLine())", metadata: summary)
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
///
/// `KUZZLE_BRIDGE_TEST_WEDGE_POLL_AFTER` (a duration such as `3s`) is a test-only hook: once ready, the consumer's poll
/// loop stops polling after that delay, so that tests can see the systemd watchdog go quiet. Never set it in
/// production.
func runBridge(configuration: BridgeConfiguration, logger: Logger) async throws {
    var hooks = PipelineHooks.systemd()
        .combined(with: .stallWarnings(statsInterval: configuration.logging.statsInterval, logger: logger))
    if let wedge = ProcessInfo.processInfo.environment[testWedgeVariable] {
        hooks.testWedgePollingAfter = ConfigurationUnits.parseDuration(wedge)
    }
    guard let listen = configuration.health.listen else {
        try await BridgeDaemon.run(configuration: configuration, hooks: hooks, logger: logger)
        return
    }
    let endpoint = HealthEndpoint()
    let port = try await endpoint.start(host: listen.host, port: listen.port)
    logger.notice("Health endpoint listening", metadata: ["health.listen": "\(listen.host):\(port)"])
    do {
        try await BridgeDaemon.run(
            configuration: configuration,
            hooks: hooks.combined(with: endpoint.hooks),
            logger: logger
        )
    } catch {
        await endpoint.stop()
        throw error
    }
    await endpoint.stop()
}

/// The test-only environment variable that wedges the consumer's poll loop (see ``runBridge(configuration:logger:)``).
let testWedgeVariable = "KUZZLE_BRIDGE_TEST_WEDGE_POLL_AFTER"
