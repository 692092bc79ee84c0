/// A JSON value located inside a validated byte buffer, read lazily and without copying.
///
/// The stand-in never decodes whole documents: it validates a request body once with
/// ``RawJSON/parse(_:)``, then walks only the few keys it needs (`documents`, `_id`, `body`…)
/// and stores document bodies as the exact bytes the client sent.
struct RawJSON: Sendable {
    /// The kind of a JSON value, read from its first byte.
    enum Kind: Sendable, Equatable {
        case object, array, string, number, bool, null
    }

    /// The whole buffer the value lives in (shared, never copied).
    let buffer: [UInt8]
    /// The bytes of this value inside ``buffer`` (no surrounding whitespace).
    let range: Range<Int>

    /// Validates `bytes` as one JSON document and returns its root value.
    /// - Throws: ``JSONSyntaxError`` naming the offset of the first problem.
    static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> RawJSON {
        let range = try bytes.withUnsafeBufferPointer { pointer throws(JSONSyntaxError) -> Range<Int> in
            var validator = JSONValidator(bytes: pointer)
            return try validator.validateDocument()
        }
        return RawJSON(buffer: bytes, range: range)
    }

    /// The value's kind.
    var kind: Kind {
        switch buffer[range.lowerBound] {
        case UInt8(ascii: "{"): .object
        case UInt8(ascii: "["): .array
        case UInt8(ascii: "\""): .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): .bool
        case UInt8(ascii: "n"): .null
        default: .number
        }
    }

    /// The raw bytes of the value, as sent.
    var bytes: ArraySlice<UInt8> { buffer[range] }

    /// The raw text of the value, as sent.
    var text: String { String(decoding: buffer[range], as: UTF8.self) }

    /// The decoded string if the value is a JSON string.
    var stringValue: String? {
        guard kind == .string else { return nil }
        return JSONStringDecoding.decode(buffer, range.lowerBound + 1..<range.upperBound - 1)
    }

    /// The boolean if the value is `true` or `false`.
    var boolValue: Bool? {
        guard kind == .bool else { return nil }
        return buffer[range.lowerBound] == UInt8(ascii: "t")
    }

    /// The number if the value is a JSON number.
    var doubleValue: Double? {
        guard kind == .number else { return nil }
        return Double(text)
    }

    /// Whether JavaScript would consider the value falsy (`null`, `false`, `0`, `""`).
    var isFalsy: Bool {
        switch kind {
        case .null: true
        case .bool: boolValue == false
        case .string: range.count == 2
        case .number: doubleValue == 0
        case .object, .array: false
        }
    }

    /// The members of an object, in order (empty for other kinds).
    func members() -> [(key: String, value: RawJSON)] {
        guard kind == .object else { return [] }
        return buffer.withUnsafeBufferPointer { pointer in
            var walker = JSONWalker(bytes: pointer, index: range.lowerBound + 1)
            var result: [(key: String, value: RawJSON)] = []
            walker.skipWhitespace()
            if walker.current == UInt8(ascii: "}") { return result }
            while true {
                walker.skipWhitespace()
                let keyRange = walker.skipValue()
                let key = JSONStringDecoding.decode(buffer, keyRange.lowerBound + 1..<keyRange.upperBound - 1)
                walker.skipWhitespace()
                walker.index += 1  // ':'
                walker.skipWhitespace()
                let valueRange = walker.skipValue()
                result.append((key, RawJSON(buffer: buffer, range: valueRange)))
                walker.skipWhitespace()
                if walker.current == UInt8(ascii: ",") {
                    walker.index += 1
                } else {
                    return result
                }
            }
        }
    }

    /// The value of the first member named `key`, if the value is an object that has it.
    subscript(key: String) -> RawJSON? {
        members().first { $0.key == key }?.value
    }

    /// The elements of an array, in order (empty for other kinds).
    func elements() -> [RawJSON] {
        guard kind == .array else { return [] }
        return buffer.withUnsafeBufferPointer { pointer in
            var walker = JSONWalker(bytes: pointer, index: range.lowerBound + 1)
            var result: [RawJSON] = []
            walker.skipWhitespace()
            if walker.current == UInt8(ascii: "]") { return result }
            while true {
                walker.skipWhitespace()
                result.append(RawJSON(buffer: buffer, range: walker.skipValue()))
                walker.skipWhitespace()
                if walker.current == UInt8(ascii: ",") {
                    walker.index += 1
                } else {
                    return result
                }
            }
        }
    }

    /// Whether the value contains, at any depth, an object key equal to one of `keys`.
    ///
    /// Used by bulk:import's script scan; a quick byte search rules most bodies out first.
    func containsKey(named keys: Set<String>) -> [RawJSON] {
        var found: [RawJSON] = []
        collectKeys(named: keys, into: &found)
        return found
    }

    private func collectKeys(named keys: Set<String>, into found: inout [RawJSON]) {
        switch kind {
        case .object:
            for member in members() {
                if keys.contains(member.key) { found.append(member.value) }
                member.value.collectKeys(named: keys, into: &found)
            }
        case .array:
            for element in elements() { element.collectKeys(named: keys, into: &found) }
        default:
            break
        }
    }
}

/// A JSON syntax error found while validating a request body.
struct JSONSyntaxError: Error, Sendable {
    /// Byte offset of the problem.
    let offset: Int
    /// What was expected.
    let reason: String
}

/// Moves over JSON that is already known to be valid, as fast as possible.
private struct JSONWalker {
    let bytes: UnsafeBufferPointer<UInt8>
    var index: Int

    var current: UInt8 { index < bytes.count ? bytes[index] : 0 }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// Skips one value starting at `index` and returns its range.
    mutating func skipValue() -> Range<Int> {
        let start = index
        switch bytes[index] {
        case UInt8(ascii: "\""):
            skipString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    skipString()
                    continue
                }
                if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                    depth += 1
                } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                    depth -= 1
                    if depth == 0 {
                        index += 1
                        return start..<index
                    }
                }
                index += 1
            }
        default:
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D:
                    return start..<index
                default:
                    index += 1
                }
            }
        }
        return start..<index
    }

    private mutating func skipString() {
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") {
                index += 2
            } else if byte == UInt8(ascii: "\"") {
                index += 1
                return
            } else {
                index += 1
            }
        }
    }
}
