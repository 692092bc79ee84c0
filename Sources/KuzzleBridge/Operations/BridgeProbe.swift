import AsyncHTTPClient
import BridgeCore
import Kuzzle
import Logging
import RdKafka
import Synchronization

/// `check-config --probe`: connects to Kuzzle and to the Kafka brokers and checks, one line per check, that the
/// configuration works for real: Kuzzle's health check, the credentials, each default target collection, the brokers'
/// metadata and each consumed topic (and the dead-letter topic).
public enum BridgeProbe {
    /// One check's outcome.
    public struct Check: Sendable, Equatable {
        /// What was checked, e.g. `kafka topic kuzzle-bridge.events`.
        public var name: String
        /// Whether it passed.
        public var passed: Bool
        /// What was found (a detail on success, the reason on failure).
        public var detail: String

        /// The printed line: `ok   <name>: <detail>` or `FAIL <name>: <detail>`.
        public var line: String { "\(passed ? "ok  " : "FAIL") \(name): \(detail)" }
    }

    /// Runs every check, reporting each one to `report` as soon as it is known.
    /// - Parameters:
    ///   - configuration: The validated configuration.
    ///   - timeout: How long each network check may take.
    ///   - report: Called once per check, in order.
    /// - Returns: Every check; the probe passed when all of them did.
    public static func run(
        configuration: BridgeConfiguration,
        timeout: Duration = .seconds(10),
        logger: Logger = Logger(label: "kuzzle-bridge.probe"),
        report: @Sendable (Check) -> Void = { _ in }
    ) async -> [Check] {
        var checks: [Check] = []
        func record(_ check: Check) {
            checks.append(check)
            report(check)
        }
        for check in await probeKuzzle(configuration, timeout: timeout, logger: logger) { record(check) }
        for check in await probeKafka(configuration, timeout: timeout) { record(check) }
        return checks
    }

    // MARK: - Kuzzle

    private static func probeKuzzle(
        _ configuration: BridgeConfiguration,
        timeout: Duration,
        logger: Logger
    ) async -> [Check] {
        var kuzzleConfiguration = KuzzleClientConfiguration(configuration.kuzzle)
        kuzzleConfiguration.requestTimeout = min(kuzzleConfiguration.requestTimeout, timeout)
        let httpClient = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup,
            configuration: kuzzleConfiguration.makeHTTPClientConfiguration(),
            backgroundActivityLogger: logger
        )
        let kuzzle = KuzzleClient(configuration: kuzzleConfiguration, httpClient: httpClient, logger: logger)
        let checks = await probeKuzzle(configuration, kuzzle: kuzzle)
        try? await httpClient.shutdown()
        return checks
    }

    private static func probeKuzzle(_ configuration: BridgeConfiguration, kuzzle: KuzzleClient) async -> [Check] {
        let url = configuration.kuzzle.url
        var checks: [Check] = []
        do {
            try await kuzzle.healthCheck()
            checks.append(Check(name: "kuzzle health (\(url)/_healthcheck)", passed: true, detail: "healthy"))
        } catch {
            checks.append(Check(name: "kuzzle health (\(url)/_healthcheck)", passed: false, detail: "\(error)"))
            return checks
        }
        do {
            let user = try await kuzzle.checkCredentials()
            checks.append(Check(name: "kuzzle credentials", passed: true, detail: "accepted as \(user)"))
        } catch {
            checks.append(Check(name: "kuzzle credentials", passed: false, detail: "\(error)"))
            return checks
        }
        checks.append(await probeLimits(configuration, kuzzle: kuzzle))
        for (index, collection) in defaultTargets(configuration) {
            let name = "kuzzle collection \(index)/\(collection)"
            do {
                if try await kuzzle.collectionExists(index: index, collection: collection) {
                    checks.append(Check(name: name, passed: true, detail: "exists"))
                } else if configuration.kuzzle.createMissingCollections {
                    checks.append(
                        Check(
                            name: name,
                            passed: true,
                            detail: "missing; created on first write (create_missing_collections)"
                        )
                    )
                } else {
                    checks.append(
                        Check(
                            name: name,
                            passed: false,
                            detail: "does not exist (events for it would halt their partition)"
                        )
                    )
                }
            } catch {
                checks.append(Check(name: name, passed: false, detail: "\(error)"))
            }
        }
        return checks
    }

    /// The distinct (index, collection) pairs named by `routing.topics.*.index/.collection`, sorted.
    static func defaultTargets(_ configuration: BridgeConfiguration) -> [(String, String)] {
        var seen = Set<String>()
        var targets: [(String, String)] = []
        for topic in configuration.routing.keys.sorted() {
            guard let routing = configuration.routing[topic], let index = routing.defaultIndex,
                let collection = routing.defaultCollection, seen.insert("\(index)/\(collection)").inserted
            else { continue }
            targets.append((index, collection))
        }
        return targets
    }

    // MARK: - Kafka

    private static func probeKafka(_ configuration: BridgeConfiguration, timeout: Duration) async -> [Check] {
        let servers = configuration.kafka.bootstrapServersList
        let metadata: KafkaClusterMetadata
        // A producer on the same settings connects at once; its librdkafka log lines tell why a connection failed.
        let connectionLog = CapturedKafkaLog()
        var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: servers)
        producerConfiguration.properties = configuration.kafka.properties
        let witness = try? KafkaProducer(configuration: producerConfiguration, logger: connectionLog.logger)
        do {
            let reader = try KafkaTopicReader(bootstrapServers: servers, properties: configuration.kafka.properties)
            defer { reader.close() }
            metadata = try reader.metadata(timeout: timeout)
        } catch {
            await witness?.close(flushTimeout: .zero)
            return [
                Check(
                    name: "kafka brokers (\(servers))",
                    passed: false,
                    detail: connectionLog.diagnosis(of: error)
                )
            ]
        }
        await witness?.close(flushTimeout: .zero)
        var checks = [
            Check(
                name: "kafka brokers (\(servers))",
                passed: true,
                detail: "\(metadata.brokers.count) broker(s): \(metadata.brokers.joined(separator: ","))"
            )
        ]
        var topics = configuration.kafka.topics.map { ($0, "kafka topic") }
        if let deadLetterTopic = configuration.deadLetter.topic {
            topics.append((deadLetterTopic, "kafka dead-letter topic"))
        }
        for (topic, label) in topics {
            if let partitions = metadata.topics[topic] {
                checks.append(Check(name: "\(label) \(topic)", passed: true, detail: "\(partitions) partition(s)"))
            } else {
                checks.append(Check(name: "\(label) \(topic)", passed: false, detail: "does not exist"))
            }
        }
        return checks
    }
}

/// librdkafka's log lines of the probe's witness producer, to name why the brokers could not be reached.
final class CapturedKafkaLog: Sendable {
    private let lines = Mutex<[String]>([])

    /// A logger whose warning-and-above lines are kept here (and printed nowhere).
    var logger: Logger {
        Logger(label: "kuzzle-bridge.probe.kafka") { _ in CapturingLogHandler(log: self) }
    }

    fileprivate func append(_ line: String) { lines.withLock { $0.append(line) } }

    /// `<cause> failure: <librdkafka's line>` for a TLS, authentication or security-protocol failure, `network
    /// failure: …` when the brokers could not be reached, from the captured lines and the metadata request's error.
    func diagnosis(of error: any Error) -> String {
        let captured = lines.withLock { $0 }
        let classified = captured.compactMap { line -> (KafkaConnectionHealth.Cause, String)? in
            let asError = KafkaError(kind: .librdkafka, message: line)
            return KafkaConnectionHealth.cause(of: asError).map { ($0, line) }
        }
        if case let (cause, line)? = classified.first(where: { $0.0.isPermanent }) {
            return "\(cause.rawValue) failure: \(line) (\(cause.hint))"
        }
        if case let (_, line)? = classified.first {
            return "network failure: \(line) (\(KafkaConnectionHealth.Cause.network.hint))"
        }
        return "network failure: \(error)"
    }
}

/// Sends warning-and-above records to a ``CapturedKafkaLog``.
private struct CapturingLogHandler: LogHandler {
    let log: CapturedKafkaLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .warning

    subscript(metadataKey key: String) -> Logger.MetadataValue? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let error = event.metadata?["kafka.error"].map { ": \($0)" } ?? ""
        log.append("\(event.message)\(error)")
    }
}
