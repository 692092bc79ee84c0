extension JSONScanner {
    // MARK: - Containers

    /// Reads an object (after whitespace), calling `member` with each key; `member` must consume the value (or call
    /// ``skipValue()``). ``depth`` counts the object while `member` runs.
    @inlinable
    public mutating func readObject(
        _ member: (inout JSONScanner, JSONKey) throws(JSONScanError) -> Void
    ) throws(JSONScanError) {
        try expect(UInt8(ascii: "{"))
        try enterContainer()
        defer { depth -= 1 }
        if peek() == UInt8(ascii: "}") {
            position += 1
            return
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw error("expected a member name") }
            let name = try readStringToken()
            try expect(UInt8(ascii: ":"))
            try member(&self, JSONKey(token: name, bytes: bytes))
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                return
            default: throw error("expected ',' or '}'")
            }
        }
    }

    /// Reads an array (after whitespace), calling `element` for each element; `element` must consume it.
    @inlinable
    public mutating func readArray(_ element: (inout JSONScanner) throws(JSONScanError) -> Void) throws(JSONScanError) {
        try expect(UInt8(ascii: "["))
        try enterContainer()
        defer { depth -= 1 }
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

    /// Counts one more level of nesting, refusing one past the limit when validating.
    @inlinable
    mutating func enterContainer() throws(JSONScanError) {
        guard depth < maximumDepth else {
            position -= 1
            throw error("nesting deeper than \(maximumDepth) levels")
        }
        depth += 1
    }

    // MARK: - Numbers and booleans

    /// Reads a number (after whitespace) as an integer (a fraction or exponent is dropped; beyond `Int` it saturates);
    /// `nil` (and the value skipped) when the value is not a number.
    @inlinable
    public mutating func readInteger() throws(JSONScanError) -> Int? {
        guard let first = peek(), first == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first)
        else {
            try skipValue()
            return nil
        }
        let start = position
        let negative = first == UInt8(ascii: "-")
        if negative { position += 1 }
        var value = 0
        while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
            let (multiplied, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (added, overflow2) = multiplied.addingReportingOverflow(Int(bytes[position] - UInt8(ascii: "0")))
            value = overflow1 || overflow2 ? Int.max : added
            position += 1
        }
        if validates {
            position = start
            try validateNumber()
        } else {
            skipScalarTail()
        }
        return negative ? -value : value
    }

    /// Reads `true`/`false` (after whitespace); `nil` (and the value skipped) for anything else.
    @inlinable
    public mutating func readBool() throws(JSONScanError) -> Bool? {
        let first = peek()
        try skipValue()
        switch first ?? 0 {
        case UInt8(ascii: "t"): return true
        case UInt8(ascii: "f"): return false
        default: return nil
        }
    }
}

/// An object key met by ``JSONScanner/readObject(_:)``, borrowed from the scanner's bytes.
public struct JSONKey {
    /// The key's string token.
    public let token: JSONStringToken
    /// The scanned bytes the token points into.
    @usableFromInline
    let bytes: UnsafeRawBufferPointer

    @inlinable
    init(token: JSONStringToken, bytes: UnsafeRawBufferPointer) {
        self.token = token
        self.bytes = bytes
    }

    /// The key's raw bytes (escapes not decoded).
    @inlinable
    public var rawBytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: bytes[token.content]) }

    /// Whether the key, escapes decoded, is exactly the ASCII `name`.
    @inlinable
    public func `is`(_ name: StaticString) -> Bool {
        JSONScanner(bytes).content(of: token, equals: name)
    }

    /// The key as a string, escapes decoded (a malformed or lone surrogate escape becomes U+FFFD).
    @inlinable
    public var string: String {
        (try? JSONScanner(bytes).decodeString(token, replacingLoneSurrogates: true))
            ?? String(decoding: rawBytes, as: UTF8.self)
    }
}
