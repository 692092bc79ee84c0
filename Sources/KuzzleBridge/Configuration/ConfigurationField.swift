/// Typed readers for the text values of the configuration file; every failure names the key and quotes the value.
enum ConfigurationField {
    /// A duration within `range`, or `defaultValue` when `text` is absent.
    static func duration(
        _ text: String?,
        key: String,
        default defaultValue: Duration,
        in range: ClosedRange<Duration>
    ) throws -> Duration {
        guard let text else { return defaultValue }
        guard let value = ConfigurationUnits.parseDuration(text) else {
            throw ConfigurationError.invalid(
                key: key,
                value: text,
                reason: "expected a duration such as 500ms, 30s, 2m or 1m30s (units: ns, us, ms, s, m, h)"
            )
        }
        guard range.contains(value) else {
            throw ConfigurationError.invalid(
                key: key,
                value: text,
                reason: "must be between \(ConfigurationUnits.format(range.lowerBound)) and "
                    + "\(ConfigurationUnits.format(range.upperBound))"
            )
        }
        return value
    }

    /// A byte count within `range`, or `defaultValue` when `text` is absent.
    static func byteCount(
        _ text: String?,
        key: String,
        default defaultValue: Int,
        in range: ClosedRange<Int>
    ) throws -> Int {
        guard let text else { return defaultValue }
        guard let value = ConfigurationUnits.parseByteCount(text) else {
            throw ConfigurationError.invalid(
                key: key,
                value: text,
                reason: "expected a size such as 65536, 900KiB or 1MiB (KB/MB/GB = powers of 1000, "
                    + "KiB/MiB/GiB = powers of 1024)"
            )
        }
        guard range.contains(value) else {
            throw ConfigurationError.invalid(
                key: key,
                value: text,
                reason: "must be between \(range.lowerBound) and \(range.upperBound) bytes"
            )
        }
        return value
    }

    /// A whole number within `range`, or `defaultValue` when `text` is absent.
    static func integer(
        _ text: String?,
        key: String,
        default defaultValue: Int,
        in range: ClosedRange<Int>
    ) throws
        -> Int
    {
        guard let text else { return defaultValue }
        guard let value = Int(text.trimmingWhitespace()) else {
            throw ConfigurationError.invalid(key: key, value: text, reason: "expected a whole number")
        }
        guard range.contains(value) else {
            throw ConfigurationError.invalid(
                key: key,
                value: text,
                reason: "must be between \(range.lowerBound) and \(range.upperBound)"
            )
        }
        return value
    }

    /// A decimal number within `range`, or `defaultValue` when `text` is absent.
    static func number(
        _ text: String?,
        key: String,
        default defaultValue: Double,
        in range: ClosedRange<Double>
    )
        throws -> Double
    {
        guard let text else { return defaultValue }
        guard let value = Double(text.trimmingWhitespace()), value.isFinite else {
            throw ConfigurationError.invalid(key: key, value: text, reason: "expected a number")
        }
        guard range.contains(value) else {
            throw ConfigurationError.invalid(
                key: key,
                value: text,
                reason: "must be between \(range.lowerBound) and \(range.upperBound)"
            )
        }
        return value
    }

    /// A boolean (`true`/`false`, also `yes`/`no`, `on`/`off`), or `defaultValue` when `text` is absent.
    static func boolean(_ text: String?, key: String, default defaultValue: Bool) throws -> Bool {
        guard let text else { return defaultValue }
        switch text.trimmingWhitespace().lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw ConfigurationError.invalid(key: key, value: text, reason: "expected true or false")
        }
    }

    /// One of an enumeration's raw values, or `defaultValue` when `text` is absent.
    static func choice<Choice: RawRepresentable<String> & CaseIterable>(
        _ text: String?,
        key: String,
        default defaultValue: Choice
    ) throws -> Choice {
        guard let text else { return defaultValue }
        guard let value = Choice(rawValue: text.trimmingWhitespace()) else {
            let allowed = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigurationError.invalid(key: key, value: text, reason: "expected one of: \(allowed)")
        }
        return value
    }

    /// A non-empty text without surrounding whitespace, or `defaultValue` when `text` is absent.
    static func text(_ text: String?, key: String, default defaultValue: String) throws -> String {
        guard let text else { return defaultValue }
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw ConfigurationError.missing(key: key, reason: "must not be empty") }
        return trimmed
    }

    /// A map of librdkafka properties, rejecting empty keys and the `reserved` ones (with their reason).
    static func properties(
        _ raw: [String: String]?,
        key: String,
        reserved: [String: String]
    ) throws
        -> [String: String]
    {
        guard let raw else { return [:] }
        for (name, value) in raw.sorted(by: { $0.key < $1.key }) {
            let trimmed = name.trimmingWhitespace()
            guard !trimmed.isEmpty else {
                throw ConfigurationError.invalid(key: key, value: name, reason: "a property name is empty")
            }
            if let reason = reserved[trimmed] {
                throw ConfigurationError.invalid(key: "\(key).\(trimmed)", value: value, reason: reason)
            }
        }
        return raw
    }
}
