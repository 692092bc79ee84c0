import Foundation
import RdKafka
import Synchronization
import TestSupport
import Testing

/// Opt-in throughput probe used by `scripts/kafka-consume-bench.sh` (`KB_CONSUME_BENCH=1`): consumes
/// `KB_BENCH_COUNT` records of `KB_BENCH_TOPIC` from `KB_BENCH_BOOTSTRAP` in a fresh group and prints msgs/s.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["KB_CONSUME_BENCH"] == "1", "set KB_CONSUME_BENCH=1"))
struct ConsumeBenchmark {
    @Test func consumeThroughputIsPrinted() async throws {
        let environment = ProcessInfo.processInfo.environment
        let bootstrap = try #require(environment["KB_BENCH_BOOTSTRAP"])
        let topic = try #require(environment["KB_BENCH_TOPIC"])
        let count = try #require(Int(environment["KB_BENCH_COUNT"] ?? ""))
        let configuration = Harness.consumerConfiguration(
            bootstrap: bootstrap,
            topic: topic,
            group: Harness.uniqueName("bench")
        )
        let consumer = try KafkaConsumer(configuration: configuration, logger: Harness.logger)
        let clock = ContinuousClock()
        let started = clock.now
        try consumer.start()
        var received = 0
        var bytes = 0
        var assignedAt: ContinuousClock.Instant?  // fetching starts here
        for await event in consumer.events {
            switch event {
            case .records(let records):
                received += records.count
                bytes += records.reduce(0) { $0 + ($1.value?.count ?? 0) }
            case .partitionsAssigned:
                if assignedAt == nil { assignedAt = clock.now }
            case .partitionsRevoked(_, let revocation):
                revocation.finish()
            default:
                break
            }
            if received >= count { break }
        }
        let finished = clock.now
        let wall = (finished - started) / .seconds(1)
        let afterAssign = (finished - (assignedAt ?? started)) / .seconds(1)
        print(
            String(
                format: "RDKAFKA_BENCH records=%d bytes=%d wall=%.2fs after_assign=%.2fs"
                    + " wall_rate=%.0f after_assign_rate=%.0f",
                received,
                bytes,
                wall,
                afterAssign,
                Double(received) / wall,
                Double(received) / afterAssign
            )
        )
        #expect(received >= count)
        await consumer.close()
    }
}
