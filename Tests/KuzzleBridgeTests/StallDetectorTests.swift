import KuzzleBridge
import Testing

/// The stall warning: lag or held events, and no commit point moving for three stats intervals.
@Suite struct StallDetectorTests {
    private let start = ContinuousClock.now

    private func snapshot(
        at seconds: Int,
        committed: Int64,
        lag: Int64 = 10,
        inFlightBatches: Int = 0,
        paused: Bool = false,
        halted: [String: String] = [:]
    ) -> PipelineSnapshot {
        PipelineSnapshot(
            takenAt: start + .seconds(seconds),
            retries: 7,
            inFlightDocuments: inFlightBatches * 100,
            inFlightBatches: inFlightBatches,
            bufferedBytes: inFlightBatches * 1000,
            isPausedByBackpressure: paused,
            haltedPartitions: halted,
            lag: ["t/0": lag],
            committed: ["t/0": committed]
        )
    }

    @Test func noWarningWhileCommitPointsMove() {
        var detector = StallDetector(statsInterval: .seconds(10))
        for second in 0..<100 {
            #expect(detector.observe(snapshot(at: second, committed: Int64(second))) == nil)
        }
    }

    @Test func noWarningWithoutLagNorHeldEvents() {
        var detector = StallDetector(statsInterval: .seconds(10))
        for second in 0..<100 {
            #expect(detector.observe(snapshot(at: second, committed: 5, lag: 0)) == nil)
        }
    }

    @Test func oneWarningAfterThreeIntervalsNamingKuzzleThenRateLimited() {
        var detector = StallDetector(statsInterval: .seconds(10))
        var warnings: [(Int, String)] = []
        for second in 0...75 {
            if let warning = detector.observe(snapshot(at: second, committed: 5, inFlightBatches: 2)) {
                warnings.append((second, warning))
            }
        }
        #expect(warnings.map(\.0) == [30, 60])
        #expect(warnings.first?.1.contains("Kuzzle: 2 batch(es) of 200 document(s) in flight") == true)
        #expect(warnings.first?.1.contains("for 30s") == true)
    }

    @Test func theWarningNamesHaltedPartitionsAndBackpressure() {
        var detector = StallDetector(statsInterval: .seconds(1))
        _ = detector.observe(snapshot(at: 0, committed: 1, paused: true, halted: ["t/3": "missing collection"]))
        let warning = detector.observe(
            snapshot(at: 3, committed: 1, paused: true, halted: ["t/3": "missing collection"])
        )
        #expect(warning?.contains("1 partition(s) halted (t/3)") == true)
        #expect(warning?.contains("fetching paused by backpressure") == true)
    }

    @Test func progressResetsTheStall() {
        var detector = StallDetector(statsInterval: .seconds(10))
        _ = detector.observe(snapshot(at: 0, committed: 1))
        #expect(detector.observe(snapshot(at: 25, committed: 2)) == nil)
        #expect(detector.observe(snapshot(at: 50, committed: 2)) == nil)
        #expect(detector.observe(snapshot(at: 55, committed: 2)) != nil)
    }
}
