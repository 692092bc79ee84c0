import Foundation
import KuzzleStandIn
import RdKafka
import TestSupport
import Testing

/// `replay-dead-letters` round trip: a document Kuzzle refused goes to the dead-letter topic, is replayed to its
/// source topic once the cause is gone, and lands in Kuzzle on the daemon's next run.
@Suite(.serialized) struct DeadLetterReplayTests {
    @Test(.timeLimit(.minutes(3)))
    func aDeadLetteredEventReplayedToItsSourceTopicLandsInKuzzle() async throws {
        let bootstrap = try mockBootstrap()
        let standIn = try await StandInServer.start(
            StandInConfiguration(collections: [.init(index: "shop", collection: "orders")])
        )
        let topic = uniqueName("kb-replay")
        let deadLetterTopic = topic + ".dead"
        standIn.faults.rejectDocuments(StandInDocumentRejection(field: "price", value: "oops"))
        try await produce(
            [
                #"{"index":"shop","collection":"orders","_id":"good","body":{"price":1}}"#,
                #"{"index":"shop","collection":"orders","_id":"bad","body":{"price":"oops"}}"#,
            ],
            to: topic,
            bootstrap: bootstrap
        )
        let config = try writeDaemonConfig(
            bootstrap: bootstrap,
            kuzzleURL: standIn.baseURL,
            topic: topic,
            group: uniqueName("kb-replay-group"),
            deadLetterTopic: deadLetterTopic
        )

        // 1. The daemon writes "good" and dead-letters "bad".
        let first = try DaemonProcess(["run", "--config", config])
        let deadLettered = await eventually(timeout: .seconds(45)) { first.text.contains("dead_lettered=1") }
        #expect(deadLettered, "output:\n\(first.text)")
        #expect(await first.stop() == 0)
        #expect(standIn.documents(index: "shop", collection: "orders").keys.sorted() == ["good"])

        // 2. The cause is fixed; the dead letter is replayed to its source topic.
        standIn.faults.clear()
        let replay = try DaemonProcess(["replay-dead-letters", "--config", config])
        let replayStatus = await replay.waitForExit()
        #expect(replayStatus == 0, "output:\n\(replay.text)")
        #expect(replay.text.contains("replayed 1 event(s) to \(topic)"), "output:\n\(replay.text)")
        #expect(replay.text.contains("replayed 1 of 1 event(s)"), "output:\n\(replay.text)")

        // The re-produced record carries the original headers and none of the bridge's.
        let reader = try KafkaTopicReader(bootstrapServers: bootstrap)
        var sourceRecords: [KafkaRecord] = []
        try await reader.readToEnd(topic: topic) { sourceRecords.append($0) }
        reader.close()
        #expect(sourceRecords.count == 3)
        let bad = sourceRecords.filter { String(decoding: $0.value ?? [], as: UTF8.self).contains(#""_id":"bad""#) }
        #expect(bad.count == 2)
        #expect(bad.allSatisfy { $0.headers.map(\.name) == ["origin"] }, "\(bad.map(\.headers))")

        // 3. The daemon's next run consumes the replayed event and Kuzzle takes it.
        let second = try DaemonProcess(["run", "--config", config])
        let landed = await eventually(timeout: .seconds(45)) {
            standIn.documents(index: "shop", collection: "orders")["bad"] != nil
        }
        #expect(landed, "output:\n\(second.text)")
        #expect(await second.stop() == 0)
        try await standIn.shutdown()
    }

    @Test func replayWithoutADeadLetterTopicFailsWithAClearMessage() async throws {
        let config = try writeDaemonConfig(
            bootstrap: "127.0.0.1:1",
            kuzzleURL: "http://127.0.0.1:1",
            topic: "t",
            group: "g"
        )
        let replay = try DaemonProcess(["replay-dead-letters", "--config", config])
        #expect(await replay.waitForExit(timeout: .seconds(20)) == 1)
        #expect(replay.text.contains("no dead-letter topic: set dead_letter.topic or pass --topic"), "\(replay.text)")
    }

    @Test func replayToKuzzleIsRefusedAsAUsageError() async throws {
        let replay = try DaemonProcess(["replay-dead-letters", "--to", "kuzzle"])
        #expect(await replay.waitForExit(timeout: .seconds(20)) == 64)
        #expect(replay.text.contains("--to kuzzle is not supported"), "\(replay.text)")
    }
}
