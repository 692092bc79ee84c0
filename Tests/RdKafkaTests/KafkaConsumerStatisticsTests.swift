import RdKafka
import Testing

@Suite struct KafkaConsumerStatisticsTests {
    @Test func statisticsKeepFetchedPartitionsAndTreatMinusOneAsUnknown() throws {
        let json = """
            {"name":"c","topics":{"events":{"partitions":{
              "0":{"fetch_state":"active","consumer_lag":12,"committed_offset":30,
                   "next_offset":42,"hi_offset":42,"fetchq_cnt":5},
              "1":{"fetch_state":"active","consumer_lag":-1,"committed_offset":-1001,
                   "next_offset":-1001,"hi_offset":-1,"fetchq_cnt":0},
              "2":{"fetch_state":"none","consumer_lag":-1,"committed_offset":-1001,"fetchq_cnt":0},
              "-1":{"fetch_state":"none","consumer_lag":-1,"fetchq_cnt":0}}}}}
            """
        let statistics = try #require(KafkaConsumerStatistics(json: Array(json.utf8)))
        #expect(statistics.partitions.count == 2)
        let first = try #require(statistics.partitions[KafkaTopicPartition(topic: "events", partition: 0)])
        #expect(first == .init(consumerLag: 12, committedOffset: 30, position: 42, highWatermark: 42))
        let second = try #require(statistics.partitions[KafkaTopicPartition(topic: "events", partition: 1)])
        #expect(second == .init(consumerLag: nil, committedOffset: nil, position: nil, highWatermark: nil))
        #expect(statistics.queuedMessages == 5)
    }

    @Test func statisticsRejectTextThatIsNotJSON() {
        #expect(KafkaConsumerStatistics(json: Array("not json".utf8)) == nil)
        #expect(KafkaConsumerStatistics(json: [0xFF, 0x00]) == nil)
    }
}
