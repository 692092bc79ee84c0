import Foundation
import KuzzleStandIn
import TestSupport
import Testing

/// `check-config --probe` against the stand-in and the mock broker: one line per check, exit 1 on any failure.
@Suite(.serialized) struct ProbeCommandTests {
    @Test(.timeLimit(.minutes(1)))
    func theProbePassesWhenKuzzleTheCollectionAndTheTopicAllExist() async throws {
        let bootstrap = try mockBootstrap()
        let standIn = try await StandInServer.start(
            StandInConfiguration(collections: [.init(index: "shop", collection: "orders")])
        )
        let topic = uniqueName("kb-probe")
        try await produce([#"{"_id":"x","body":{}}"#], to: topic, bootstrap: bootstrap)
        let config = try writeDaemonConfig(
            bootstrap: bootstrap,
            kuzzleURL: standIn.baseURL,
            topic: topic,
            group: "kb-probe",
            extra: "routing:\n  topics:\n    \(topic):\n      index: shop\n      collection: orders\n"
        )
        let probe = try DaemonProcess(["check-config", "--config", config, "--probe"])
        #expect(await probe.waitForExit(timeout: .seconds(30)) == 0, "output:\n\(probe.text)")
        #expect(probe.text.contains("ok   kuzzle health"), "\(probe.text)")
        #expect(probe.text.contains("ok   kuzzle credentials"), "\(probe.text)")
        #expect(probe.text.contains("ok   kuzzle collection shop/orders: exists"), "\(probe.text)")
        #expect(probe.text.contains("ok   kafka brokers"), "\(probe.text)")
        #expect(probe.text.contains("ok   kafka topic \(topic): "), "\(probe.text)")
        try await standIn.shutdown()
    }

    @Test(.timeLimit(.minutes(1)))
    func theProbeFailsNamingAMissingCollectionAndAMissingTopic() async throws {
        let bootstrap = try mockBootstrap()
        let standIn = try await StandInServer.start(StandInConfiguration())
        let topic = uniqueName("kb-probe-missing")
        let config = try writeDaemonConfig(
            bootstrap: bootstrap,
            kuzzleURL: standIn.baseURL,
            topic: topic,
            group: "kb-probe",
            extra: "routing:\n  topics:\n    \(topic):\n      index: shop\n      collection: nowhere\n"
        )
        let probe = try DaemonProcess(["check-config", "--config", config, "--probe"])
        #expect(await probe.waitForExit(timeout: .seconds(30)) == 1, "output:\n\(probe.text)")
        #expect(probe.text.contains("FAIL kuzzle collection shop/nowhere: does not exist"), "\(probe.text)")
        #expect(probe.text.contains("FAIL kafka topic \(topic): does not exist"), "\(probe.text)")
        #expect(probe.text.contains("probe failed"), "\(probe.text)")
        try await standIn.shutdown()
    }

    @Test(.timeLimit(.minutes(1)))
    func theProbeFailsWhenKuzzleDoesNotAnswer() async throws {
        let config = try writeDaemonConfig(
            bootstrap: "127.0.0.1:1",
            kuzzleURL: "http://127.0.0.1:1",
            topic: "t",
            group: "g"
        )
        let probe = try DaemonProcess(["check-config", "--config", config, "--probe"])
        #expect(await probe.waitForExit(timeout: .seconds(40)) == 1, "output:\n\(probe.text)")
        #expect(probe.text.contains("FAIL kuzzle health"), "\(probe.text)")
        #expect(probe.text.contains("FAIL kafka brokers (127.0.0.1:1)"), "\(probe.text)")
    }
}
