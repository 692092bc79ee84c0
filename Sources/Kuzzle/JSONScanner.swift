/// Why a JSON answer could not be read.
struct JSONScanError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Byte offset of the problem.
    var offset: Int
    /// What was wrong.
    var reason: String

    var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

/// A forward-only reader over JSON bytes that decodes only what it is asked for and skips the rest.
///
/// Kuzzle's success answers echo every document's `_source`; the client never needs them, so they are skipped
/// (bracket depth, string aware; string content eight bytes at a time where it can) without building any value.
/// The scanner borrows its bytes: use it only inside the `withUnsafeBytes` closure that produced them.
struct JSONScanner {
    /// The borrowed bytes.
    let bytes: UnsafeRawBufferPointer
    /// Offset of the next unread byte.
    private(set) var position: Int = 0

    /// Creates a scanner at the start of `bytes`.
    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    // MARK: - Primitives

    /// Skips JSON whitespace.
    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    /// The next non-whitespace byte, not consumed; `nil` at the end.
    mutating func peek() -> UInt8? {
        skipWhitespace()
        return position < bytes.count ? bytes[position] : nil
    }

    /// Whether only whitespace is left.
    mutating func isAtEnd() -> Bool {
        peek() == nil
    }

    /// Consumes `byte` (after whitespace) or fails.
    mutating func expect(_ byte: UInt8) throws(JSONScanError) {
        guard peek() == byte else {
            throw error("expected '\(Character(Unicode.Scalar(byte)))'")
        }
        position += 1
    }

    /// Consumes `null` if it comes next.
    mutating func consumeNull() -> Bool {
        guard peek() == UInt8(ascii: "n"), position + 4 <= bytes.count,
            bytes[position + 1] == UInt8(ascii: "u"), bytes[position + 2] == UInt8(ascii: "l"),
            bytes[position + 3] == UInt8(ascii: "l")
        else { return false }
        position += 4
        return true
    }

    /// An error at the current position.
    func error(_ reason: String) -> JSONScanError {
        JSONScanError(offset: position, reason: reason)
    }

    // MARK: - Strings

    /// Reads a string token; returns the range of its raw content (between the quotes) and whether it has escapes.
    ///
    /// A byte other than `"` and `\` starts a run that ``JSONPlainRun`` crosses eight bytes at a time.
    mutating func readStringToken() throws(JSONScanError) -> (content: Range<Int>, hasEscapes: Bool) {
        try expect(UInt8(ascii: "\""))
        let start = position
        var hasEscapes = false
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let content = start..<position
                position += 1
                return (content, hasEscapes)
            }
            if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                position += 2
            } else {
                position = JSONPlainRun.end(in: bytes, from: position + 1)
            }
        }
        throw error("unterminated string")
    }

    /// Reads a string value, decoding escapes.
    mutating func readString() throws(JSONScanError) -> String {
        let (content, hasEscapes) = try readStringToken()
        let raw = UnsafeRawBufferPointer(rebasing: bytes[content])
        if !hasEscapes {
            return String(decoding: raw, as: UTF8.self)
        }
        return try Self.unescape(raw, at: content.lowerBound)
    }

    /// Reads a string, or `null` as `nil`; any other value is skipped and gives `nil`.
    mutating func readOptionalString() throws(JSONScanError) -> String? {
        if peek() == UInt8(ascii: "\"") { return try readString() }
        try skipValue()
        return nil
    }

    /// Decodes the escapes of a string's raw content.
    private static func unescape(_ raw: UnsafeRawBufferPointer, at offset: Int) throws(JSONScanError) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(raw.count)
        var index = 0
        var pendingHighSurrogate: UInt32?
        while index < raw.count {
            let byte = raw[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < raw.count else {
                output.append(byte)
                index += 1
                continue
            }
            let escaped = raw[index + 1]
            index += 2
            switch escaped {
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "u"):
                guard index + 4 <= raw.count, let unit = hexValue(raw, from: index) else {
                    throw JSONScanError(offset: offset + index, reason: "bad \\u escape")
                }
                index += 4
                var scalarValue = unit
                if (0xD800...0xDBFF).contains(unit) {
                    pendingHighSurrogate = unit
                    continue
                }
                if (0xDC00...0xDFFF).contains(unit), let high = pendingHighSurrogate {
                    scalarValue = 0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00)
                }
                pendingHighSurrogate = nil
                let scalar = Unicode.Scalar(scalarValue) ?? "\u{FFFD}"
                output.append(contentsOf: String(Character(scalar)).utf8)
            default: output.append(escaped)  // \" \\ \/
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The value of four hex digits at `start`, or `nil`.
    private static func hexValue(_ raw: UnsafeRawBufferPointer, from start: Int) -> UInt32? {
        var value: UInt32 = 0
        for offset in 0..<4 {
            let byte = raw[start + offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    // MARK: - Numbers and booleans

    /// Reads a number as an integer (a fraction or exponent is dropped); `nil` (and the value skipped) when the
    /// value is not a number.
    mutating func readInteger() throws(JSONScanError) -> Int? {
        guard let first = peek(), first == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first)
        else {
            try skipValue()
            return nil
        }
        let negative = first == UInt8(ascii: "-")
        if negative { position += 1 }
        var value = 0
        while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
            let (multiplied, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (added, overflow2) = multiplied.addingReportingOverflow(Int(bytes[position] - UInt8(ascii: "0")))
            value = overflow1 || overflow2 ? Int.max : added
            position += 1
        }
        skipScalarTail()
        return negative ? -value : value
    }

    /// Reads `true`/`false`; `nil` (and the value skipped) for anything else.
    mutating func readBool() throws(JSONScanError) -> Bool? {
        switch peek() {
        case UInt8(ascii: "t"):
            try skipValue()
            return true
        case UInt8(ascii: "f"):
            try skipValue()
            return false
        default:
            try skipValue()
            return nil
        }
    }

    /// Skips the rest of a literal or number (up to a delimiter).
    private mutating func skipScalarTail() {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D: return
            default: position += 1
            }
        }
    }

    // MARK: - Structure

    /// Skips one value of any type without decoding it.
    mutating func skipValue() throws(JSONScanError) {
        guard let first = peek() else { throw error("unexpected end") }
        switch first {
        case UInt8(ascii: "\""):
            _ = try readStringToken()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            try skipContainer()
        case UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: ","), UInt8(ascii: ":"):
            throw error("expected a value")
        default:
            skipScalarTail()
        }
    }

    /// Skips an object or array by depth counting, stepping over strings.
    private mutating func skipContainer() throws(JSONScanError) {
        var depth = 0
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                _ = try readStringToken()
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 {
                    position += 1
                    return
                }
            default:
                break
            }
            position += 1
        }
        throw error("unterminated object or array")
    }

    /// Reads an object, calling `member` with each key; `member` must consume the value (or call ``skipValue()``).
    mutating func readObject(
        _ member: (inout JSONScanner, JSONKey) throws(JSONScanError) -> Void
    ) throws(JSONScanError) {
        try expect(UInt8(ascii: "{"))
        if peek() == UInt8(ascii: "}") {
            position += 1
            return
        }
        while true {
            let (content, _) = try readStringToken()
            try expect(UInt8(ascii: ":"))
            try member(&self, JSONKey(bytes: UnsafeRawBufferPointer(rebasing: bytes[content])))
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                return
            default: throw error("expected ',' or '}'")
            }
        }
    }

    /// Reads an array, calling `element` for each element; `element` must consume it.
    mutating func readArray(_ element: (inout JSONScanner) throws(JSONScanError) -> Void) throws(JSONScanError) {
        try expect(UInt8(ascii: "["))
        if peek() == UInt8(ascii: "]") {
            position += 1
            return
        }
        while true {
            try element(&self)
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"):
                position += 1
                return
            default: throw error("expected ',' or ']'")
            }
        }
    }
}

/// An object key as raw bytes (escapes not decoded: Kuzzle's keys never use them).
struct JSONKey {
    /// The key's raw bytes, borrowed from the scanner.
    let bytes: UnsafeRawBufferPointer

    /// Whether the key is exactly `name`.
    func `is`(_ name: StaticString) -> Bool {
        guard bytes.count == name.utf8CodeUnitCount else { return false }
        let expected = UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        return bytes.elementsEqual(expected)
    }

    /// The key as a string.
    var string: String { String(decoding: bytes, as: UTF8.self) }
}
