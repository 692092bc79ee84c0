/// A problem found by ``JSONScanner``: what is wrong and at which byte.
public struct JSONScanError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, as a short phrase ("unterminated string").
    public var reason: String
    /// The byte position in the scanned buffer.
    public var position: Int

    /// Creates an error.
    @inlinable
    public init(reason: String, position: Int) {
        self.reason = reason
        self.position = position
    }

    /// `invalid JSON at byte N: reason`.
    @inlinable
    public var description: String { "invalid JSON at byte \(position): \(reason)" }
}

/// A JSON string as found in the input: where its content lies (between the quotes) and whether it has escapes.
public struct JSONStringToken: Sendable, Hashable {
    /// The positions of the string's content, quotes excluded.
    public var content: Range<Int>
    /// Whether the content contains a backslash escape (then it must be decoded, not just copied).
    public var hasEscapes: Bool

    /// Creates a token.
    @inlinable
    public init(content: Range<Int>, hasEscapes: Bool) {
        self.content = content
        self.hasEscapes = hasEscapes
    }
}

/// The one JSON reader of the bridge: a forward-only, non-allocating scanner over borrowed bytes (RFC 8259).
///
/// It never builds values; it moves ``position`` past them and decodes only the short strings and numbers it is
/// asked for. It has two modes, chosen when it is made:
/// - ``Mode/validating(maximumDepth:)`` for untrusted input (Kafka event values, where one malformed document would
///   fail a whole Kuzzle request): every value it steps over is checked — strings (escapes, control characters,
///   UTF-8 well-formedness), numbers, literals, nesting up to a depth limit. It can also watch the `script` and
///   `_script` keys that make Kuzzle's bulk:import refuse a request (``watchesScriptKeys``).
/// - ``Mode/skipping`` for Kuzzle's answers (trusted, and mostly `_source` echoes the client never reads): values
///   are crossed by bracket counting, strings by looking for `"` and `\` only.
///
/// Both modes share the string fast path (``JSONPlainRun``: eight bytes at a time), the member and element loops,
/// escape decoding and error positions.
///
/// - Important: The scanner borrows `bytes`; it must not outlive the `withUnsafeBytes` call that made it.
public struct JSONScanner {
    /// How much the scanner checks.
    public enum Mode: Sendable, Equatable {
        /// Check everything stepped over; refuse nesting deeper than `maximumDepth` objects and arrays.
        case validating(maximumDepth: Int)
        /// Trust the input: cross values by bracket counting.
        case skipping
    }

    /// The bytes being scanned.
    public let bytes: UnsafeRawBufferPointer
    /// The position of the next byte to read.
    public var position: Int = 0
    /// Whether the scanner validates (``Mode/validating(maximumDepth:)``).
    public let validates: Bool
    /// The deepest nesting of objects and arrays accepted when validating.
    public let maximumDepth: Int
    /// The nesting depth of the container ``readObject(_:)``, ``readArray(_:)`` or the caller is in.
    public var depth = 0
    /// Whether a validating scan watches `script`/`_script` keys (see ``scriptKey``). Default: `false`.
    public var watchesScriptKeys = false
    /// The first `script`/`_script` key met while ``watchesScriptKeys`` whose value would make Kuzzle's bulk:import
    /// refuse the whole request, or `nil`.
    public var scriptKey: JSONScriptKey?

    /// Creates a scanner at the start of `bytes`.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer, mode: Mode = .skipping) {
        self.bytes = bytes
        switch mode {
        case .validating(let maximumDepth):
            validates = true
            self.maximumDepth = maximumDepth
        case .skipping:
            validates = false
            maximumDepth = Int.max
        }
    }

    // MARK: - Primitives

    /// The byte at ``position`` (no whitespace skipped), or `nil` at the end.
    @inlinable @inline(__always)
    public var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    /// Moves past JSON whitespace (space, tab, line feed, carriage return).
    @inlinable @inline(__always)
    public mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    /// The next non-whitespace byte, not consumed; `nil` at the end.
    @inlinable @inline(__always)
    public mutating func peek() -> UInt8? {
        skipWhitespace()
        return current
    }

    /// Whether only whitespace is left.
    @inlinable
    public mutating func isAtEnd() -> Bool {
        peek() == nil
    }

    /// Consumes `byte` after whitespace, or throws "expected '<byte>'".
    @inlinable @inline(__always)
    public mutating func expect(_ byte: UInt8) throws(JSONScanError) {
        guard peek() == byte else { throw expected(byte) }
        position += 1
    }

    /// The error ``expect(_:)`` throws, built out of line (the hot path only compares a byte).
    @usableFromInline @inline(never)
    func expected(_ byte: UInt8) -> JSONScanError {
        error("expected '\(Character(Unicode.Scalar(byte)))'")
    }

    /// Consumes `null` if it comes next (after whitespace).
    @inlinable
    public mutating func consumeNull() -> Bool {
        guard peek() == UInt8(ascii: "n"), position + 4 <= bytes.count,
            bytes[position + 1] == UInt8(ascii: "u"), bytes[position + 2] == UInt8(ascii: "l"),
            bytes[position + 3] == UInt8(ascii: "l")
        else { return false }
        position += 4
        return true
    }

    /// An error at the current position ("unexpected end of input, …" past the last byte).
    @inlinable
    public func error(_ reason: String) -> JSONScanError {
        JSONScanError(
            reason: position < bytes.count ? reason : "unexpected end of input, \(reason)",
            position: position
        )
    }
}

/// A `script` or `_script` key whose value makes Kuzzle's bulk:import refuse the whole request (kuzzle-api.md §4.2,
/// Elasticsearch service `_scriptCheck`: the value's `Object.keys` must all be `id` or `params`).
public struct JSONScriptKey: Sendable, Hashable {
    /// Whether the key is `_script` rather than `script` (a flag, not the name: the scanner that holds this value is
    /// copied by value in the routing scan, and a `String` field would cost a retain and a release per copy).
    @usableFromInline
    var isUnderscored: Bool
    /// The position of the key's opening quote.
    public var position: Int
    /// Whether the value is `null` (Kuzzle crashes with 500) rather than a value with other keys (400).
    public var valueIsNull: Bool

    /// The key as Kuzzle reads it: `script` or `_script`.
    public var name: String { isUnderscored ? "_script" : "script" }

    /// Creates a script key; `name` is `script` or `_script`.
    @inlinable
    public init(name: String, position: Int, valueIsNull: Bool) {
        self.isUnderscored = name == "_script"
        self.position = position
        self.valueIsNull = valueIsNull
    }
}
