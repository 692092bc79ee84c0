/// A problem found by ``JSONScanner``: what is wrong and at which byte.
struct JSONScanError: Error, Equatable {
    /// What is wrong, as a short phrase ("unterminated string").
    var reason: String
    /// The byte position in the scanned buffer.
    var position: Int
}

/// A JSON string as found in the input: where its content lies (between the quotes) and whether it has escapes.
struct JSONStringToken {
    /// The positions of the string's content, quotes excluded.
    var content: Range<Int>
    /// Whether the content contains a backslash escape (then it must be decoded, not just copied).
    var hasEscapes: Bool
}

/// A validating, non-allocating JSON skipper over a borrowed byte buffer (RFC 8259).
///
/// It never builds values: it moves ``position`` past one value while checking its grammar, including strings
/// (escapes, control characters, UTF-8 well-formedness), numbers, literals and nested containers up to a depth limit.
/// Only ``decodeString(_:)`` allocates, and only for the short strings the router needs.
///
/// - Important: The scanner borrows `bytes`; it must not outlive the `withUnsafeBufferPointer` call that made it.
struct JSONScanner {
    /// The bytes being scanned.
    let bytes: UnsafeBufferPointer<UInt8>
    /// The position of the next byte to read.
    var position: Int = 0
    /// The deepest nesting of objects and arrays accepted.
    let maximumDepth: Int

    /// Creates a scanner at the start of `bytes`.
    init(bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    /// Whether every byte has been read.
    var isAtEnd: Bool { position >= bytes.count }

    /// The next byte, or `nil` at the end.
    var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    /// Moves past JSON whitespace (space, tab, line feed, carriage return).
    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    /// Consumes `byte` or throws `reason`.
    mutating func expect(_ byte: UInt8, _ reason: String) throws(JSONScanError) {
        guard position < bytes.count, bytes[position] == byte else { throw error(reason) }
        position += 1
    }

    /// An error at the current position.
    func error(_ reason: String) -> JSONScanError {
        JSONScanError(
            reason: position < bytes.count ? reason : "unexpected end of input, \(reason)",
            position: position
        )
    }

    // MARK: - Values

    /// Moves past one JSON value starting at ``position`` (no leading whitespace), validating it.
    /// - Parameter depth: The nesting depth of the value's container (0 at the top level).
    mutating func skipValue(depth: Int = 0) throws(JSONScanError) {
        guard let byte = peek else { throw error("expected a value") }
        switch byte {
        case UInt8(ascii: "{"): try skipObject(depth: depth + 1)
        case UInt8(ascii: "["): try skipArray(depth: depth + 1)
        case UInt8(ascii: "\""): _ = try scanString()
        case UInt8(ascii: "t"): try skipLiteral("true")
        case UInt8(ascii: "f"): try skipLiteral("false")
        case UInt8(ascii: "n"): try skipLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
        default: throw error("expected a value")
        }
    }

    private mutating func skipObject(depth: Int) throws(JSONScanError) {
        guard depth <= maximumDepth else { throw error("nesting deeper than \(maximumDepth) levels") }
        position += 1  // {
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            position += 1
            return
        }
        while true {
            guard peek == UInt8(ascii: "\"") else { throw error("expected a member name") }
            _ = try scanString()
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "expected ':'")
            skipWhitespace()
            try skipValue(depth: depth)
            skipWhitespace()
            guard let next = peek else { throw error("unterminated object") }
            position += 1
            if next == UInt8(ascii: "}") { return }
            guard next == UInt8(ascii: ",") else {
                position -= 1
                throw error("expected ',' or '}'")
            }
            skipWhitespace()
        }
    }

    private mutating func skipArray(depth: Int) throws(JSONScanError) {
        guard depth <= maximumDepth else { throw error("nesting deeper than \(maximumDepth) levels") }
        position += 1  // [
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            position += 1
            return
        }
        while true {
            try skipValue(depth: depth)
            skipWhitespace()
            guard let next = peek else { throw error("unterminated array") }
            position += 1
            if next == UInt8(ascii: "]") { return }
            guard next == UInt8(ascii: ",") else {
                position -= 1
                throw error("expected ',' or ']'")
            }
            skipWhitespace()
        }
    }

    private mutating func skipLiteral(_ literal: StaticString) throws(JSONScanError) {
        let count = literal.utf8CodeUnitCount
        let start = position
        var index = 0
        while index < count {
            guard position < bytes.count, bytes[position] == literal.utf8Start[index] else {
                position = start
                throw error("invalid literal")
            }
            position += 1
            index += 1
        }
    }

    private mutating func skipDigits() {
        while let byte = peek, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { position += 1 }
    }

    private mutating func skipNumber() throws(JSONScanError) {
        if peek == UInt8(ascii: "-") { position += 1 }
        guard let first = peek, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else {
            throw error("invalid number")
        }
        position += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if peek == UInt8(ascii: ".") {
            position += 1
            guard let digit = peek, digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else {
                throw error("invalid number: expected a digit after '.'")
            }
            skipDigits()
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            position += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { position += 1 }
            guard let digit = peek, digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else {
                throw error("invalid number: expected a digit in the exponent")
            }
            skipDigits()
        }
    }

    // MARK: - Strings

    /// Moves past one JSON string starting at ``position`` (its opening quote), validating it.
    ///
    /// A plain ASCII byte starts a run that ``JSONPlainRun`` crosses eight bytes at a time; every other byte is
    /// checked here, one at a time.
    mutating func scanString() throws(JSONScanError) -> JSONStringToken {
        position += 1  // opening quote
        let start = position
        var hasEscapes = false
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return JSONStringToken(content: start..<(position - 1), hasEscapes: hasEscapes)
            }
            if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                try skipEscape()
            } else if byte < 0x20 {
                throw error("control character in a string")
            } else if byte < 0x80 {
                position = JSONPlainRun.end(in: bytes, from: position + 1)
            } else {
                try skipUTF8Sequence()
            }
        }
        throw error("unterminated string")
    }

    private mutating func skipEscape() throws(JSONScanError) {
        position += 1  // backslash
        guard let byte = peek else { throw error("unterminated escape") }
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 1
        case UInt8(ascii: "u"):
            position += 1
            for _ in 0..<4 {
                guard let digit = peek, Self.hexValue(digit) != nil else { throw error("invalid \\u escape") }
                position += 1
            }
        default:
            throw error("invalid escape")
        }
    }

    /// Moves past one multi-byte UTF-8 sequence, checking it is well-formed (Unicode table 3-7).
    private mutating func skipUTF8Sequence() throws(JSONScanError) {
        let lead = bytes[position]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            secondRange = 0x80...0x9F
        case 0xF0:
            length = 4
            secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            secondRange = 0x80...0x8F
        default: throw error("invalid UTF-8")
        }
        guard position + length <= bytes.count else { throw error("truncated UTF-8 sequence") }
        guard secondRange.contains(bytes[position + 1]) else { throw error("invalid UTF-8") }
        for offset in 2..<length where bytes[position + offset] & 0xC0 != 0x80 {
            position += offset
            throw error("invalid UTF-8")
        }
        position += length
    }

    /// The value of a hexadecimal digit.
    static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// Whether a string token's content is exactly `literal` (escapes make it compare unequal; callers decode those).
    func content(of token: JSONStringToken, equals literal: StaticString) -> Bool {
        guard !token.hasEscapes, token.content.count == literal.utf8CodeUnitCount else { return false }
        var index = 0
        for position in token.content {
            guard bytes[position] == literal.utf8Start[index] else { return false }
            index += 1
        }
        return true
    }

    /// The text of a string token, with its escapes decoded.
    /// - Throws: When an escape encodes a lone surrogate, which no Swift `String` can hold.
    func decodeString(_ token: JSONStringToken) throws(JSONScanError) -> String {
        let raw = UnsafeBufferPointer(rebasing: bytes[token.content])
        guard token.hasEscapes else { return String(decoding: raw, as: UTF8.self) }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(raw.count)
        var index = raw.startIndex
        while index < raw.endIndex {
            let byte = raw[index]
            guard byte == UInt8(ascii: "\\") else {
                decoded.append(byte)
                index += 1
                continue
            }
            let escape = raw[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "b"): decoded.append(0x08)
            case UInt8(ascii: "f"): decoded.append(0x0C)
            case UInt8(ascii: "n"): decoded.append(0x0A)
            case UInt8(ascii: "r"): decoded.append(0x0D)
            case UInt8(ascii: "t"): decoded.append(0x09)
            case UInt8(ascii: "u"):
                var value = Self.hexQuad(raw, at: index)
                index += 4
                if (0xD800...0xDBFF).contains(value) {
                    guard index + 6 <= raw.endIndex, raw[index] == UInt8(ascii: "\\"),
                        raw[index + 1] == UInt8(ascii: "u")
                    else {
                        throw JSONScanError(reason: "unpaired surrogate escape", position: token.content.lowerBound)
                    }
                    let low = Self.hexQuad(raw, at: index + 2)
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw JSONScanError(reason: "unpaired surrogate escape", position: token.content.lowerBound)
                    }
                    value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                guard let scalar = Unicode.Scalar(value) else {
                    throw JSONScanError(reason: "unpaired surrogate escape", position: token.content.lowerBound)
                }
                UTF8.encode(scalar) { decoded.append($0) }
            default: decoded.append(escape)  // \" \\ \/
            }
        }
        return String(decoding: decoded, as: UTF8.self)
    }

    /// The value of the four hex digits at `index` (already validated by ``scanString()``).
    private static func hexQuad(_ raw: UnsafeBufferPointer<UInt8>, at index: Int) -> UInt32 {
        var value: UInt32 = 0
        for offset in 0..<4 { value = value << 4 | (hexValue(raw[index + offset]) ?? 0) }
        return value
    }
}
