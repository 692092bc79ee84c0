/// Writing JSON string literals: the one escaping rule for log lines, the requests' volatile header and error messages.
public enum JSONStringLiteral {
    /// `text` as a quoted JSON string: `"` and `\` escaped, newline, return and tab as `\n`, `\r`, `\t`, other control
    /// characters and DEL as `\u00XX`; with `asciiOnly`, everything beyond ASCII as `\uXXXX` UTF-16 units too (for an
    /// HTTP header value), else as it is.
    public static func quoted(_ text: String, asciiOnly: Bool = false) -> String {
        var result = "\""
        result.reserveCapacity(text.utf8.count + 2)
        appendEscaped(text, to: &result, asciiOnly: asciiOnly)
        result += "\""
        return result
    }

    /// Appends `text` to `output` escaped as in ``quoted(_:asciiOnly:)``, without the quotes.
    public static func appendEscaped(_ text: String, to output: inout String, asciiOnly: Bool = false) {
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                appendUnicodeEscape(UInt16(scalar.value), to: &output)
            case _ where asciiOnly && scalar.value > 0x7F:
                for unit in String(scalar).utf16 { appendUnicodeEscape(unit, to: &output) }
            default:
                output.unicodeScalars.append(scalar)
            }
        }
    }

    private static func appendUnicodeEscape(_ unit: UInt16, to output: inout String) {
        let hex = String(unit, radix: 16)
        output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }
}
