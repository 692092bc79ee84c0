import Foundation
import Logging
import UnixSignals

extension BridgeDaemon {
    /// Everything `kuzzle-bridge run` does once the configuration is loaded: sets up logging, logs the start-up line
    /// (with `startupMetadata` added), runs the bridge (``runWithOperations(configuration:hooks:logger:)``) until
    /// SIGTERM/SIGINT, and logs how it ended.
    /// - Parameter hooks: Extra hooks on top of the operational ones (the test daemon's test behaviours).
    /// - Returns: `true` after a clean stop, `false` after a fatal error (logged at critical level; exit 1).
    public static func runLogged(
        configuration: BridgeConfiguration,
        startupMetadata: Logger.Metadata = [:],
        hooks: PipelineHooks = PipelineHooks()
    ) async -> Bool {
        // Before anything else: a SIGTERM from now on stops the daemon cleanly instead of killing it.
        let signals = await trapStopSignals()
        let output = BridgeLogOutput(settings: configuration.logging, environment: ProcessInfo.processInfo.environment)
        BridgeLogHandler.bootstrap(output: output, level: configuration.logging.level)
        var logger = Logger(label: "kuzzle-bridge")
        logger.logLevel = configuration.logging.level
        let summary = configuration.summaryMetadata.merging(startupMetadata) { _, added in added }
        logger.notice("starting \(BridgeVersion.versionLine())", metadata: summary)
        defer { output.flushRepeatSummaries() }
        do {
            try await runWithOperations(configuration: configuration, hooks: hooks, signals: signals, logger: logger)
        } catch {
            logger.critical("stopped by a fatal error", error: error)
            return false
        }
        logger.notice("stopped")
        return true
    }

    /// Runs the bridge until SIGTERM/SIGINT with the operational hooks: systemd notifications (readiness, status,
    /// liveness, shutdown, when it runs under a `Type=notify` unit; a no-op otherwise), stall warnings, and the health
    /// endpoint when `health.listen` is set.
    /// - Parameter signals: SIGTERM/SIGINT caught since the start (``trapStopSignals()``); `nil`: from now on.
    public static func runWithOperations(
        configuration: BridgeConfiguration,
        hooks extra: PipelineHooks = PipelineHooks(),
        signals: UnixSignalsSequence? = nil,
        logger: Logger
    ) async throws {
        let trapped: UnixSignalsSequence
        if let signals { trapped = signals } else { trapped = await trapStopSignals() }
        var hooks = PipelineHooks.systemd()
            .combined(with: .stallWarnings(statsInterval: configuration.logging.statsInterval, logger: logger))
            .combined(with: extra)
        guard let listen = configuration.health.listen else {
            try await run(configuration: configuration, hooks: hooks, signals: trapped, logger: logger)
            return
        }
        let endpoint = HealthEndpoint()
        let port = try await endpoint.start(host: listen.host, port: listen.port)
        logger.notice("Health endpoint listening", metadata: ["health.listen": "\(listen.host):\(port)"])
        hooks = hooks.combined(with: endpoint.hooks)
        do {
            try await run(configuration: configuration, hooks: hooks, signals: trapped, logger: logger)
        } catch {
            await endpoint.stop()
            throw error
        }
        await endpoint.stop()
    }
}
