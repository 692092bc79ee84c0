/// Parsers for the human-friendly units used in the configuration file: durations (`500ms`, `30s`, `2m`, `1m30s`)
/// and byte counts (`900KiB`, `1MiB`, `1MB`, `65536`).
public enum ConfigurationUnits {
    /// Duration units, longest spelling first so `ms` wins over `m`, with their length in nanoseconds.
    private static let durationUnits: [(suffix: String, nanoseconds: Double)] = [
        ("ns", 1), ("us", 1_000), ("µs", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000),
        ("m", 60_000_000_000), ("h", 3_600_000_000_000),
    ]

    /// Byte units (matched case-insensitively): SI units are powers of 1000, IEC units (`KiB`…) powers of 1024.
    private static let byteUnits: [String: Double] = [
        "b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "kib": 1024, "mib": 1_048_576, "gib": 1_073_741_824,
    ]

    /// Parses a duration made of one or more `<number><unit>` parts (`ns`, `us`, `ms`, `s`, `m`, `h`), e.g. `1m30s`
    /// or `1.5s`. A bare `0` is accepted; any other number needs a unit.
    ///
    /// - Returns: The duration, or `nil` when the text is not a duration.
    public static func parseDuration(_ text: String) -> Duration? {
        let trimmed = text.trimmingWhitespace()
        if trimmed == "0" { return .zero }
        var rest = Substring(trimmed)
        var totalNanoseconds: Double = 0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let unit = durationUnits.first(where: { rest.hasPrefix($0.suffix) }) else { return nil }
            rest = rest.dropFirst(unit.suffix.count)
            totalNanoseconds += value * unit.nanoseconds
        }
        // 2^62 ns is about 146 years: anything above is a typo, and it keeps the conversion below exact enough.
        guard totalNanoseconds.isFinite, totalNanoseconds < 4.6e18 else { return nil }
        return .nanoseconds(Int64(totalNanoseconds.rounded()))
    }

    /// Parses a byte count: a plain integer (bytes) or a number followed by `B`, `KB`, `MB`, `GB` (powers of 1000) or
    /// `KiB`, `MiB`, `GiB` (powers of 1024), with an optional space; fractions are rounded down to whole bytes.
    ///
    /// - Returns: The number of bytes, or `nil` when the text is not a byte count.
    public static func parseByteCount(_ text: String) -> Int? {
        let trimmed = text.trimmingWhitespace()
        let number = trimmed.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        guard !number.isEmpty, let value = Double(number) else { return nil }
        let unitText = trimmed.dropFirst(number.count).trimmingWhitespace().lowercased()
        let multiplier: Double
        if unitText.isEmpty {
            guard !number.contains(".") else { return nil }
            multiplier = 1
        } else {
            guard let unit = byteUnits[unitText] else { return nil }
            multiplier = unit
        }
        let bytes = (value * multiplier).rounded(.down)
        guard bytes.isFinite, bytes < 9.0e18 else { return nil }
        return Int(bytes)
    }

    /// Renders a duration the way the configuration file spells it (`200ms`, `30s`, `2m`, `1h`).
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        if attoseconds % 1_000_000_000_000_000 != 0 {
            return "\(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)ns"
        }
        if milliseconds == 0 { return "0s" }
        if milliseconds % 3_600_000 == 0 { return "\(milliseconds / 3_600_000)h" }
        if milliseconds % 60_000 == 0 { return "\(milliseconds / 60_000)m" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        return "\(milliseconds)ms"
    }

    /// Renders a byte count with the largest IEC unit that divides it exactly (`900KiB`, `1MiB`, `1000`).
    public static func formatBytes(_ bytes: Int) -> String {
        if bytes > 0 && bytes % 1_073_741_824 == 0 { return "\(bytes / 1_073_741_824)GiB" }
        if bytes > 0 && bytes % 1_048_576 == 0 { return "\(bytes / 1_048_576)MiB" }
        if bytes > 0 && bytes % 1024 == 0 { return "\(bytes / 1024)KiB" }
        return "\(bytes)"
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and line breaks.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
