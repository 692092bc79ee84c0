import Testing

@testable import KuzzleBridge

@Suite struct ConfigurationUnitsTests {
    @Test(arguments: [
        ("500ms", Duration.milliseconds(500)),
        ("30s", .seconds(30)),
        ("2m", .seconds(120)),
        ("1h", .seconds(3600)),
        ("1m30s", .seconds(90)),
        ("1.5s", .milliseconds(1500)),
        ("250us", .microseconds(250)),
        ("250µs", .microseconds(250)),
        ("10ns", .nanoseconds(10)),
        (" 45s ", .seconds(45)),
        ("0", .zero),
        ("0s", .zero),
    ])
    func durationsWithUnitsAreParsed(text: String, expected: Duration) {
        #expect(ConfigurationUnits.parseDuration(text) == expected)
    }

    @Test(arguments: ["", "30", "s", "30 s", "30sec", "1d", "-5s", "ms500", "1m30", "abc", "1e3s"])
    func textsThatAreNotDurationsAreRefused(text: String) {
        #expect(ConfigurationUnits.parseDuration(text) == nil)
    }

    @Test(arguments: [
        ("65536", 65536),
        ("900KiB", 921_600),
        ("1MiB", 1_048_576),
        ("1MB", 1_000_000),
        ("1mb", 1_000_000),
        ("2kb", 2000),
        ("1 GiB", 1_073_741_824),
        ("1.5KiB", 1536),
        ("64MiB", 67_108_864),
        ("10B", 10),
    ])
    func byteCountsWithUnitsAreParsed(text: String, expected: Int) {
        #expect(ConfigurationUnits.parseByteCount(text) == expected)
    }

    @Test(arguments: ["", "MiB", "1.5", "12 bytes", "1TiB", "-1KiB", "1K", "ten"])
    func textsThatAreNotByteCountsAreRefused(text: String) {
        #expect(ConfigurationUnits.parseByteCount(text) == nil)
    }

    @Test(arguments: [
        (Duration.milliseconds(200), "200ms"), (.seconds(30), "30s"), (.seconds(120), "2m"), (.seconds(7200), "2h"),
        (.zero, "0s"), (.nanoseconds(1500), "1500ns"),
    ])
    func durationsAreRenderedAsTheFileSpellsThem(duration: Duration, expected: String) {
        #expect(ConfigurationUnits.format(duration) == expected)
        #expect(ConfigurationUnits.parseDuration(expected) == duration)
    }

    @Test func byteCountsAreRenderedWithTheLargestExactBinaryUnit() {
        #expect(ConfigurationUnits.formatBytes(921_600) == "900KiB")
        #expect(ConfigurationUnits.formatBytes(1_048_576) == "1MiB")
        #expect(ConfigurationUnits.formatBytes(1_000_000) == "1000000")
    }
}
