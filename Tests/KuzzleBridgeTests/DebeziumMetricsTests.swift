import KuzzleBridge
import Testing

/// The per-topic counters of skipped Debezium records and truncates, fed from snapshots.
@Suite struct DebeziumMetricsTests {
    @Test func skippedRecordsAndTruncatesAreCountedPerTopic() {
        let metrics = BridgeMetrics()
        var snapshot = PipelineSnapshot()
        snapshot.skippedByTopic = ["pg.public.orders": 2]
        metrics.update(snapshot)
        snapshot.skippedByTopic = ["pg.public.orders": 5, "pg.public.users": 1]
        snapshot.truncatesByTopic = ["pg.public.users": 1]
        metrics.update(snapshot)
        let text = metrics.render()
        #expect(text.contains(#"kuzzle_bridge_skipped_records_total{topic="pg.public.orders"} 5"#), "\(text)")
        #expect(text.contains(#"kuzzle_bridge_skipped_records_total{topic="pg.public.users"} 1"#), "\(text)")
        #expect(text.contains(#"kuzzle_bridge_truncates_total{topic="pg.public.users"} 1"#), "\(text)")
        #expect(!text.contains(#"kuzzle_bridge_truncates_total{topic="pg.public.orders"}"#), "\(text)")
    }
}
