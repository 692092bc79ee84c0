import BridgeCore
import Kuzzle

extension BridgeProbe {
    /// `ok   kuzzle limits (/_capabilities): documentsWriteCount=200 maxRequestSize=1048576 concurrentRequests=100;
    /// the bridge uses …`: what Kuzzle announced and what the bridge makes of it with this configuration. A Kuzzle
    /// without the route (older than 2.17) passes (the configured limits apply); a failed read fails.
    static func probeLimits(_ configuration: BridgeConfiguration, kuzzle: KuzzleClient) async -> Check {
        let name = "kuzzle limits (/_capabilities)"
        do {
            guard let capabilities = try await kuzzle.capabilities() else {
                let documents = configuration.writer.documentsWriteCount ?? WriterSettings.defaultDocumentsWriteCount
                return Check(
                    name: name,
                    passed: true,
                    detail:
                        "not announced (Kuzzle older than 2.17); the bridge uses documents_write_count=\(documents) "
                        + "max_request_size=\(configuration.kuzzle.maximumRequestSize) and learns lower limits from 413s"
                )
            }
            let effective = BridgeService.applying(capabilities, to: configuration)
            return Check(
                name: name,
                passed: true,
                detail: "\(capabilities); the bridge uses documents_write_count=\(effective.documentsWriteCount) "
                    + "max_request_size=\(effective.configuration.kuzzle.maximumRequestSize) "
                    + "batching.max_bytes=\(effective.configuration.batching.maximumBytes) "
                    + "writer.concurrency=\(effective.configuration.writer.concurrency) "
                    + "writer.max_concurrency=\(effective.configuration.writer.maximumConcurrency)"
            )
        } catch {
            return Check(name: name, passed: false, detail: "\(error)")
        }
    }
}
