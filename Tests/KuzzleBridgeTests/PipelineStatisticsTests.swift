import BridgeCore
import Testing

@testable import KuzzleBridge

/// The stats line's lag: fresher than librdkafka's own figure once this process has committed.
@Suite struct PipelineStatisticsTests {
    private let partition = TopicPartition(topic: "t", partition: 0)
    private let other = TopicPartition(topic: "t", partition: 1)

    @Test func lagIsTheHighWatermarkMinusWhatThisProcessCommitted() {
        var statistics = PipelineStatistics()
        statistics.reportedLag = [partition: 4928, other: 7]
        statistics.highWatermark = [partition: 5008]
        statistics.committed = [partition: 5008]
        #expect(statistics.lag == [partition: 0, other: 7])
        #expect(statistics.totalLag == 7)
    }

    @Test func librdkafkasLagStandsUntilThisProcessCommits() {
        var statistics = PipelineStatistics()
        statistics.reportedLag = [partition: 12]
        statistics.highWatermark = [partition: 100]
        #expect(statistics.lag == [partition: 12])
        statistics.committed = [partition: 95]
        #expect(statistics.lag == [partition: 5])
    }
}
