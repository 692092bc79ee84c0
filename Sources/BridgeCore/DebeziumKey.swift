import JSONScan

/// The id rule of Debezium topics (debezium.md §3): a record key → a Kuzzle document id, injective over the keys of
/// one table.
///
/// - A `{"schema","payload"}` wrapper (exactly those two members) is stripped; `schema.fields` then gives the order
///   of an object key's fields, else their document order is used.
/// - A scalar key is one component; an object key gives one component per field (or per
///   ``DebeziumRouting/idFields``, in that order).
/// - A component is rendered from its JSON token, never through a double: a string's decoded text, a number exactly
///   as written (`9007199254740993` stays exact), `true`/`false`. A null, object or array component has no id.
/// - One component is the id as is; several are each escaped (`%` → `%25`, every character of the separator →
///   its UTF-8 bytes as `%XX`, so `|` → `%7C`) and joined by the separator. No escaped component contains a
///   separator character, so the join can be split back: distinct tuples give distinct ids.
/// - An id must be 1 to 512 bytes of UTF-8.
public enum DebeziumKey {
    /// Why a key gives no id.
    public struct Problem: Error, Sendable, Equatable {
        /// The key part at fault: `key`, or `key.<field>`.
        public var field: String
        /// A sentence for the operator.
        public var reason: String
    }

    /// A key field: its name (nil for a scalar key) and the position of its value's token.
    private struct Component {
        var name: String?
        var value: Range<Int>
    }

    /// The document id the key gives.
    ///
    /// - Parameters:
    ///   - key: The record's key (`nil` for none).
    ///   - start: Where the JSON starts in `key` (after a framing prefix).
    ///   - settings: The topic's id fields and separator.
    ///   - maximumDepth: The deepest nesting accepted.
    /// - Throws: A ``Problem`` naming the key field at fault.
    public static func documentID(
        key: [UInt8]?,
        from start: Int = 0,
        settings: DebeziumRouting,
        maximumDepth: Int = 128
    ) throws(Problem) -> String {
        guard let key, start < key.count else {
            throw Problem(field: "key", reason: "the record has no key: a table without a primary key gives no id")
        }
        let result = key.withUnsafeBytes { buffer -> Result<String, Problem> in
            var scanner = JSONScanner(buffer, mode: .validating(maximumDepth: maximumDepth))
            scanner.position = start
            do throws(Problem) {
                return .success(try documentID(&scanner, settings: settings))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private static func documentID(_ scanner: inout JSONScanner, settings: DebeziumRouting) throws(Problem) -> String {
        scanner.skipWhitespace()
        let top = try valueRange(&scanner)
        guard scanner.isAtEnd() else { throw Problem(field: "key", reason: "unexpected data after the key's JSON") }
        var components = try self.components(of: top, scanner: &scanner)
        var schemaOrder: [String]?
        if components.count == 2,
            let schema = components.first(where: { $0.name == "schema" })?.value,
            let payload = components.first(where: { $0.name == "payload" })?.value
        {
            schemaOrder = fieldNames(inSchema: schema, scanner: &scanner)
            components = try self.components(of: payload, scanner: &scanner)
        }
        components = try ordered(components, settings: settings, schemaOrder: schemaOrder)
        let id: String
        if components.count == 1 {
            id = try render(components[0], scanner: scanner)
        } else {
            var joined = ""
            for (position, component) in components.enumerated() {
                if position > 0 { joined += settings.idSeparator }
                joined += escape(try render(component, scanner: scanner), separator: settings.idSeparator)
            }
            id = joined
        }
        if let problem = DocumentRules.problemWithID(byteCount: id.utf8.count) {
            throw Problem(field: "key", reason: "the document id derived from the key \(problem)")
        }
        return id
    }

    /// Validates the value at the scanner's position and returns its range.
    private static func valueRange(_ scanner: inout JSONScanner) throws(Problem) -> Range<Int> {
        scanner.skipWhitespace()
        let start = scanner.position
        do {
            try scanner.skipValue()
        } catch {
            throw Problem(field: "key", reason: "the key is not valid JSON: \(error.reason) at byte \(error.position)")
        }
        return start..<scanner.position
    }

    /// The components of an (already validated) key value: its members for an object, itself for a scalar.
    private static func components(of range: Range<Int>, scanner: inout JSONScanner) throws(Problem) -> [Component] {
        let first = scanner.bytes[range.lowerBound]
        if first == UInt8(ascii: "n") {
            throw Problem(field: "key", reason: "the key is null: a table without a primary key gives no id")
        }
        guard first == UInt8(ascii: "{") else { return [Component(name: nil, value: range)] }
        var members: [Component] = []
        let saved = scanner.position
        defer { scanner.position = saved }
        scanner.position = range.lowerBound
        do throws(JSONScanError) {
            try scanner.readObject { scanner, key throws(JSONScanError) in
                scanner.skipWhitespace()
                let start = scanner.position
                try scanner.skipValue()
                members.append(Component(name: key.string, value: start..<scanner.position))
            }
        } catch {
            throw Problem(field: "key", reason: "the key is not valid JSON: \(error.reason)")
        }
        guard !members.isEmpty else { throw Problem(field: "key", reason: "the key is an empty object") }
        return members
    }

    /// The `field` names of `schema.fields`, in order, or `nil` when the schema has none.
    private static func fieldNames(inSchema range: Range<Int>, scanner: inout JSONScanner) -> [String]? {
        guard scanner.bytes[range.lowerBound] == UInt8(ascii: "{") else { return nil }
        let saved = scanner.position
        defer { scanner.position = saved }
        scanner.position = range.lowerBound
        var names: [String]?
        try? scanner.readObject { scanner, key throws(JSONScanError) in
            guard key.is("fields"), scanner.peek() == UInt8(ascii: "[") else {
                try scanner.skipValue()
                return
            }
            var found: [String] = []
            try scanner.readArray { scanner throws(JSONScanError) in
                guard scanner.peek() == UInt8(ascii: "{") else {
                    try scanner.skipValue()
                    return
                }
                try scanner.readObject { scanner, key throws(JSONScanError) in
                    if key.is("field"), let name = try scanner.readOptionalString() {
                        found.append(name)
                    } else {
                        try scanner.skipValue()
                    }
                }
            }
            names = found
        }
        return names
    }

    /// The components the id is made of, in the id's order.
    private static func ordered(
        _ components: [Component],
        settings: DebeziumRouting,
        schemaOrder: [String]?
    ) throws(Problem) -> [Component] {
        if !settings.idFields.isEmpty {
            var picked: [Component] = []
            for field in settings.idFields {
                let matches = components.filter { $0.name.map { $0.utf8.elementsEqual(field.utf8) } ?? false }
                guard let match = matches.first else {
                    throw Problem(
                        field: "key.\(field)",
                        reason: "the key has no field \"\(field)\" (debezium.id_fields)"
                    )
                }
                guard matches.count == 1 else {
                    throw Problem(field: "key.\(field)", reason: "the key has the field \"\(field)\" twice")
                }
                picked.append(match)
            }
            return picked
        }
        guard let schemaOrder, components.count > 1 else { return components }
        func rank(_ component: Component) -> Int {
            guard let name = component.name else { return Int.max }
            return schemaOrder.firstIndex { $0.utf8.elementsEqual(name.utf8) } ?? Int.max
        }
        return components.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }
            .map(\.element)
    }

    /// A component's text, from its JSON token.
    private static func render(_ component: Component, scanner: JSONScanner) throws(Problem) -> String {
        let field = component.name.map { "key.\($0)" } ?? "key"
        let range = component.value
        switch scanner.bytes[range.lowerBound] {
        case UInt8(ascii: "\""):
            let token = JSONStringToken(
                content: (range.lowerBound + 1)..<(range.upperBound - 1),
                hasEscapes: scanner.bytes[(range.lowerBound + 1)..<(range.upperBound - 1)].contains(
                    UInt8(ascii: "\\")
                )
            )
            do {
                return try scanner.decodeString(token)
            } catch {
                throw Problem(field: field, reason: "the key's string has an unpaired surrogate escape")
            }
        case UInt8(ascii: "n"):
            throw Problem(field: field, reason: "a null key field gives no id")
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            throw Problem(field: field, reason: "an object or array key field gives no id")
        default:
            // A number or a boolean: its text exactly as written.
            return String(decoding: UnsafeRawBufferPointer(rebasing: scanner.bytes[range]), as: UTF8.self)
        }
    }

    /// `text` with `%` and every character of `separator` percent-encoded (their UTF-8 bytes as `%XX`).
    static func escape(_ text: String, separator: String) -> String {
        let scalars = text.unicodeScalars
        guard scalars.contains(where: { $0 == "%" || separator.unicodeScalars.contains($0) }) else { return text }
        var escaped = String.UnicodeScalarView()
        let hex = Array("0123456789ABCDEF".unicodeScalars)
        for scalar in scalars {
            guard scalar == "%" || separator.unicodeScalars.contains(scalar) else {
                escaped.append(scalar)
                continue
            }
            for byte in String(scalar).utf8 {
                escaped.append("%")
                escaped.append(hex[Int(byte >> 4)])
                escaped.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(escaped)
    }
}
