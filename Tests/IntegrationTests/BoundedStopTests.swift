import Foundation
import KuzzleStandIn
import RdKafka
import TestSupport
import Testing

extension IntegrationTests {
    @Suite("Bounded stop")
    struct BoundedStopTests {
        /// The fixed margin the daemon allows itself past `shutdown.drain_timeout` (``BridgeDaemon``'s stop margin)
        /// plus slack for a loaded test machine. This bounds correctness (the stop ends), it does not measure speed.
        static let allowedPastDrainTimeout: Duration = .seconds(25)

        @Test(
            "With Kuzzle hanging and the dead-letter broker unreachable, SIGTERM still ends the daemon within drain_timeout plus a fixed margin"
        )
        func stopEndsWithinTheDrainTimeoutPlusAMargin() async throws {
            let bootstrap = try IntegrationEnvironment.mockBootstrap()
            let names = ScenarioNames("bounded-stop")
            var generator = TestEventGenerator(
                seed: 0x5EED_0011,
                index: names.index,
                collections: names.collections,
                idsPerCollection: 200
            )
            let valid = generator.next(200)
            let poison = (0..<20).map { number in
                PoisonEvent(
                    kind: .invalidJSON,
                    index: names.index,
                    collection: names.collections[0],
                    id: "poison-\(number)"
                )
            }
            let producer = try TestProducer(bootstrap: bootstrap, topic: names.topic)
            _ = try await producer.send(valid.map(\.message) + poison.map(\.message))
            await producer.close()

            try await StandInHelpers.withStandIn(index: names.index, collections: names.collections) { server in
                var configuration = names.configuration(
                    bootstrap: bootstrap,
                    kuzzleURL: server.baseURL,
                    deadLetters: true
                )
                configuration.drainTimeout = "3s"
                // Nothing listens on port 1: the dead letters can never be delivered (librdkafka keeps them up to
                // message.timeout.ms, 300 s by default).
                configuration.deadLetterProperties = ["bootstrap.servers": "127.0.0.1:1"]
                // Kuzzle answers the start-up probe, then holds every request.
                let daemon = try DaemonProcess(name: "bridge", configuration: configuration)
                try daemon.start()
                defer { daemon.killIfRunning() }
                let probed = await daemon.waitForLog("Kuzzle answered an authenticated probe", timeout: .seconds(60))
                try #require(probed, "the daemon never reached Kuzzle\n\(daemon.tail())")
                server.faults.setHanging(true)
                defer { server.faults.setHanging(false) }
                let consumed = await daemon.waitForLog("Partitions assigned", timeout: .seconds(60))
                try #require(consumed, "the daemon never got its partitions\n\(daemon.tail())")
                // Every event was taken in: the writes are held by Kuzzle and the dead letters by the unreachable
                // broker.
                let taken = await daemon.waitForLog("consumed=\(valid.count + poison.count) ", timeout: .seconds(30))
                try #require(taken, "the daemon did not take every event in\n\(daemon.tail())")

                let stopAsked = ContinuousClock.now
                daemon.terminate()
                let exit = await daemon.waitForExit(timeout: .seconds(3) + Self.allowedPastDrainTimeout)
                let elapsed = ContinuousClock.now - stopAsked
                try #require(
                    exit != nil,
                    "the daemon was still stopping \(elapsed) after SIGTERM (drain_timeout 3 s)\n\(daemon.tail(60))"
                )
                #expect(exit?.status == 0, "\(exit.map { "\($0)" } ?? "-")\n\(daemon.tail(60))")
                #expect(daemon.log.contains("Drain timeout reached"), "\(daemon.tail(60))")
            }
        }

        @Test("A second SIGTERM during the drain stops at once, committing only what is done, and exits 0")
        func secondSignalStopsAtOnce() async throws {
            let bootstrap = try IntegrationEnvironment.mockBootstrap()
            let names = ScenarioNames("second-signal")
            var generator = TestEventGenerator(
                seed: 0x5EED_0012,
                index: names.index,
                collections: names.collections,
                idsPerCollection: 100
            )
            let events = generator.next(100)
            let producer = try TestProducer(bootstrap: bootstrap, topic: names.topic)
            _ = try await producer.send(events.map(\.message))
            await producer.close()

            try await StandInHelpers.withStandIn(index: names.index, collections: names.collections) { server in
                var configuration = names.configuration(
                    bootstrap: bootstrap,
                    kuzzleURL: server.baseURL,
                    deadLetters: false
                )
                configuration.drainTimeout = "120s"
                let daemon = try DaemonProcess(name: "bridge", configuration: configuration)
                try daemon.start()
                defer { daemon.killIfRunning() }
                let probed = await daemon.waitForLog("Kuzzle answered an authenticated probe", timeout: .seconds(60))
                try #require(probed, "the daemon never reached Kuzzle\n\(daemon.tail())")
                server.faults.setHanging(true)
                defer { server.faults.setHanging(false) }
                let taken = await daemon.waitForLog("consumed=\(events.count) ", timeout: .seconds(60))
                try #require(taken, "the daemon did not take every event in\n\(daemon.tail())")

                daemon.terminate()
                let draining = await daemon.waitForLog("Stopping: flushing batches", timeout: .seconds(10))
                try #require(draining, "the first SIGTERM did not start the drain\n\(daemon.tail())")
                let secondAsked = ContinuousClock.now
                daemon.terminate()
                // The drain would last 120 s: only the second signal can end it this early.
                let exit = await daemon.waitForExit(timeout: .seconds(40))
                let elapsed = ContinuousClock.now - secondAsked
                try #require(exit != nil, "still running \(elapsed) after the second SIGTERM\n\(daemon.tail(60))")
                #expect(exit?.status == 0, "\(exit.map { "\($0)" } ?? "-")\n\(daemon.tail(60))")
                #expect(daemon.log.contains("Second stop request"), "\(daemon.tail(60))")
            }
        }

        @Test("SIGTERM while the daemon waits for Kuzzle ends the wait at once and exits 0")
        func signalBeforeKuzzleAnswered() async throws {
            let bootstrap = try IntegrationEnvironment.mockBootstrap()
            let names = ScenarioNames("early-signal")
            // Nothing listens on port 1; a long backoff between probes: only the stop can end the wait early.
            var configuration = names.configuration(
                bootstrap: bootstrap,
                kuzzleURL: "http://127.0.0.1:1",
                deadLetters: false
            )
            configuration.maxBackoff = "60s"
            let daemon = try DaemonProcess(name: "bridge", configuration: configuration)
            try daemon.start()
            defer { daemon.killIfRunning() }
            let waiting = await daemon.waitForLog("Kuzzle is not usable yet", timeout: .seconds(30))
            try #require(waiting, "\(daemon.tail())")
            daemon.terminate()
            let exit = await daemon.waitForExit(timeout: .seconds(20))
            try #require(exit != nil, "still waiting for Kuzzle after SIGTERM\n\(daemon.tail())")
            #expect(exit?.status == 0, "\(daemon.tail())")
            #expect(daemon.log.contains("Stopped before Kuzzle answered"), "\(daemon.tail())")
        }
    }
}
