import BridgeCore
import Testing

@Suite struct TickPlannerTests {
    let start = ContinuousClock.now

    @Test("the idle interval is a quarter of max_wait, between 2 ms and 50 ms")
    func idleIntervalIsBounded() {
        #expect(TickPlanner(maximumWait: .milliseconds(100)).idleInterval == .milliseconds(25))
        #expect(TickPlanner(maximumWait: .milliseconds(200)).idleInterval == .milliseconds(50))
        #expect(TickPlanner(maximumWait: .seconds(5)).idleInterval == .milliseconds(50))
        #expect(TickPlanner(maximumWait: .milliseconds(1)).idleInterval == .milliseconds(2))
    }

    @Test("with no open batch, or a deadline beyond the idle interval, the timer wakes after the idle interval")
    func idleWake() {
        var planner = TickPlanner(maximumWait: .milliseconds(200))
        #expect(planner.nextWake(now: start, earliestDeadline: nil) == start + .milliseconds(50))
        #expect(planner.nextWake(now: start, earliestDeadline: start + .milliseconds(80)) == start + .milliseconds(50))
    }

    @Test("a sooner deadline is woken for once; reported again, it makes the timer fall back to the idle interval")
    func deadlineWakeOnce() {
        var planner = TickPlanner(maximumWait: .milliseconds(200))
        let due = start + .milliseconds(12)
        #expect(planner.nextWake(now: start, earliestDeadline: due) == due)
        // The batch due then was left open (the pipeline seals due batches at every tick; this guards a busy loop).
        let later = start + .milliseconds(13)
        #expect(planner.nextWake(now: later, earliestDeadline: due) == later + .milliseconds(50))
        // Another deadline, even an already past one, is woken for at once.
        let other = start + .milliseconds(11)
        #expect(planner.nextWake(now: later, earliestDeadline: other) == other)
    }

    @Test("a batch opened while the timer sleeps is never due before the timer's next wake")
    func noDeadlineMissed() throws {
        var planner = TickPlanner(maximumWait: .milliseconds(200))
        var accumulator = BatchAccumulator(limits: BatchLimits(maximumWait: .milliseconds(200)))
        let wake = planner.nextWake(now: start, earliestDeadline: accumulator.nextDeadline)
        // The oldest possible event, appended right after the timer was armed: due a quarter of max_wait later.
        _ = accumulator.append(
            Fixture.event("a", offset: 1),
            encodedSize: 10,
            now: start + .milliseconds(1),
            age: .seconds(60)
        )
        let due = try #require(accumulator.nextDeadline)
        #expect(wake <= due)
        #expect(planner.nextWake(now: wake, earliestDeadline: due) == due)
    }
}
