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
        #expect(
            probe.text.contains(
                "ok   kuzzle limits (/_capabilities): documentsWriteCount=200 maxRequestSize=1048576 "
                    + "concurrentRequests=100; the bridge uses documents_write_count=200"
            ),
            "\(probe.text)"
        )
        try await standIn.shutdown()
    }

    @Test(.timeLimit(.minutes(1)))
    func theProbePrintsTheLimitsKuzzleAnnouncesOrTheirAbsence() async throws {
        let bootstrap = try mockBootstrap()
        var configuration = StandInConfiguration(collections: [.init(index: "shop", collection: "orders")])
        configuration.documentsWriteCount = 100
        configuration.concurrentRequests = 2
        let standIn = try await StandInServer.start(configuration)
        let topic = uniqueName("kb-probe-limits")
        try await produce([#"{"_id":"x","body":{}}"#], to: topic, bootstrap: bootstrap)
        let config = try writeDaemonConfig(
            bootstrap: bootstrap,
            kuzzleURL: standIn.baseURL,
            topic: topic,
            group: "kb-probe",
            extra: "writer:\n  route: document\n  documents_write_count: 150\n"
                + "routing:\n  topics:\n    \(topic):\n      index: shop\n      collection: orders\n"
        )
        let probe = try DaemonProcess(["check-config", "--config", config, "--probe"])
        #expect(await probe.waitForExit(timeout: .seconds(30)) == 0, "output:\n\(probe.text)")
        #expect(probe.text.contains("documentsWriteCount=100"), "\(probe.text)")
        #expect(probe.text.contains("the bridge uses documents_write_count=100"), "\(probe.text)")
        #expect(probe.text.contains("writer.max_concurrency=2"), "\(probe.text)")
        standIn.setLimits(refusesCapabilities: true)
        let old = try DaemonProcess(["check-config", "--config", config, "--probe"])
        #expect(await old.waitForExit(timeout: .seconds(30)) == 0, "output:\n\(old.text)")
        #expect(
            old.text.contains("not announced (Kuzzle older than 2.17); the bridge uses documents_write_count=150"),
            "\(old.text)"
        )
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
