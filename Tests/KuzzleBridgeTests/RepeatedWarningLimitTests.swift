import Logging
import Testing

@testable import KuzzleBridge

@Suite struct RepeatedWarningLimitTests {
    /// A journal-format logger (no timestamps) limiting to 3 identical warnings per 10 s.
    private func makeSubject() -> LoggerUnderTest {
        LoggerUnderTest(format: .logfmt, journal: true, repeatLimit: 3, repeatInterval: .seconds(10))
    }

    @Test func identicalWarningsBeyondTheLimitAreDroppedThenCounted() {
        let subject = makeSubject()
        for offset in 0..<10 {
            subject.logger.warning(
                "retrying batch",
                metadata: [LogKeys.kafkaTopic: "orders", LogKeys.kafkaOffset: "\(offset)"]
            )
        }
        #expect(subject.sink.lines.count == 3)
        subject.clock.advance(by: .seconds(11))
        subject.logger.warning("retrying batch", metadata: [LogKeys.kafkaTopic: "orders", LogKeys.kafkaOffset: "10"])
        #expect(
            Array(subject.sink.lines.suffix(2)) == [
                "<4>level=warning msg=\"dropped repeats of: retrying batch\" kafka.topic=orders "
                    + "log.repeats_dropped=7\n",
                "<4>level=warning msg=\"retrying batch\" kafka.offset=10 kafka.topic=orders\n",
            ]
        )
    }

    @Test func warningsFromDifferentSourcesAreCountedSeparately() {
        let subject = makeSubject()
        for _ in 0..<5 {
            subject.logger.warning("retrying batch", metadata: [LogKeys.kafkaTopic: "orders"])
            subject.logger.warning("retrying batch", metadata: [LogKeys.kafkaTopic: "users"])
            subject.logger.warning("other message", metadata: [LogKeys.kafkaTopic: "orders"])
        }
        #expect(subject.sink.lines.count == 9)
    }

    @Test func otherLevelsAreNeverLimited() {
        let subject = makeSubject()
        for _ in 0..<10 {
            subject.logger.info("tick")
            subject.logger.error("partition halted", metadata: [LogKeys.kafkaPartition: "1"])
        }
        #expect(subject.sink.lines.count == 20)
    }

    @Test func anExpiredWindowIsSummarisedByTheNextUnrelatedEvent() {
        let subject = makeSubject()
        for _ in 0..<5 { subject.logger.warning("dead-lettered", metadata: [LogKeys.errorID: "api.assert.x"]) }
        subject.clock.advance(by: .seconds(12))
        subject.logger.info("stats")
        #expect(
            Array(subject.sink.lines.suffix(2)) == [
                "<4>level=warning msg=\"dropped repeats of: dead-lettered\" error.id=api.assert.x "
                    + "log.repeats_dropped=2\n",
                "<6>level=info msg=stats\n",
            ]
        )
    }

    @Test func aWindowThatDroppedNothingProducesNoSummary() {
        let subject = makeSubject()
        subject.logger.warning("once")
        subject.clock.advance(by: .seconds(30))
        subject.logger.warning("once")
        subject.output.flushRepeatSummaries()
        #expect(subject.sink.lines == ["<4>level=warning msg=once\n", "<4>level=warning msg=once\n"])
    }

    @Test func flushingWritesPendingSummaries() {
        let subject = makeSubject()
        for _ in 0..<4 { subject.logger.warning("slow kuzzle") }
        subject.output.flushRepeatSummaries()
        #expect(
            subject.sink.lines.last
                == "<4>level=warning msg=\"dropped repeats of: slow kuzzle\" log.repeats_dropped=1\n"
        )
        subject.output.flushRepeatSummaries()
        #expect(subject.sink.lines.count == 4)
    }

    @Test func aLimitOfZeroDisablesLimiting() {
        let subject = LoggerUnderTest(format: .logfmt, journal: true, repeatLimit: 0)
        for _ in 0..<50 { subject.logger.warning("same") }
        #expect(subject.sink.lines.count == 50)
    }

    @Test func theNumberOfTrackedWarningsIsBounded() {
        var limiter = RepeatedWarningLimiter(limit: 1, interval: .seconds(60), maximumTrackedWarnings: 2)
        func record(_ message: String, at seconds: Int64) -> LogRecord {
            LogRecord(
                level: .warning,
                message: message,
                metadata: [:],
                error: nil,
                timestamp: LogTimestamp(seconds: seconds)
            )
        }
        #expect(limiter.admit(record("a", at: 100)).write)
        #expect(!limiter.admit(record("a", at: 100)).write)
        #expect(limiter.admit(record("b", at: 101)).write)
        let third = limiter.admit(record("c", at: 102))
        #expect(third.write)
        #expect(third.summaries.map(\.message) == ["dropped repeats of: a"])
        // Distinct start times: which window is the oldest must not depend on dictionary order.
        #expect(limiter.admit(record("a", at: 103)).write, "a's window was closed early, so a is new again")
        #expect(!limiter.admit(record("c", at: 103)).write)
    }
}
