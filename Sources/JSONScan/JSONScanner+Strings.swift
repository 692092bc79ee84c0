extension JSONScanner {
    // MARK: - Reading strings

    /// Reads one string (after whitespace) and returns its token; ``position`` ends after the closing quote.
    ///
    /// Validating, every byte is checked (escapes, control characters, UTF-8); skipping, only `"` and `\` matter
    /// (a `\` hides the byte after it). Either way, plain runs are crossed eight bytes at a time (``JSONPlainRun``).
    @inlinable @inline(__always)
    public mutating func readStringToken() throws(JSONScanError) -> JSONStringToken {
        try expect(UInt8(ascii: "\""))
        if validates { return try validateStringContent() }
        return try skipStringContent()
    }

    /// Reads a string value (after whitespace), decoding escapes (a lone surrogate escape becomes U+FFFD).
    @inlinable
    public mutating func readString() throws(JSONScanError) -> String {
        let token = try readStringToken()
        return try decodeString(token, replacingLoneSurrogates: true)
    }

    /// Reads a string, or `null` as `nil`; any other value is skipped and gives `nil`.
    @inlinable
    public mutating func readOptionalString() throws(JSONScanError) -> String? {
        if peek() == UInt8(ascii: "\"") { return try readString() }
        try skipValue()
        return nil
    }

    /// The content of a string whose opening quote was just consumed, trusting it.
    @inlinable
    mutating func skipStringContent() throws(JSONScanError) -> JSONStringToken {
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
                position += 2
            } else {
                position = JSONPlainRun.endOfUnquoted(in: bytes, from: position + 1)
            }
        }
        throw error("unterminated string")
    }

    /// The content of a string whose opening quote was just consumed, validating it.
    ///
    /// A plain ASCII byte starts a run that ``JSONPlainRun`` crosses eight bytes at a time; every other byte is
    /// checked here, one at a time.
    @inlinable
    mutating func validateStringContent() throws(JSONScanError) -> JSONStringToken {
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
                try validateEscape()
            } else if byte < 0x20 {
                throw error("control character in a string")
            } else if byte < 0x80 {
                position = JSONPlainRun.endOfPlain(in: bytes, from: position + 1)
            } else {
                try validateUTF8Sequence()
            }
        }
        throw error("unterminated string")
    }

    @inlinable
    mutating func validateEscape() throws(JSONScanError) {
        position += 1  // backslash
        guard let byte = current else { throw error("unterminated escape") }
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 1
        case UInt8(ascii: "u"):
            position += 1
            for _ in 0..<4 {
                guard let digit = current, Self.hexValue(digit) != nil else { throw error("invalid \\u escape") }
                position += 1
            }
        default:
            throw error("invalid escape")
        }
    }

    /// Moves past one multi-byte UTF-8 sequence, checking it is well-formed (Unicode table 3-7).
    @inlinable
    mutating func validateUTF8Sequence() throws(JSONScanError) {
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

    // MARK: - Decoding and comparing strings

    /// The value of a hexadecimal digit.
    @inlinable
    static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// The value of the four hex digits at `index`, or `nil` when they are not four hex digits.
    @inlinable
    func hexQuad(at index: Int) -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for offset in 0..<4 {
            guard let digit = Self.hexValue(bytes[index + offset]) else { return nil }
            value = value << 4 | digit
        }
        return value
    }

    /// Decodes the escape at `index` (a backslash) within `limit`: the scalar value it stands for (a surrogate pair
    /// is joined; a lone surrogate is returned as is) and the index after it; `nil` for a malformed escape.
    @inlinable
    func decodeEscape(at index: Int, limit: Int) -> (value: UInt32, next: Int)? {
        guard index + 1 < limit else { return nil }
        switch bytes[index + 1] {
        case UInt8(ascii: "b"): return (0x08, index + 2)
        case UInt8(ascii: "f"): return (0x0C, index + 2)
        case UInt8(ascii: "n"): return (0x0A, index + 2)
        case UInt8(ascii: "r"): return (0x0D, index + 2)
        case UInt8(ascii: "t"): return (0x09, index + 2)
        case UInt8(ascii: "u"):
            guard index + 6 <= limit, let unit = hexQuad(at: index + 2) else { return nil }
            if (0xD800...0xDBFF).contains(unit), index + 12 <= limit, bytes[index + 6] == UInt8(ascii: "\\"),
                bytes[index + 7] == UInt8(ascii: "u"), let low = hexQuad(at: index + 8), (0xDC00...0xDFFF).contains(low)
            {
                return (0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00), index + 12)
            }
            return (unit, index + 6)
        default: return (UInt32(bytes[index + 1]), index + 2)  // \" \\ \/ (and, skipping, anything)
        }
    }

    /// The text of a string token, with its escapes decoded.
    /// - Parameter replacingLoneSurrogates: Whether an escaped lone surrogate becomes U+FFFD (else it throws).
    /// - Throws: On a lone surrogate escape (unless replaced) or a malformed escape, which no `String` can hold.
    @inlinable
    public func decodeString(
        _ token: JSONStringToken,
        replacingLoneSurrogates: Bool = false
    ) throws(JSONScanError) -> String {
        let raw = UnsafeRawBufferPointer(rebasing: bytes[token.content])
        guard token.hasEscapes else { return String(decoding: raw, as: UTF8.self) }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(raw.count)
        var index = token.content.lowerBound
        while index < token.content.upperBound {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\") else {
                decoded.append(byte)
                index += 1
                continue
            }
            guard let (value, next) = decodeEscape(at: index, limit: token.content.upperBound) else {
                throw JSONScanError(reason: "invalid escape", position: index)
            }
            index = next
            guard let scalar = Unicode.Scalar(value) else {
                guard replacingLoneSurrogates else {
                    throw JSONScanError(reason: "unpaired surrogate escape", position: token.content.lowerBound)
                }
                UTF8.encode("\u{FFFD}") { decoded.append($0) }
                continue
            }
            UTF8.encode(scalar) { decoded.append($0) }
        }
        return String(decoding: decoded, as: UTF8.self)
    }

    /// Whether a string token's content, escapes decoded, is exactly the ASCII `literal` (no allocation).
    @inlinable
    public func content(of token: JSONStringToken, equals literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        if !token.hasEscapes {
            guard token.content.count == count else { return false }
            var index = 0
            for position in token.content {
                guard bytes[position] == literal.utf8Start[index] else { return false }
                index += 1
            }
            return true
        }
        // An escape is 2 to 12 bytes for one character: the content is at least as long as the literal.
        guard token.content.count >= count else { return false }
        var index = 0
        var position = token.content.lowerBound
        while position < token.content.upperBound {
            guard index < count else { return false }
            var value = UInt32(bytes[position])
            if value == UInt32(UInt8(ascii: "\\")) {
                guard let (decoded, next) = decodeEscape(at: position, limit: token.content.upperBound) else {
                    return false
                }
                value = decoded
                position = next
            } else {
                position += 1
            }
            guard value == UInt32(literal.utf8Start[index]) else { return false }
            index += 1
        }
        return index == count
    }
}
