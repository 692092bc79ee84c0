import Foundation
import KuzzleStandIn
import Testing

@Suite("Throughput (opt-in: KB_STANDIN_BENCH=1; meaningful in release builds only)")
struct ThroughputTests {
    @Test(
        "mWrite of 1,000-document requests over loopback is measured in documents per second",
        .enabled(if: ProcessInfo.processInfo.environment["KB_STANDIN_BENCH"] == "1")
    )
    func mWriteThroughput() async throws {
        let configuration = StandInConfiguration(
            maxRequestSize: 4 * 1_048_576,
            collections: [.init(index: "bench", collection: "docs")]
        )
        try await withStandIn(configuration) { (server: StandInServer) async throws in
            let report = try await StandInLoadGenerator(port: server.port, seconds: 5, connections: 4, keepAlive: false)
                .run()
            print(report)
            #expect(report.failedRequests == 0)
            #expect(report.requests > 0)
            #expect(server.counters.documentsReceived["bulk:mWrite"] == report.documents)
        }
    }
}
