import AsyncHTTPClient
import BridgeCore
import Kuzzle
import Logging
import RdKafka
import ServiceLifecycle
import UnixSignals

/// Builds the bridge from a validated configuration and runs it as a service group until SIGTERM/SIGINT.
///
/// The group runs two services: ``SignalService`` and ``BridgeService`` (one shared `HTTPClient`, shut down once
/// the group has finished). The first SIGTERM/SIGINT is the group's graceful shutdown: the bridge stops waiting for
/// Kuzzle, or the pipeline flushes, drains up to `shutdown.drain_timeout`, commits and leaves the group. A second
/// signal stops at once, still committing only what is done. The whole stop stays within `shutdown.drain_timeout` plus
/// ``stopMargin``: every step after the drain is bounded, and the group cancels the bridge (the immediate stop) if the
/// graceful stop takes longer than `shutdown.drain_timeout` plus ``escalationDelay``.
public enum BridgeDaemon {
    /// How long a stop may take beyond `shutdown.drain_timeout`: the final commit (``finalCommitTimeout``), leaving the
    /// group (``consumerCloseTimeout``), the dead-letter producer's close (``producerCloseTimeout`` plus its purge)
    /// and a few seconds of slack. A service manager's stop timeout should be at least `drain_timeout` plus this
    /// (`deploy/install.sh` derives the unit's `TimeoutStopSec=` from it).
    public static let stopMargin: Duration = .seconds(20)
    /// The bound on the final offset commit (the broker's answer, with or without a group coordinator).
    public static let finalCommitTimeout: Duration = .seconds(5)
    /// The bound on leaving the consumer group (``KafkaConsumer/close(timeout:)``).
    public static let consumerCloseTimeout: Duration = .seconds(5)
    /// The bound on flushing the dead-letter producer once the pipeline has stopped.
    public static let producerCloseTimeout: Duration = .seconds(3)
    /// How long past `shutdown.drain_timeout` the group lets the graceful stop run before it cancels the bridge,
    /// which turns it into the immediate stop.
    public static let escalationDelay: Duration = .seconds(2)

    /// Runs the bridge; returns after a clean stop.
    /// - Throws: A fatal error (the daemon then exits 1 and systemd restarts it).
    public static func run(
        configuration: BridgeConfiguration,
        hooks: PipelineHooks = PipelineHooks(),
        logger: Logger
    ) async throws {
        try await run(
            configuration: configuration,
            hooks: hooks,
            signals: await trapStopSignals(),
            logger: logger
        )
    }

    /// Starts catching SIGTERM and SIGINT (from then on they no longer kill the process): call it first thing, and
    /// hand the sequence to ``run(configuration:hooks:signals:logger:)``.
    public static func trapStopSignals() async -> UnixSignalsSequence {
        await UnixSignalsSequence(trapping: .sigterm, .sigint)
    }

    /// Runs the bridge with SIGTERM/SIGINT caught since `signals` was made (``trapStopSignals()``).
    /// - Throws: A fatal error (the daemon then exits 1 and systemd restarts it).
    public static func run(
        configuration: BridgeConfiguration,
        hooks: PipelineHooks = PipelineHooks(),
        signals: UnixSignalsSequence,
        logger: Logger
    ) async throws {
        let kuzzleConfiguration = KuzzleClientConfiguration(configuration.kuzzle)
        let httpClient = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup,
            configuration: kuzzleConfiguration.makeHTTPClientConfiguration(),
            backgroundActivityLogger: logger
        )
        let stopController = StopController()
        let bridge = BridgeService(
            configuration: configuration,
            kuzzle: KuzzleClient(configuration: kuzzleConfiguration, httpClient: httpClient, logger: logger),
            hooks: hooks,
            stopController: stopController,
            logger: logger
        )
        let groupReference = ServiceGroupReference()
        let signalService = SignalService(
            signals: signals,
            stopController: stopController,
            group: groupReference,
            logger: logger
        )
        var groupConfiguration = ServiceGroupConfiguration(
            services: [
                // Shut down in reverse order: the signal counter listens until the bridge has stopped.
                .init(service: signalService),
                .init(service: bridge),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        groupConfiguration.maximumGracefulShutdownDuration = configuration.shutdown.drainTimeout + escalationDelay
        let group = ServiceGroup(configuration: groupConfiguration)
        groupReference.set(group)
        do {
            try await group.run()
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
        try await httpClient.shutdown()
    }
}
