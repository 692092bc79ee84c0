import Foundation
import KuzzleBridge
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `/health`, `/ready` and `/metrics` of the optional HTTP endpoint, over real HTTP.
@Suite struct HealthEndpointTests {
    private func get(_ port: Int, _ path: String) async throws -> (Int, String) {
        let url = try #require(URL(string: "http://127.0.0.1:\(port)\(path)"))
        let (data, response) = try await URLSession.shared.data(from: url)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test func healthAndReadinessFollowTheHooksAndMetricsFollowSnapshots() async throws {
        let endpoint = HealthEndpoint()
        let port = try await endpoint.start(host: "127.0.0.1", port: 0)
        let hooks = endpoint.hooks
        #expect(try await get(port, "/health").0 == 503)
        #expect(try await get(port, "/ready").0 == 503)
        hooks.heartbeat()
        hooks.ready()
        #expect(try await get(port, "/health").0 == 200)
        #expect(try await get(port, "/ready").0 == 200)

        hooks.statistics(
            PipelineSnapshot(
                consumed: 10,
                written: 7,
                deadLettered: 1,
                retries: 2,
                overloads: 1,
                inFlightBatches: 3,
                concurrencyLimit: 4,
                lag: ["t/0": 42]
            )
        )
        hooks.statistics(
            PipelineSnapshot(
                consumed: 15,
                written: 12,
                deadLettered: 1,
                retries: 2,
                overloads: 3,
                inFlightBatches: 1,
                concurrencyLimit: 2,
                lag: ["t/0": 5],
                latencyP50: .milliseconds(250)
            )
        )
        hooks.batchWritten(700, [.milliseconds(40), .milliseconds(60)])
        let (status, metrics) = try await get(port, "/metrics")
        #expect(status == 200)
        #expect(metrics.contains("kuzzle_bridge_kuzzle_request_duration_seconds_count 2"), "\(metrics)")
        #expect(metrics.contains("kuzzle_bridge_batch_documents_count 1"), "\(metrics)")
        #expect(metrics.contains("kuzzle_bridge_batch_documents_sum 700"), "\(metrics)")
        #expect(metrics.contains("kuzzle_bridge_consumed_total 15"), "\(metrics)")
        #expect(metrics.contains("kuzzle_bridge_written_total 12"), "\(metrics)")
        #expect(metrics.contains("kuzzle_bridge_dead_lettered_total 1"), "\(metrics)")
        #expect(metrics.contains("kuzzle_bridge_in_flight_batches 1"), "\(metrics)")
        #expect(metrics.contains("kuzzle_bridge_concurrency_limit 2"), "\(metrics)")
        #expect(metrics.contains("kuzzle_bridge_kuzzle_overloads_total 3"), "\(metrics)")
        #expect(metrics.contains("kuzzle_bridge_lag 5"), "\(metrics)")
        #expect(metrics.contains(#"kuzzle_bridge_partition_lag{partition="t/0"} 5"#), "\(metrics)")
        #expect(metrics.contains("kuzzle_bridge_kuzzle_request_p50_seconds 0.25"), "\(metrics)")

        hooks.stopping()
        #expect(try await get(port, "/ready").0 == 503)
        #expect(try await get(port, "/nope").0 == 404)
        await endpoint.stop()
    }

    @Test func healthFailsWhenTheLastHeartbeatIsOlderThanTheLivenessWindow() {
        let endpoint = HealthEndpoint()
        endpoint.hooks.heartbeat()
        #expect(endpoint.answer(path: "/health").status == 200)
        #expect(endpoint.answer(path: "/health", now: .now + HealthEndpoint.livenessWindow + .seconds(1)).status == 503)
    }
}
