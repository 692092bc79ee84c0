import BridgeCore
import TestSupport
import Testing

@Suite struct AdaptiveConcurrencyTests {
    typealias Adjustment = AdaptiveConcurrency.Adjustment

    /// Feeds a machine observations at explicit instants and keeps the adjustments it returned.
    struct Run {
        var machine: AdaptiveConcurrency
        var now: ContinuousClock.Instant
        var adjustments: [Adjustment] = []

        init(_ parameters: AdaptiveConcurrency.Parameters = .init()) {
            now = ContinuousClock.now
            machine = AdaptiveConcurrency(parameters: parameters, now: now)
        }

        var limit: Int { machine.limit }

        /// One observation; `saturated` says whether the in-flight count is at the limit.
        mutating func observe(_ observation: AdaptiveConcurrency.Observation, saturated: Bool) {
            let inFlight = saturated ? machine.limit : machine.limit - 1
            if let adjustment = machine.observe(observation, inFlight: inFlight, now: now) {
                adjustments.append(adjustment)
            }
        }

        /// Successes of round trip `roundTrip`, one every 10 ms during `duration`.
        mutating func successes(roundTrip: Duration, for duration: Duration, saturated: Bool) {
            let end = now + duration
            while now < end {
                observe(.success(roundTrip: roundTrip), saturated: saturated)
                now += .milliseconds(10)
            }
        }

        /// An overload signal now.
        mutating func overload() {
            observe(.overload, saturated: true)
        }

        /// The adjustments recorded from now on only.
        mutating func forgetAdjustments() { adjustments = [] }
    }

    @Test func theLimitGrowsByOnePerWindowUnderSteadyRoundTripsWhileSaturated() throws {
        var run = Run(.init(maximum: 16))
        // Window 1 (0–100 ms) sets the baseline; windows 2 and 3 grow it.
        run.successes(roundTrip: .milliseconds(10), for: .milliseconds(310), saturated: true)
        #expect(run.limit == 6)
        #expect(
            run.adjustments == [
                Adjustment(previous: 4, limit: 5, reason: .steadyLatency),
                Adjustment(previous: 5, limit: 6, reason: .steadyLatency),
            ]
        )
        let baseline = try #require(run.machine.baselineRoundTrip)
        #expect((Duration.microseconds(9_999)...Duration.microseconds(10_001)).contains(baseline))
        run.successes(roundTrip: .milliseconds(10), for: .seconds(3), saturated: true)
        #expect(run.limit == 16)
        #expect(run.adjustments.allSatisfy { $0.limit == $0.previous + 1 && $0.reason == .steadyLatency })
        #expect(run.adjustments.last?.limit == 16)
    }

    @Test func aLimitThatIsNotInUseDoesNotGrow() {
        var run = Run(.init(maximum: 16))
        run.successes(roundTrip: .milliseconds(10), for: .seconds(3), saturated: false)
        #expect(run.limit == 4)
        #expect(run.adjustments.isEmpty)
    }

    @Test func anOverloadHalvesTheLimitAtOnceAndAtMostOncePerWindow() {
        var run = Run(.init(maximum: 16, initial: 8))
        run.successes(roundTrip: .milliseconds(10), for: .milliseconds(250), saturated: false)
        run.overload()
        #expect(run.adjustments == [Adjustment(previous: 8, limit: 4, reason: .overload)])
        // More answers to requests sent under the old limit, within the window the cut opened: ignored.
        run.now += .milliseconds(20)
        run.overload()
        run.now += .milliseconds(70)
        run.overload()
        #expect(run.limit == 4)
        // A window (100 ms) after the cut, overload is news again.
        run.now += .milliseconds(10)
        run.overload()
        #expect(run.limit == 2)
        run.now += .milliseconds(100)
        run.overload()
        run.now += .milliseconds(100)
        run.overload()
        #expect(run.limit == 1)
        #expect(run.adjustments.map(\.limit) == [4, 2, 1])
        #expect(run.adjustments.allSatisfy { $0.reason == .overload })
    }

    @Test func overloadsInAWindowKeepItFromGrowingTheLimit() {
        var run = Run(.init(maximum: 16, initial: 8))
        run.successes(roundTrip: .milliseconds(10), for: .milliseconds(250), saturated: false)
        run.overload()
        run.forgetAdjustments()
        // Saturated, steady round trips, but one more (ignored) overload in the window: no growth when it closes.
        run.successes(roundTrip: .milliseconds(10), for: .milliseconds(50), saturated: true)
        run.overload()
        run.successes(roundTrip: .milliseconds(10), for: .milliseconds(60), saturated: true)
        #expect(run.limit == 4)
        #expect(run.adjustments.isEmpty)
        // The next window is clean: it grows.
        run.successes(roundTrip: .milliseconds(10), for: .milliseconds(100), saturated: true)
        #expect(run.adjustments == [Adjustment(previous: 4, limit: 5, reason: .steadyLatency)])
    }

    @Test func roundTripsRisingWellAboveTheBaselineShrinkTheLimit() {
        var run = Run(.init(maximum: 16, initial: 10))
        run.successes(roundTrip: .milliseconds(10), for: .seconds(1), saturated: false)
        #expect(run.adjustments.isEmpty)
        run.successes(roundTrip: .milliseconds(30), for: .milliseconds(110), saturated: true)
        #expect(run.adjustments == [Adjustment(previous: 10, limit: 9, reason: .risingLatency)])
    }

    @Test func aSlowdownThatPersistsBecomesTheBaselineAndStopsShrinkingTheLimit() {
        var run = Run(.init(maximum: 16, initial: 10))
        run.successes(roundTrip: .milliseconds(10), for: .seconds(1), saturated: false)
        run.successes(roundTrip: .milliseconds(30), for: .seconds(3), saturated: false)
        #expect(!run.adjustments.isEmpty)
        #expect(run.adjustments.allSatisfy { $0.reason == .risingLatency })
        #expect(run.limit >= 7)
        let settled = run.limit
        run.successes(roundTrip: .milliseconds(30), for: .seconds(3), saturated: false)
        #expect(run.limit == settled)
    }

    @Test func aSmallRiseNeitherShrinksNorGrowsTheLimit() {
        var run = Run(.init(maximum: 16, initial: 10))
        run.successes(roundTrip: .milliseconds(10), for: .seconds(1), saturated: false)
        // Above baseline + deviation (no growth), below 1.5 × baseline (no decrease).
        run.successes(roundTrip: .milliseconds(13), for: .milliseconds(110), saturated: true)
        #expect(run.limit == 10)
        #expect(run.adjustments.isEmpty)
    }

    @Test func aStallThatInflatesTheBaselineDoesNotStretchWindowsBeyondTheMaximum() {
        var run = Run(.init(maximum: 16))
        run.successes(roundTrip: .milliseconds(10), for: .milliseconds(250), saturated: false)
        // Requests held 30 s by a stalled Kuzzle, then answered: the baseline jumps to seconds.
        run.successes(roundTrip: .seconds(30), for: .milliseconds(30), saturated: false)
        run.successes(roundTrip: .milliseconds(10), for: .milliseconds(3050), saturated: true)
        #expect(run.adjustments.first == Adjustment(previous: 4, limit: 3, reason: .risingLatency))
        // Windows of 1 s (not the inflated baseline's 2.8 s): three of them grew the limit.
        #expect(run.limit == 6)
        #expect(run.adjustments.dropFirst().allSatisfy { $0.reason == .steadyLatency })
    }

    @Test func theLimitRecoversOnceOverloadStops() {
        var run = Run(.init(maximum: 16, initial: 8))
        run.successes(roundTrip: .milliseconds(10), for: .milliseconds(250), saturated: true)
        for _ in 0..<5 {
            run.overload()
            run.now += .milliseconds(100)
        }
        #expect(run.limit == 1)
        run.forgetAdjustments()
        run.successes(roundTrip: .milliseconds(10), for: .seconds(3), saturated: true)
        #expect(run.limit == 16)
        #expect(run.adjustments.count == 15)
        #expect(run.adjustments.allSatisfy { $0.limit == $0.previous + 1 && $0.reason == .steadyLatency })
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func theLimitStaysWithinItsBoundsWhateverItObserves(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var run = Run(.init(minimum: 2, maximum: 6, initial: 4))
        var seen = Set<Int>()
        for _ in 0..<20_000 {
            let observation: AdaptiveConcurrency.Observation =
                Int.random(in: 0..<10, using: &random) == 0
                ? .overload : .success(roundTrip: .milliseconds(Int.random(in: 1...300, using: &random)))
            let before = (limit: run.limit, adjustments: run.adjustments.count)
            run.observe(observation, saturated: Bool.random(using: &random))
            #expect((2...6).contains(run.limit))
            // A change is always reported, with what it changed.
            if run.limit != before.limit {
                #expect(run.adjustments.count == before.adjustments + 1)
                #expect(run.adjustments.last?.previous == before.limit)
                #expect(run.adjustments.last?.limit == run.limit)
            }
            seen.insert(run.limit)
            run.now += .milliseconds(Int.random(in: 0...60, using: &random))
        }
        // Every bound was reached, so the check above was not vacuous.
        #expect(seen.contains(2) && seen.contains(6))
    }

    @Test func parametersAreMadeConsistent() {
        let parameters = AdaptiveConcurrency.Parameters(minimum: 0, maximum: -3, initial: 9)
        #expect(parameters.minimum == 1)
        #expect(parameters.maximum == 1)
        #expect(parameters.initial == 1)
        #expect(AdaptiveConcurrency.Parameters(maximum: 2).initial == 2)
        #expect(AdaptiveConcurrency(now: .now).limit == 4)
    }
}
