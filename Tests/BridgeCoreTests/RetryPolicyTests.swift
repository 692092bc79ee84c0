import BridgeCore
import TestSupport
import Testing

@Suite struct RetryPolicyTests {
    @Test func withoutJitterTheDelayDoublesUpToTheCap() {
        let policy = RetryPolicy(
            schedule: RetrySchedule(initialDelay: .milliseconds(100), maximumDelay: .seconds(1), jitter: 0)
        )
        var random = SplitMix64(seed: 1)
        let delays = (1...6).map { policy.delay(forAttempt: $0, using: &random) }
        #expect(
            delays == [
                .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800),
                .seconds(1), .seconds(1),
            ]
        )
        #expect(policy.delay(forAttempt: 10_000, using: &random) == .seconds(1))
        #expect(policy.delay(forAttempt: 0, using: &random) == .milliseconds(100))
    }

    @Test(arguments: [UInt64(1), 2, 3, 42])
    func jitterStaysWithinItsFractionAndBelowTheCap(seed: UInt64) {
        let policy = RetryPolicy(schedule: RetrySchedule(maximumDelay: .seconds(30), jitter: 0.2))
        var random = SplitMix64(seed: seed)
        var distinct = Set<Duration>()
        for attempt in 1...40 {
            let base = min(Duration.milliseconds(100) * (1 << min(attempt - 1, 20)), .seconds(30))
            let delay = policy.delay(forAttempt: attempt, using: &random)
            #expect(delay <= base)
            #expect(delay >= base * 0.8 - .nanoseconds(1))
            distinct.insert(delay)
        }
        #expect(distinct.count > 20)
    }

    @Test func theSameSeedGivesTheSameDelays() {
        let policy = RetryPolicy(schedule: RetrySchedule(jitter: 1))
        var first = SplitMix64(seed: 7)
        var second = SplitMix64(seed: 7)
        let a = (1...10).map { policy.delay(forAttempt: $0, using: &first) }
        let b = (1...10).map { policy.delay(forAttempt: $0, using: &second) }
        #expect(a == b)
    }
}
