import BridgeCore
import Kuzzle
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension BridgeService {
    /// The limits the writer uses: Kuzzle's as announced by `/_capabilities`, lowered by the configuration.
    struct EffectiveLimits: Sendable {
        /// The configuration with Kuzzle's limits applied: `batching.max_bytes` and `kuzzle.max_request_size` at
        /// most Kuzzle's `server.maxRequestSize` (batches keep a tenth of room), `writer.concurrency` (fixed) or
        /// `writer.max_concurrency` (adaptive) at most Kuzzle's `limits.concurrentRequests`.
        var configuration: BridgeConfiguration
        /// Documents per document controller request: Kuzzle's `limits.documentsWriteCount`, lowered by
        /// `writer.documents_write_count`.
        var documentsWriteCount: Int
    }

    /// Reads `/_capabilities` once at start and logs what it found; a Kuzzle without the route (older than 2.17), or
    /// one that fails to answer, leaves the configured limits (and Kuzzle's default 200 documents per request).
    func readKuzzleLimits() async -> EffectiveLimits {
        let configured = configuration.writer.documentsWriteCount
        var effective = EffectiveLimits(
            configuration: configuration,
            documentsWriteCount: configured ?? WriterSettings.defaultDocumentsWriteCount
        )
        let capabilities: KuzzleCapabilities?
        do {
            capabilities = try await kuzzle.capabilities()
        } catch {
            logger.warning(
                "Could not read Kuzzle's limits from /_capabilities; using the configured ones",
                error: error,
                metadata: ["writer.documents_write_count": "\(effective.documentsWriteCount)"]
            )
            return effective
        }
        guard let capabilities else {
            logger.notice(
                "Kuzzle has no /_capabilities (older than 2.17); using the configured limits",
                metadata: ["writer.documents_write_count": "\(effective.documentsWriteCount)"]
            )
            return effective
        }
        effective = Self.applying(capabilities, to: configuration)
        logger.notice(
            "Kuzzle announced its limits",
            metadata: [
                "kuzzle.capabilities": "\(capabilities)",
                "writer.documents_write_count": "\(effective.documentsWriteCount)",
                "kuzzle.max_request_size": "\(effective.configuration.kuzzle.maximumRequestSize)",
                "writer.concurrency": "\(effective.configuration.writer.concurrency)",
                "writer.max_concurrency": "\(effective.configuration.writer.maximumConcurrency)",
            ]
        )
        return effective
    }

    /// `configuration` within the limits Kuzzle announced (the lower of each pair wins).
    static func applying(_ capabilities: KuzzleCapabilities, to configuration: BridgeConfiguration) -> EffectiveLimits {
        var configuration = configuration
        let configured = configuration.writer.documentsWriteCount
        var documents = configured ?? WriterSettings.defaultDocumentsWriteCount
        if let announced = capabilities.documentsWriteCount, announced > 0 {
            documents = min(announced, configured ?? announced)
        }
        if let size = capabilities.maxRequestSize, size > 0, size < configuration.kuzzle.maximumRequestSize {
            configuration.kuzzle.maximumRequestSize = size
            configuration.batching.maximumBytes = min(configuration.batching.maximumBytes, size / 10 * 9)
        }
        if let concurrent = capabilities.concurrentRequests, concurrent > 0 {
            if case .fixed(let count) = configuration.writer.concurrency, count > concurrent {
                configuration.writer.concurrency = .fixed(concurrent)
            }
            configuration.writer.maximumConcurrency = min(configuration.writer.maximumConcurrency, concurrent)
        }
        return EffectiveLimits(configuration: configuration, documentsWriteCount: documents)
    }

    /// The bridge instance named in `X-Kuzzle-Volatile`: `<kafka.group_id>@<host name>`.
    static func instanceName(groupID: String) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        let host =
            gethostname(&buffer, buffer.count) == 0
            ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "unknown-host"
        return groupID + "@" + host
    }
}
