extension JSONScanner {
    // MARK: - Skipping values

    /// Moves past one value (after whitespace): validated in ``Mode/validating(maximumDepth:)`` (its containers
    /// nested below ``depth``), crossed by bracket counting in ``Mode/skipping``.
    @inlinable
    public mutating func skipValue() throws(JSONScanError) {
        skipWhitespace()
        if validates {
            try validateValue(depth: depth)
        } else {
            try skipTrustedValue()
        }
    }

    /// Moves past the value of the member `name` (after whitespace), like ``skipValue()``; when validating with
    /// ``watchesScriptKeys``, a `script`/`_script` member's value is checked as Kuzzle's bulk:import does.
    @inlinable
    public mutating func skipValue(ofMember name: JSONStringToken) throws(JSONScanError) {
        skipWhitespace()
        if validates, watchesScriptKeys, let scriptName = scriptKeyName(name) {
            try validateScriptValue(of: scriptName, keyAt: name.content.lowerBound - 1, depth: depth)
        } else {
            try skipValue()
        }
    }

    // MARK: Trusted input

    @inlinable
    mutating func skipTrustedValue() throws(JSONScanError) {
        guard let first = current else { throw error("expected a value") }
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
    @inlinable
    mutating func skipContainer() throws(JSONScanError) {
        var nesting = 0
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "\""):
                _ = try readStringToken()
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                nesting += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                nesting -= 1
                if nesting == 0 {
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

    /// Skips the rest of a literal or number (up to a delimiter), unchecked.
    @inlinable
    mutating func skipScalarTail() {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D: return
            default: position += 1
            }
        }
    }

    // MARK: Untrusted input

    /// Moves past one value starting at ``position`` (no leading whitespace), validating it.
    /// - Parameter depth: The nesting depth of the value's container (0 at the top level).
    @inlinable
    mutating func validateValue(depth: Int) throws(JSONScanError) {
        guard let byte = current else { throw error("expected a value") }
        switch byte {
        case UInt8(ascii: "{"): _ = try validateObject(depth: depth + 1, checkingScriptArguments: false)
        case UInt8(ascii: "["): try validateArray(depth: depth + 1)
        case UInt8(ascii: "\""): _ = try readStringToken()
        case UInt8(ascii: "t"): try validateLiteral("true")
        case UInt8(ascii: "f"): try validateLiteral("false")
        case UInt8(ascii: "n"): try validateLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try validateNumber()
        default: throw error("expected a value")
        }
    }

    /// Validates an object at ``position``.
    /// - Parameter checkingScriptArguments: The object is a `script` key's value: its keys must be `id` or `params`
    ///   and nothing inside it is watched (Kuzzle's `_scriptCheck` does not look inside an accepted script).
    /// - Returns: Whether, checking script arguments, a key other than `id` and `params` was found.
    @inlinable
    mutating func validateObject(depth: Int, checkingScriptArguments: Bool) throws(JSONScanError) -> Bool {
        guard depth <= maximumDepth else { throw error("nesting deeper than \(maximumDepth) levels") }
        var foreignArgument = false
        position += 1  // {
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return false
        }
        while true {
            guard current == UInt8(ascii: "\"") else { throw error("expected a member name") }
            let name = try readStringToken()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw error("expected ':'") }
            position += 1
            skipWhitespace()
            if checkingScriptArguments {
                if !content(of: name, equals: "id") && !content(of: name, equals: "params") { foreignArgument = true }
                try validateValue(depth: depth)
            } else if watchesScriptKeys, let scriptName = scriptKeyName(name) {
                try validateScriptValue(of: scriptName, keyAt: name.content.lowerBound - 1, depth: depth)
            } else {
                try validateValue(depth: depth)
            }
            skipWhitespace()
            guard let next = current else { throw error("unterminated object") }
            position += 1
            if next == UInt8(ascii: "}") { return foreignArgument }
            guard next == UInt8(ascii: ",") else {
                position -= 1
                throw error("expected ',' or '}'")
            }
            skipWhitespace()
        }
    }

    @inlinable
    mutating func validateArray(depth: Int) throws(JSONScanError) {
        guard depth <= maximumDepth else { throw error("nesting deeper than \(maximumDepth) levels") }
        position += 1  // [
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            position += 1
            return
        }
        while true {
            try validateValue(depth: depth)
            skipWhitespace()
            guard let next = current else { throw error("unterminated array") }
            position += 1
            if next == UInt8(ascii: "]") { return }
            guard next == UInt8(ascii: ",") else {
                position -= 1
                throw error("expected ',' or ']'")
            }
            skipWhitespace()
        }
    }

    @inlinable
    mutating func validateLiteral(_ literal: StaticString) throws(JSONScanError) {
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

    @inlinable
    mutating func skipDigits() {
        while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { position += 1 }
    }

    /// Validates a number at ``position`` (RFC 8259 grammar).
    @inlinable
    mutating func validateNumber() throws(JSONScanError) {
        if current == UInt8(ascii: "-") { position += 1 }
        guard let first = current, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else {
            throw error("invalid number")
        }
        position += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if current == UInt8(ascii: ".") {
            position += 1
            guard let digit = current, digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else {
                throw error("invalid number: expected a digit after '.'")
            }
            skipDigits()
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard let digit = current, digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else {
                throw error("invalid number: expected a digit in the exponent")
            }
            skipDigits()
        }
    }

    // MARK: Script keys

    /// `script` or `_script` when `name` (escapes decoded) is one of them. Most keys are ruled out by their length.
    @inlinable
    func scriptKeyName(_ name: JSONStringToken) -> String? {
        guard name.hasEscapes || name.content.count == 6 || name.content.count == 7 else { return nil }
        if content(of: name, equals: "script") { return "script" }
        if content(of: name, equals: "_script") { return "_script" }
        return nil
    }

    /// Validates the value of a script key at ``position`` and records it in ``scriptKey`` (the first one only) when
    /// Kuzzle would refuse it: `null`; a non-empty string or array (`Object.keys` gives `0`, `1`, …); an object with
    /// a key other than `id` and `params`. Numbers, booleans, `""`, `[]` and `{}` have no such key and pass.
    @inlinable
    mutating func validateScriptValue(of name: String, keyAt keyPosition: Int, depth: Int) throws(JSONScanError) {
        let start = position
        let refused: Bool
        switch current ?? 0 {
        case UInt8(ascii: "n"):
            try validateValue(depth: depth)
            refused = true
        case UInt8(ascii: "\""):
            let token = try readStringToken()
            refused = !token.content.isEmpty
        case UInt8(ascii: "["):
            position += 1
            skipWhitespace()
            refused = current != UInt8(ascii: "]")
            position = start
            let watching = watchesScriptKeys
            watchesScriptKeys = false
            defer { watchesScriptKeys = watching }
            try validateValue(depth: depth)
        case UInt8(ascii: "{"):
            let watching = watchesScriptKeys
            watchesScriptKeys = false
            defer { watchesScriptKeys = watching }
            refused = try validateObject(depth: depth + 1, checkingScriptArguments: true)
        default:
            try validateValue(depth: depth)
            refused = false
        }
        if refused, scriptKey == nil {
            scriptKey = JSONScriptKey(name: name, position: keyPosition, valueIsNull: bytes[start] == UInt8(ascii: "n"))
        }
    }
}
