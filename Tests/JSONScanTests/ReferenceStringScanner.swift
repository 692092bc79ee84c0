/// What scanning one JSON string gave: the token and where the scanner stopped, or the error.
enum StringScanOutcome: Equatable, CustomStringConvertible {
    /// A string was read: its content range, whether it has escapes, and the position after its closing quote.
    case token(content: Range<Int>, hasEscapes: Bool, end: Int)
    /// The string was refused with this reason at this byte position.
    case failure(reason: String, position: Int)

    /// A one-line rendering for failed expectations.
    var description: String {
        switch self {
        case let .token(content, hasEscapes, end): "token \(content) escapes: \(hasEscapes) end: \(end)"
        case let .failure(reason, position): "\(reason) at \(position)"
        }
    }
}

/// A plain, byte-at-a-time statement of how the validating scanner reads a string (RFC 8259, UTF-8 per Unicode
/// table 3-7), written independently of `JSONScanner` to check its word-at-a-time fast path against.
enum ReferenceStringScanner {
    /// The second-byte range allowed after each multi-byte lead byte, and the sequence length.
    static func sequence(lead: UInt8) -> (length: Int, second: ClosedRange<UInt8>)? {
        switch lead {
        case 0xC2...0xDF: (2, 0x80...0xBF)
        case 0xE0: (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (3, 0x80...0xBF)
        case 0xED: (3, 0x80...0x9F)
        case 0xF0: (4, 0x90...0xBF)
        case 0xF1...0xF3: (4, 0x80...0xBF)
        case 0xF4: (4, 0x80...0x8F)
        default: nil
        }
    }

    /// Scans the string whose opening quote is at `quote`.
    static func scan(_ bytes: [UInt8], at quote: Int) -> StringScanOutcome {
        func failure(_ reason: String, _ position: Int) -> StringScanOutcome {
            .failure(reason: position < bytes.count ? reason : "unexpected end of input, \(reason)", position: position)
        }
        let hexDigits = Array("0123456789abcdefABCDEF".utf8)
        var index = quote + 1
        var hasEscapes = false
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                return .token(content: (quote + 1)..<index, hasEscapes: hasEscapes, end: index + 1)
            case UInt8(ascii: "\\"):
                hasEscapes = true
                index += 1
                guard index < bytes.count else { return failure("unterminated escape", index) }
                if Array(#""\/bfnrt"#.utf8).contains(bytes[index]) {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "u") {
                    index += 1
                    for _ in 0..<4 {
                        guard index < bytes.count, hexDigits.contains(bytes[index]) else {
                            return failure("invalid \\u escape", index)
                        }
                        index += 1
                    }
                } else {
                    return failure("invalid escape", index)
                }
            case 0x00..<0x20:
                return failure("control character in a string", index)
            case 0x20..<0x80:
                index += 1
            default:
                guard let (length, second) = sequence(lead: byte) else { return failure("invalid UTF-8", index) }
                guard index + length <= bytes.count else { return failure("truncated UTF-8 sequence", index) }
                guard second.contains(bytes[index + 1]) else { return failure("invalid UTF-8", index) }
                if let bad = (2..<length).first(where: { bytes[index + $0] & 0xC0 != 0x80 }) {
                    return failure("invalid UTF-8", index + bad)
                }
                index += length
            }
        }
        return failure("unterminated string", index)
    }
}
