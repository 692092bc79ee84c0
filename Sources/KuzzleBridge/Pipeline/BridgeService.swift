import BridgeCore
@_spi(Testing) import Kuzzle
import Logging
import RdKafka
import ServiceLifecycle

/// The bridge as a service: waits for Kuzzle, builds the Kafka clients and the pipeline, runs it until the group's
/// graceful shutdown (the graceful stop) or its cancellation (the immediate stop), then closes the dead-letter
/// producer.
struct BridgeService: Service {
    let configuration: BridgeConfiguration
    let kuzzle: KuzzleClient
    let hooks: PipelineHooks
    let stopController: StopController
    let logger: Logger

    func run() async throws {
        let retryPolicy = RetryPolicy(schedule: configuration.retry)
        // Kuzzle first: no point joining the group (and taking partitions from others) while Kuzzle is unusable.
        guard try await waitForKuzzle(retryPolicy: retryPolicy) else {
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
        let limits = await readKuzzleLimits()
        let effective = limits.configuration
        var writer = BatchWriter(
            client: kuzzle,
            route: effective.writer.route,
            retryPolicy: retryPolicy,
            createMissingCollections: effective.kuzzle.createMissingCollections,
            hasDeadLetterTopic: deadLetters != nil,
            options: KuzzleWriteOptions(refresh: effective.kuzzle.refresh == .waitFor ? .waitFor : nil),
            logger: logger,
            retryOnConflict: effective.writer.retryOnConflict,
            collectionSettings: effective.writer.fencedCollectionSettings
        )
        writer.notify = effective.writer.notify
        writer.options.testForcesStrict = hooks.testForcesStrict
        writer.instance = Self.instanceName(groupID: effective.kafka.groupID)
        writer.documentLimits = DocumentWriteLimits(initialCap: limits.documentsWriteCount)
        let pipeline = BridgePipeline(
            consumer: consumer,
            writer: writer,
            deadLetters: deadLetters,
            configuration: effective,
            hooks: hooks.withTestBehaviours(consumer: consumer, logger: logger),
            logger: logger
        )
        stopController.attach(pipeline)
        // The pipeline runs in a task of its own, so that the group's cancellation reaches it only as the immediate
        // stop (it still commits what is done and leaves the group), never as a cancelled drain.
        let running = Task { try await pipeline.run() }
        let stopController = self.stopController
        let outcome = await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await running.result
            } onCancel: {
                stopController.request(.immediate)
            }
        } onGracefulShutdown: {
            stopController.request(.graceful)
        }
        // Dead letters not acknowledged by now were not committed: they are re-read after a restart.
        await producer?.close(flushTimeout: BridgeDaemon.producerCloseTimeout)
        try outcome.get()
    }

    /// Probes Kuzzle with an authenticated call until it answers or the group shuts down (the probe and the wait
    /// between probes end at once then).
    /// - Returns: `true` when Kuzzle answered, `false` when stopped first.
    /// - Throws: A fatal Kuzzle error (refused credentials, TLS trust failure): waiting cannot cure it.
    private func waitForKuzzle(retryPolicy: RetryPolicy) async throws -> Bool {
        var backoff = Backoff(policy: retryPolicy)
        var random = SystemRandomNumberGenerator()
        let kuzzle = self.kuzzle
        while !isStopping {
            do {
                let user = try await cancelWhenGracefulShutdown { try await kuzzle.checkCredentials() }
                logger.notice("Kuzzle answered an authenticated probe", metadata: ["kuzzle.user": "\(user)"])
                return true
            } catch {
                if isStopping { return false }
                if let error = error as? KuzzleError, error.kind == .fatal { throw error }
                let delay = backoff.failed(using: &random)
                if backoff.failures == 1 || backoff.failures % 10 == 0 {
                    logger.warning(
                        "Kuzzle is not usable yet; retrying",
                        error: error,
                        metadata: ["retry.attempt": "\(backoff.failures)"]
                    )
                }
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
            }
        }
        return false
    }

    private var isStopping: Bool { Task.isShuttingDownGracefully || Task.isCancelled }
}
