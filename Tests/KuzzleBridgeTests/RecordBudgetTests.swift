import RdKafka
import Testing

@testable import KuzzleBridge

/// Issue 14 item 7: a record's headers count in the in-memory budget, not only its key and value.
@Suite struct RecordBudgetTests {
    @Test("a record with 1 MiB of headers and a tiny value counts its headers in the budget")
    func headersCountInTheBudget() {
        let headers = (0..<16).map { KafkaHeader(name: "h\($0)", value: [UInt8](repeating: 7, count: 65_536)) }
        let record = KafkaRecord(topic: "t", partition: 0, offset: 0, key: [1], value: [2, 3], headers: headers)
        let bytes = BridgePipeline.heldBytes(of: record)
        #expect(bytes >= 16 * 65_536 + 3, "counted \(bytes) bytes")
        let bare = KafkaRecord(topic: "t", partition: 0, offset: 0, key: [1], value: [2, 3])
        #expect(BridgePipeline.heldBytes(of: bare) == 3 + BridgePipeline.recordOverheadBytes)
    }
}
