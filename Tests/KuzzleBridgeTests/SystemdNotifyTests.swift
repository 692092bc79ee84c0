import Foundation
import KuzzleStandIn
import TestSupport
import Testing

/// The daemon under a fake systemd: a bound `$NOTIFY_SOCKET`, a short `$WATCHDOG_USEC`, `$JOURNAL_STREAM`.
@Suite(.serialized) struct SystemdNotifyTests {
    /// Starts a stand-in, a topic with one event, a notify socket and the daemon with `environment`; with
    /// `testDaemonFlags`, the test daemon (`kuzzle-bridge-testd`) with those flags instead.
    private func startDaemon(
        environment: [String: String],
        testDaemonFlags: [String]? = nil
    ) async throws -> (DaemonProcess, NotifySocketListener, StandInServer) {
        let bootstrap = try mockBootstrap()
        let standIn = try await StandInServer.start(
            StandInConfiguration(collections: [.init(index: "shop", collection: "orders")])
        )
        let topic = uniqueName("kb-notify")
        try await produce(
            [#"{"index":"shop","collection":"orders","_id":"n1","body":{"n":1}}"#],
            to: topic,
            bootstrap: bootstrap
        )
        let config = try writeDaemonConfig(
            bootstrap: bootstrap,
            kuzzleURL: standIn.baseURL,
            topic: topic,
            group: uniqueName("kb-notify-group")
        )
        let listener = try NotifySocketListener()
        let daemon = try DaemonProcess(
            testDaemonFlags.map { ["--config", config] + $0 } ?? ["run", "--config", config],
            environment: environment.merging(["NOTIFY_SOCKET": listener.path]) { mine, _ in mine },
            testDaemon: testDaemonFlags != nil
        )
        return (daemon, listener, standIn)
    }

    @Test(.timeLimit(.minutes(2)))
    func theDaemonSendsReadyPeriodicWatchdogStatusAndStoppingThenExitsZero() async throws {
        // The variable that once switched the shipped daemon's test hook on must do nothing now.
        let (daemon, listener, standIn) = try await startDaemon(environment: [
            "WATCHDOG_USEC": "400000", "KUZZLE_BRIDGE_TEST_WEDGE_POLL_AFTER": "1s",
        ])
        defer { listener.close() }
        let ready = await eventually(timeout: .seconds(45)) { listener.count("READY=1") == 1 }
        #expect(ready, "no READY=1; daemon output:\n\(daemon.text)")
        #expect(
            await eventually(timeout: .seconds(10)) { !standIn.documents(index: "shop", collection: "orders").isEmpty }
        )
        let watchdogsAtReady = listener.count("WATCHDOG=1")
        try await Task.sleep(for: .seconds(2))  // on purpose: count the watchdog pings over 2 s
        // A period of a quarter of 400 ms: about 20 in 2 s; at least 8 proves it is periodic, not a one-off.
        #expect(listener.count("WATCHDOG=1") - watchdogsAtReady >= 8)
        #expect(
            await eventually(timeout: .seconds(5)) {
                listener.lines.contains { $0.line.hasPrefix("STATUS=running") && $0.line.contains("lag") }
            }
        )
        let status = await daemon.stop()
        #expect(status == 0, "exit status \(status); output:\n\(daemon.text)")
        #expect(!daemon.text.contains("Test hook"), "the shipped daemon switched a test behaviour on:\n\(daemon.text)")
        #expect(listener.count("STOPPING=1") == 1)
        let order = listener.lines.map(\.line)
        if let readyIndex = order.firstIndex(of: "READY=1"), let stoppingIndex = order.firstIndex(of: "STOPPING=1") {
            #expect(readyIndex < stoppingIndex)
        }
        try await standIn.shutdown()
    }

    @Test(.timeLimit(.minutes(2)))
    func theWatchdogGoesQuietWhenTheConsumerPollLoopIsWedged() async throws {
        let (daemon, listener, standIn) = try await startDaemon(
            environment: ["WATCHDOG_USEC": "400000"],
            testDaemonFlags: ["--wedge-poll-after", "1s"]
        )
        defer { listener.close() }
        #expect(await eventually(timeout: .seconds(45)) { listener.count("READY=1") == 1 }, "output:\n\(daemon.text)")
        let readyAt = ContinuousClock.now
        // Wedged 1 s after ready; isPolling turns false 5.1 s after the last poll. Check well after that.
        try await Task.sleep(for: .seconds(9))
        let quietFrom = ContinuousClock.now
        try await Task.sleep(for: .seconds(3))  // on purpose: a quiet window in which no ping may come
        let watchdogs = listener.lines.filter { $0.line == "WATCHDOG=1" }
        #expect(watchdogs.contains { $0.at > readyAt }, "the watchdog was never fed after ready")
        #expect(!watchdogs.contains { $0.at > quietFrom }, "WATCHDOG=1 still sent while the poll loop is wedged")
        #expect(daemon.text.contains("Test hook: the consumer's poll loop will be wedged"))
        await daemon.stop(timeout: .seconds(5))
        try await standIn.shutdown()
    }

    @Test(.timeLimit(.minutes(1)))
    func underJournaldEveryLogLineStartsWithItsSyslogPriority() async throws {
        // No Kuzzle at this URL: the daemon logs its start (notice), then warns while it waits for Kuzzle.
        let config = try writeDaemonConfig(
            bootstrap: "127.0.0.1:1",
            kuzzleURL: "http://127.0.0.1:1",
            topic: "kb-journal",
            group: "kb-journal"
        )
        let daemon = try DaemonProcess(["run", "--config", config], environment: ["JOURNAL_STREAM": "8:12345"])
        #expect(
            await eventually(timeout: .seconds(20)) { daemon.text.contains("Kuzzle is not usable yet") },
            "output:\n\(daemon.text)"
        )
        #expect(await daemon.stop() == 0)
        let lines = daemon.text.split(separator: "\n")
        #expect(lines.first { $0.contains("starting kuzzle-bridge") }?.hasPrefix("<5>") == true, "\(lines)")
        #expect(lines.first { $0.contains("Kuzzle is not usable yet") }?.hasPrefix("<4>") == true, "\(lines)")
        #expect(lines.allSatisfy { $0.range(of: #"^<[0-7]>"#, options: .regularExpression) != nil }, "\(lines)")
    }
}
