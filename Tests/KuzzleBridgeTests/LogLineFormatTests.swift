import Foundation
import Logging
import Testing

@testable import KuzzleBridge

/// A logger on a recording sink, with a fixed clock.
struct LoggerUnderTest {
    let sink = RecordingLogSink()
    let clock: ManualLogClock
    let output: BridgeLogOutput
    let logger: Logger

    init(
        format: LogFormat,
        journal: Bool = false,
        repeatLimit: Int = 0,
        repeatInterval: Duration = .seconds(60),
        clock: ManualLogClock = ManualLogClock(LogTimestamp(seconds: 1_795_000_000, nanoseconds: 123_456_789))
    ) {
        self.clock = clock
        output = BridgeLogOutput(
            format: format,
            writesToJournal: journal,
            repeatLimit: repeatLimit,
            repeatInterval: repeatInterval,
            sink: sink,
            clock: { [clock] in clock.now() }
        )
        logger = Logger(label: "test") { [output] label in
            BridgeLogHandler(label: label, output: output, logLevel: .trace)
        }
    }
}

struct SampleError: Error, CustomStringConvertible {
    var description: String { "boom \"quoted\"" }
}

@Suite struct LogLineFormatTests {
    @Test func logfmtLinesCarryTimestampLevelMessageAndSortedMetadata() {
        let subject = LoggerUnderTest(format: .logfmt)
        subject.logger.info(
            "batch written",
            metadata: [LogKeys.kafkaTopic: "orders", LogKeys.batchDocuments: "12", LogKeys.kafkaPartition: "3"]
        )
        #expect(
            subject.sink.lines == [
                "ts=2026-11-18T11:06:40.123Z level=info msg=\"batch written\" batch.documents=12 kafka.partition=3 "
                    + "kafka.topic=orders\n"
            ]
        )
    }

    @Test func logfmtValuesAreQuotedAndEscapedWhenNeeded() {
        let subject = LoggerUnderTest(format: .logfmt)
        subject.logger.warning(
            "single",
            metadata: [
                "a": "plain", "b": "two words", "c": "say \"hi\"", "d": "line\nbreak", "e": "", "f": "back\\slash",
                "g": "k=v", "h": "tab\there", "i": "bell\u{07}", "j": "naïve",
            ]
        )
        let expected =
            #"ts=2026-11-18T11:06:40.123Z level=warning msg=single a=plain b="two words" c="say \"hi\"" "#
            + #"d="line\nbreak" e="" f="back\\slash" g="k=v" h="tab\there" i="bell\u0007" j=naïve"#
        #expect(subject.sink.lines == [expected + "\n"])
    }

    @Test func logfmtKeysWithSpacesOrEqualsAreSanitised() {
        let subject = LoggerUnderTest(format: .logfmt)
        subject.logger.info("m", metadata: ["odd key=x": "1"])
        #expect(subject.sink.lines.first?.hasSuffix(" odd_key_x=1\n") == true)
    }

    @Test func theErrorParameterIsWrittenLast() {
        let subject = LoggerUnderTest(format: .logfmt)
        subject.logger.error("write failed", error: SampleError(), metadata: [LogKeys.httpStatus: "500"])
        #expect(subject.sink.lines.first?.hasSuffix(#" http.status=500 error="boom \"quoted\""\#n"#) == true)
    }

    @Test func jsonLinesAreOneValidObjectEach() throws {
        let subject = LoggerUnderTest(format: .json)
        subject.logger.notice(
            "multi\nline \"msg\"",
            error: SampleError(),
            metadata: [
                LogKeys.kafkaOffset: .stringConvertible(Int64(42)), "text": "x\ty", "list": ["a", "b"],
                "flag": .stringConvertible(true),
            ]
        )
        let line = try #require(subject.sink.lines.first)
        #expect(line.hasSuffix("}\n"))
        #expect(line.filter { $0 == "\n" }.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["ts"] as? String == "2026-11-18T11:06:40.123Z")
        #expect(object["level"] as? String == "notice")
        #expect(object["msg"] as? String == "multi\nline \"msg\"")
        #expect(object["kafka.offset"] as? Int == 42)
        #expect(object["text"] as? String == "x\ty")
        #expect(object["list"] as? [String] == ["a", "b"])
        #expect(object["flag"] as? Bool == true)
        #expect(object["error"] as? String == "boom \"quoted\"")
        #expect(line.hasPrefix(#"{"ts":"2026-11-18T11:06:40.123Z","level":"notice","msg":"multi\nline \"msg\"""#))
    }

    @Test(arguments: [
        (Logger.Level.trace, 7), (.debug, 7), (.info, 6), (.notice, 5), (.warning, 4), (.error, 3), (.critical, 2),
    ])
    func journalLinesStartWithTheSyslogPriorityAndHaveNoTimestamp(level: Logger.Level, priority: Int) {
        for format in LogFormat.allCases {
            let subject = LoggerUnderTest(format: format, journal: true)
            subject.logger.log(level: level, "hello")
            let line = subject.sink.lines.first ?? ""
            #expect(line.hasPrefix("<\(priority)>"), "\(line)")
            #expect(!line.contains("ts="), "\(line)")
            #expect(!line.contains("\"ts\""), "\(line)")
            #expect(!line.contains("2026"), "\(line)")
        }
        let logfmt = LoggerUnderTest(format: .logfmt, journal: true)
        logfmt.logger.log(level: level, "hello")
        #expect(logfmt.sink.lines == ["<\(priority)>level=\(level.rawValue) msg=hello\n"])
    }

    @Test func theJournalIsDetectedFromJournalStream() {
        #expect(BridgeLogOutput.journalIsStandardOutput(environment: ["JOURNAL_STREAM": "8:12345"]))
        #expect(!BridgeLogOutput.journalIsStandardOutput(environment: [:]))
        #expect(!BridgeLogOutput.journalIsStandardOutput(environment: ["JOURNAL_STREAM": ""]))
        let output = BridgeLogOutput(
            settings: LoggingSettings(),
            environment: ["JOURNAL_STREAM": "8:1"],
            sink: RecordingLogSink()
        )
        #expect(output.writesToJournal)
    }

    @Test(arguments: [
        (LogTimestamp(seconds: 0), "1970-01-01T00:00:00.000Z"),
        (LogTimestamp(seconds: 951_782_400, nanoseconds: 999_999_999), "2000-02-29T00:00:00.999Z"),
        (LogTimestamp(seconds: 1_795_000_000, nanoseconds: 5_000_000), "2026-11-18T11:06:40.005Z"),
        (LogTimestamp(seconds: 4_102_444_799, nanoseconds: 1_000_000), "2099-12-31T23:59:59.001Z"),
        (LogTimestamp(seconds: -1), "1969-12-31T23:59:59.000Z"),
    ])
    func timestampsAreRFC3339WithMillisecondsInUTC(timestamp: LogTimestamp, expected: String) {
        #expect(timestamp.rfc3339 == expected)
    }

    @Test func theSystemClockTimestampMatchesFoundationsDate() throws {
        let before = Date().timeIntervalSince1970
        let now = LogTimestamp.now()
        let after = Date().timeIntervalSince1970
        #expect(Double(now.seconds) >= before.rounded(.down) && Double(now.seconds) <= after)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let parsed = try #require(formatter.date(from: now.rfc3339))
        #expect(abs(parsed.timeIntervalSince1970 - (Double(now.seconds) + Double(now.nanoseconds) / 1e9)) < 0.001)
    }

    @Test func handlerMetadataAndCallSiteMetadataAreMergedWithTheCallSiteWinning() {
        let subject = LoggerUnderTest(format: .logfmt, journal: true)
        var logger = subject.logger
        logger[metadataKey: LogKeys.kafkaTopic] = "orders"
        logger[metadataKey: "x"] = "handler"
        logger.info("m", metadata: ["x": "call"])
        #expect(subject.sink.lines == ["<6>level=info msg=m kafka.topic=orders x=call\n"])
    }

    @Test func linesFromManyThreadsStayWhole() async {
        let subject = LoggerUnderTest(format: .logfmt, journal: true)
        let logger = subject.logger
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for index in 0..<200 { logger.info("event", metadata: ["task": "\(task)", "i": "\(index)"]) }
                }
            }
        }
        let lines = subject.sink.lines
        #expect(lines.count == 1600)
        #expect(lines.allSatisfy { $0.hasPrefix("<6>level=info msg=event i=") && $0.hasSuffix("\n") })
    }

    @Test func theFileDescriptorSinkWritesWholeLines() throws {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        let sink = FileDescriptorLogSink(fileDescriptor: descriptors[1])
        sink.write(line: "level=info msg=one\n")
        sink.write(line: "level=info msg=\"two é\"\n")
        close(descriptors[1])
        let reader = FileHandle(fileDescriptor: descriptors[0], closeOnDealloc: true)
        let text = String(decoding: reader.readDataToEndOfFile(), as: UTF8.self)
        #expect(text == "level=info msg=one\nlevel=info msg=\"two é\"\n")
    }
}
