import Foundation
import KuzzleStandIn
import Logging
import RdKafka
import TestSupport
import Testing

/// `writer.concurrency: adaptive` end to end: the daemon against the mock broker and a stand-in that refuses writes
/// beyond two at a time with 429.
@Suite(.serialized) struct AdaptiveConcurrencyDaemonTests {
    static let overloadLine = "Writer concurrency lowered: Kuzzle signalled overload"

    @Test(.timeLimit(.minutes(3)))
    func theLimitDropsUnder429sAndEveryEventStillLandsWithItsOffsetCommitted() async throws {
        let bootstrap = try mockBootstrap()
        let standIn = try await StandInServer.start(
            StandInConfiguration(collections: [.init(index: "shop", collection: "orders")])
        )
        let topic = uniqueName("kb-adaptive")
        let group = uniqueName("kb-adaptive-group")
        let config = try writeDaemonConfig(
            bootstrap: bootstrap,
            kuzzleURL: standIn.baseURL,
            topic: topic,
            group: group,
            maxDocuments: 20,
            extra: "writer:\n  concurrency: adaptive\n  max_concurrency: 8\n"
        )
        try await produce(
            [#"{"index":"shop","collection":"orders","_id":"first","body":{}}"#],
            to: topic,
            bootstrap: bootstrap
        )
        let daemon = try DaemonProcess(["run", "--config", config])
        let running = await eventually(timeout: .seconds(45)) {
            standIn.documents(index: "shop", collection: "orders")["first"] != nil
        }
        try #require(running, "output:\n\(daemon.text)")

        // Now Kuzzle holds every write it admits and admits two at a time: the bridge has 4 batches in flight (one
        // success so far: no window has grown the limit), so its third and fourth are refused with 429.
        standIn.faults.setHanging(true)
        standIn.faults.limitConcurrentWrites(2)
        let count = 400
        let bodies = (0..<count).map { #"{"n":\#($0)}"# }
        try await produce(
            bodies.indices.map { #"{"index":"shop","collection":"orders","_id":"d\#($0)","body":\#(bodies[$0])}"# },
            to: topic,
            bootstrap: bootstrap
        )
        let lowered = await eventually(timeout: .seconds(45)) { daemon.text.contains(Self.overloadLine) }
        #expect(lowered, "no overload decrease; output:\n\(daemon.text)")

        // Kuzzle answers again, still two writes at a time: everything lands, once, with its body.
        standIn.faults.setHanging(false)
        let landed = await eventually(timeout: .seconds(60)) {
            standIn.documents(index: "shop", collection: "orders").count == count + 1
        }
        #expect(landed, "output:\n\(daemon.text)")
        let documents = standIn.documents(index: "shop", collection: "orders")
        for (index, body) in bodies.enumerated() {
            #expect(documents["d\(index)"].map { String(decoding: $0.body, as: UTF8.self) } == body)
        }

        // Every partition's commit reaches its end.
        let reader = try KafkaTopicReader(bootstrapServers: bootstrap)
        var ends: [KafkaTopicPartition: Int64] = [:]
        try await reader.readToEnd(topic: topic) { record in
            let partition = KafkaTopicPartition(topic: record.topic, partition: record.partition)
            ends[partition] = max(ends[partition] ?? 0, record.offset + 1)
        }
        reader.close()
        #expect(ends.values.reduce(0) { $0 + $1 } >= Int64(count + 1))
        let probe = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(bootstrapServers: bootstrap, groupID: group, topics: [topic]),
            logger: Logger(label: "test")
        )
        var committed: [KafkaTopicPartition: Int64] = [:]
        let allCommitted = await eventually(timeout: .seconds(30)) {
            committed = (try? probe.committedOffsets(for: Array(ends.keys), timeout: .seconds(5))) ?? [:]
            return committed == ends
        }
        await probe.close()
        #expect(allCommitted, "committed \(committed), ends \(ends)")
        #expect(await daemon.stop() == 0, "output:\n\(daemon.text)")

        // The first decrease halved the starting limit (nothing had succeeded yet); the stats line shows the limit and
        // counts the 429 answers; the limit never passed writer.max_concurrency.
        let lines = daemon.text.split(separator: "\n").map(String.init)
        let firstDecrease = try #require(lines.first { $0.contains(Self.overloadLine) })
        #expect(firstDecrease.contains("concurrency.previous=4"), "\(firstDecrease)")
        #expect(firstDecrease.contains("concurrency.limit=2"), "\(firstDecrease)")
        #expect(firstDecrease.contains("concurrency.reason=overload"), "\(firstDecrease)")
        let stats = lines.filter { $0.contains("msg=stats") }
        let limits = stats.compactMap { Self.value(of: "concurrency.limit", in: $0).flatMap { Int($0) } }
        #expect(!limits.isEmpty && limits.count == stats.count, "\(stats)")
        #expect(limits.allSatisfy { (1...8).contains($0) }, "\(limits)")
        let overloads = stats.last.flatMap { Self.value(of: "overloads", in: $0) }.flatMap { Int($0) } ?? 0
        #expect(overloads >= 2, "\(stats.last ?? "no stats line")")
        try await standIn.shutdown()
    }

    /// The value of `key=value` in a logfmt line.
    static func value(of key: String, in line: String) -> String? {
        line.split(separator: " ").first { $0.hasPrefix(key + "=") }.map { String($0.dropFirst(key.count + 1)) }
    }
}
