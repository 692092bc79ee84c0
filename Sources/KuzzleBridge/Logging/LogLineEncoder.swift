import JSONScan
import Logging

/// One event ready to be written.
struct LogRecord: Sendable {
    /// The level.
    var level: Logger.Level
    /// The message text.
    var message: String
    /// Handler, provider and call-site metadata merged (the call site wins).
    var metadata: Logger.Metadata
    /// The error passed with `error:`, if any, already rendered.
    var error: String?
    /// When the event happened.
    var timestamp: LogTimestamp
}

/// How each line starts.
enum LogLinePrefix: Sendable, Equatable {
    /// `<N>` syslog priority and no timestamp: standard output is the systemd journal, which stamps lines itself.
    case journalPriority
    /// An RFC 3339 timestamp with milliseconds (`ts=…` in logfmt, `"ts"` in JSON).
    case timestamp
}

/// Renders log records as logfmt or JSON lines.
enum LogLineEncoder {
    /// The syslog priority of a level: `<2>` critical … `<7>` debug and trace.
    static func syslogPriority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }

    /// The whole line for `record`, newline included. Metadata keys are written in sorted order after `msg`, and the
    /// error (if any) comes last under ``LogKeys/error``.
    static func line(for record: LogRecord, format: LogFormat, prefix: LogLinePrefix) -> String {
        var line = prefix == .journalPriority ? "<\(syslogPriority(record.level))>" : ""
        let timestamp = prefix == .timestamp ? record.timestamp.rfc3339 : nil
        var sortedFields = record.metadata.filter { $0.key != LogKeys.error }.sorted { $0.key < $1.key }
        if let error = record.error {
            sortedFields.append((key: LogKeys.error, value: .string(error)))
        } else if let error = record.metadata[LogKeys.error] {
            sortedFields.append((key: LogKeys.error, value: error))
        }
        switch format {
        case .logfmt:
            if let timestamp { line += "ts=\(timestamp) " }
            line += "level=\(record.level.rawValue) msg=\(logfmtValue(record.message))"
            for (key, value) in sortedFields {
                line += " \(logfmtKey(key))=\(logfmtValue(flatten(value)))"
            }
        case .json:
            line += "{"
            if let timestamp { line += "\"ts\":\"\(timestamp)\"," }
            line += "\"level\":\"\(record.level.rawValue)\",\"msg\":\(jsonString(record.message))"
            for (key, value) in sortedFields where key != "ts" && key != "level" && key != "msg" {
                line += ",\(jsonString(key)):\(jsonValue(value))"
            }
            line += "}"
        }
        return line + "\n"
    }

    /// `key=value` pairs of `metadata`, sorted by key, separated by spaces (no level or message).
    static func logfmtFields(_ metadata: Logger.Metadata) -> String {
        metadata.sorted { $0.key < $1.key }
            .map { "\(logfmtKey($0.key))=\(logfmtValue(flatten($0.value)))" }
            .joined(separator: " ")
    }

    // MARK: - logfmt

    /// A key with spaces, `=`, quotes and control characters replaced by `_` (an empty key becomes `_`).
    static func logfmtKey(_ key: String) -> String {
        guard !key.isEmpty else { return "_" }
        var result = ""
        for scalar in key.unicodeScalars {
            let isBad = scalar == " " || scalar == "=" || scalar == "\"" || scalar.value < 0x20 || scalar.value == 0x7F
            result.unicodeScalars.append(isBad ? "_" : scalar)
        }
        return result
    }

    /// A value, bare when it is a plain token, else double-quoted with `\"`, `\\`, `\n`, `\r`, `\t` and `\u00XX`
    /// escapes.
    static func logfmtValue(_ value: String) -> String {
        let needsQuotes =
            value.isEmpty
            || value.unicodeScalars.contains {
                $0 == " " || $0 == "=" || $0 == "\"" || $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F
                    || $0.properties.isWhitespace
            }
        guard needsQuotes else { return value }
        return "\"" + escaped(value) + "\""
    }

    /// A metadata value as one text: arrays as `[a,b]`, dictionaries as `{k=v,…}` (sorted).
    static func flatten(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let text): return text
        case .stringConvertible(let convertible): return convertible.description
        case .array(let items): return "[" + items.map(flatten).joined(separator: ",") + "]"
        case .dictionary(let entries):
            return "{"
                + entries.sorted { $0.key < $1.key }.map { "\($0.key)=\(flatten($0.value))" }
                .joined(separator: ",") + "}"
        }
    }

    // MARK: - JSON

    /// A JSON string literal.
    static func jsonString(_ text: String) -> String {
        "\"" + escaped(text) + "\""
    }

    /// A metadata value as JSON: integers, floating-point numbers and booleans given as such stay numbers/booleans,
    /// arrays and dictionaries become JSON arrays and objects, everything else a string.
    static func jsonValue(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let text):
            return jsonString(text)
        case .stringConvertible(let convertible):
            if convertible is any BinaryInteger || convertible is Bool { return convertible.description }
            if let number = convertible as? Double, number.isFinite { return convertible.description }
            return jsonString(convertible.description)
        case .array(let items):
            return "[" + items.map(jsonValue).joined(separator: ",") + "]"
        case .dictionary(let entries):
            return "{"
                + entries.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\(jsonValue($0.value))" }
                .joined(separator: ",") + "}"
        }
    }

    /// Escapes `"`, `\`, and control characters the way both JSON and logfmt readers understand.
    private static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        JSONStringLiteral.appendEscaped(text, to: &result)
        return result
    }
}
