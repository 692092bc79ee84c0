import Foundation
import Kuzzle
import RdKafka

extension KuzzleClientConfiguration {
    /// The Kuzzle client's configuration from the daemon's `kuzzle.*` settings.
    init(_ settings: KuzzleSettings) {
        let authentication: Authentication
        switch settings.credentials {
        case .anonymous: authentication = .anonymous
        case .apiKey(let key): authentication = .apiKey(key)
        case .login(let username, let password): authentication = .login(username: username, password: password)
        }
        self.init(
            url: settings.url,
            authentication: authentication,
            requestTimeout: settings.requestTimeout,
            caFile: settings.caFile,
            gzipRequests: settings.gzip,
            maximumRequestBytes: settings.maximumRequestSize,
            refresh: settings.refresh == .waitFor ? .waitFor : .none
        )
        userAgent = Self.bridgeUserAgent
    }

    /// `kuzzle-bridge/0.1.0 (pid 1234)`: the version, and the process, so that Kuzzle's access log tells two members
    /// of a group apart (and the zombie test, a stopped member's requests from the new owner's).
    static var bridgeUserAgent: String {
        "kuzzle-bridge/\(BridgeVersion.number) (pid \(ProcessInfo.processInfo.processIdentifier))"
    }
}

extension KafkaConsumerConfiguration {
    /// The consumer's configuration from the daemon's `kafka.*` settings.
    init(_ configuration: BridgeConfiguration) {
        let kafka = configuration.kafka
        self.init(bootstrapServers: kafka.bootstrapServersList, groupID: kafka.groupID, topics: kafka.topics)
        assignmentStrategy = kafka.assignmentStrategy == .range ? .range : .cooperativeSticky
        sessionTimeout = kafka.sessionTimeout
        statisticsInterval = configuration.logging.statsInterval > .zero ? configuration.logging.statsInterval : nil
        // A revocation waits for in-flight writes up to the drain timeout; give the consumer a little more.
        revocationTimeout = configuration.shutdown.drainTimeout + .seconds(5)
        maximumPollInterval = max(.seconds(300), configuration.shutdown.drainTimeout * 2 + .seconds(30))
        // Bound what the poll thread hands over ahead of the pipeline (the bytes waiting in the consumer's event sequence).
        maximumHandoffBytes = max(2_097_152, configuration.backpressure.maximumBufferedBytes / 4)
        properties = kafka.properties
        suspectPollGap = configuration.leaseGap
    }
}

extension KafkaProducerConfiguration {
    /// The dead-letter producer's configuration: the consumer's brokers and librdkafka properties, then
    /// `dead_letter.properties` on top.
    init(_ configuration: BridgeConfiguration) {
        self.init(bootstrapServers: configuration.kafka.bootstrapServersList)
        var merged = configuration.kafka.properties.filter { !Self.consumerOnlyKeys.contains($0.key) }
        merged.merge(configuration.deadLetter.properties) { _, new in new }
        properties = merged
    }

    /// librdkafka consumer properties a producer rejects or ignores noisily.
    private static let consumerOnlyKeys: Set<String> = [
        "group.id", "session.timeout.ms", "heartbeat.interval.ms", "max.poll.interval.ms", "auto.offset.reset",
        "enable.auto.commit", "enable.auto.offset.store", "partition.assignment.strategy", "fetch.wait.max.ms",
        "fetch.min.bytes", "fetch.max.bytes", "max.partition.fetch.bytes", "queued.max.messages.kbytes",
        "queued.min.messages", "group.instance.id", "isolation.level", "check.crcs",
    ]
}
