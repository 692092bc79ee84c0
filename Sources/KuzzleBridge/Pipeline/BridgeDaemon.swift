import AsyncHTTPClient
import BridgeCore
import Kuzzle
import Logging
import RdKafka
import UnixSignals

/// Builds the bridge from a validated configuration and runs it until SIGTERM/SIGINT.
///
/// Order of work: one shared `HTTPClient`; the Kuzzle client; an authenticated Kuzzle probe (retried with backoff
/// until it answers, so a daemon started before Kuzzle waits for it); the dead-letter producer when configured; the
/// consumer; then the pipeline. The first signal stops gracefully (flush, drain up to `shutdown.drain_timeout`,
/// commit, leave the group); a second one stops at once, still committing only what is done.
public enum BridgeDaemon {
    /// Runs the bridge; returns after a clean stop.
    /// - Throws: A fatal error (the daemon then exits 1 and systemd restarts it).
    public static func run(
        configuration: BridgeConfiguration,
        hooks: PipelineHooks = PipelineHooks(),
        logger: Logger
    ) async throws {
        let kuzzleConfiguration = KuzzleClientConfiguration(configuration.kuzzle)
        let httpClient = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup,
            configuration: kuzzleConfiguration.makeHTTPClientConfiguration(),
            backgroundActivityLogger: logger
        )
        let stopController = StopController()
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await stopController.forward(signals, logger: logger) }
                group.addTask {
                    try await runPipeline(
                        configuration,
                        kuzzleConfiguration,
                        httpClient: httpClient,
                        hooks: hooks,
                        stopController: stopController,
                        logger: logger
                    )
                }
                // The pipeline's task ends first (normally or by throwing); the signal task is then cancelled.
                defer { group.cancelAll() }
                try await group.next()
            }
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
        try await httpClient.shutdown()
    }

    private static func runPipeline(
        _ configuration: BridgeConfiguration,
        _ kuzzleConfiguration: KuzzleClientConfiguration,
        httpClient: HTTPClient,
        hooks: PipelineHooks,
        stopController: StopController,
        logger: Logger
    ) async throws {
        let kuzzle = KuzzleClient(configuration: kuzzleConfiguration, httpClient: httpClient, logger: logger)
        let retryPolicy = RetryPolicy(schedule: configuration.retry)

        // Kuzzle first: no point joining the group (and taking partitions from others) while Kuzzle is unusable.
        guard try await waitForKuzzle(kuzzle, retryPolicy: retryPolicy, stopController: stopController, logger: logger)
        else {
            logger.notice("Stopped before Kuzzle answered")
            return
        }

        let consumer = try KafkaConsumer(configuration: KafkaConsumerConfiguration(configuration), logger: logger)
        var producer: KafkaProducer?
        var deadLetters: DeadLetterWriter?
        if let topic = configuration.deadLetter.topic {
            let made = try KafkaProducer(configuration: KafkaProducerConfiguration(configuration), logger: logger)
            producer = made
            deadLetters = DeadLetterWriter(producer: made, topic: topic)
        }
        let writer = BatchWriter(
            client: kuzzle,
            route: configuration.writer.route,
            retryPolicy: retryPolicy,
            createMissingCollections: configuration.kuzzle.createMissingCollections,
            hasDeadLetterTopic: deadLetters != nil,
            options: KuzzleWriteOptions(refresh: configuration.kuzzle.refresh == .waitFor ? .waitFor : nil),
            logger: logger,
            retryOnConflict: configuration.writer.retryOnConflict,
            collectionSettings: configuration.writer.fencedCollectionSettings
        )
        let pipeline = BridgePipeline(
            consumer: consumer,
            writer: writer,
            deadLetters: deadLetters,
            configuration: configuration,
            hooks: hooks,
            logger: logger
        )
        stopController.attach(pipeline)
        do {
            try await pipeline.run()
        } catch {
            if let producer { await producer.close() }
            throw error
        }
        if let producer { await producer.close() }
    }

    /// Probes Kuzzle with an authenticated call until it answers or a stop is requested.
    /// - Returns: `true` when Kuzzle answered, `false` when stopped first.
    /// - Throws: A fatal Kuzzle error (refused credentials, TLS trust failure): waiting cannot cure it.
    private static func waitForKuzzle(
        _ kuzzle: KuzzleClient,
        retryPolicy: RetryPolicy,
        stopController: StopController,
        logger: Logger
    ) async throws -> Bool {
        var attempt = 0
        var random = SystemRandomNumberGenerator()
        while !stopController.isStopRequested {
            do {
                let user = try await kuzzle.checkCredentials()
                logger.notice("Kuzzle answered an authenticated probe", metadata: ["kuzzle.user": "\(user)"])
                return true
            } catch {
                if error.kind == .fatal { throw error }
                attempt += 1
                if attempt == 1 || attempt % 10 == 0 {
                    logger.warning(
                        "Kuzzle is not usable yet; retrying",
                        error: error,
                        metadata: ["retry.attempt": "\(attempt)"]
                    )
                }
                let deadline = ContinuousClock.now + retryPolicy.delay(forAttempt: attempt, using: &random)
                while ContinuousClock.now < deadline, !stopController.isStopRequested {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
        }
        return false
    }
}
