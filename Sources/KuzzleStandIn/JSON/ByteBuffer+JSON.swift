import NIOCore

/// Helpers to write JSON straight into a response buffer, without an intermediate encoder.
extension ByteBuffer {
    /// Writes `value` as a JSON string literal, escaping only what JSON requires.
    mutating func writeJSONString(_ value: String) {
        writeInteger(UInt8(ascii: "\""))
        var needsEscaping = false
        for byte in value.utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            needsEscaping = true
            break
        }
        if !needsEscaping {
            writeString(value)
        } else {
            for byte in value.utf8 {
                switch byte {
                case UInt8(ascii: "\""): writeStaticString("\\\"")
                case UInt8(ascii: "\\"): writeStaticString("\\\\")
                case 0x0A: writeStaticString("\\n")
                case 0x0D: writeStaticString("\\r")
                case 0x09: writeStaticString("\\t")
                case 0..<0x20:
                    writeStaticString("\\u00")
                    let digits: [UInt8] = Array("0123456789abcdef".utf8)
                    writeInteger(digits[Int(byte >> 4)])
                    writeInteger(digits[Int(byte & 0x0F)])
                default: writeInteger(byte)
                }
            }
        }
        writeInteger(UInt8(ascii: "\""))
    }

    /// Writes `"key":` (the key is escaped).
    mutating func writeJSONKey(_ key: String) {
        writeJSONString(key)
        writeInteger(UInt8(ascii: ":"))
    }

    /// Writes an integer as a JSON number.
    mutating func writeJSONNumber(_ value: Int) {
        writeString(String(value))
    }

    /// Writes an optional string as a JSON string or `null`.
    mutating func writeJSONStringOrNull(_ value: String?) {
        if let value {
            writeJSONString(value)
        } else {
            writeStaticString("null")
        }
    }

    /// Writes a ``JSONFragment`` as-is.
    mutating func writeJSON(_ fragment: JSONFragment) {
        fragment.write(into: &self)
    }
}

/// A piece of JSON to write into a response: raw bytes from a request, or a small built value.
///
/// Results are composed from fragments so that document bodies go back out as the bytes that came in.
indirect enum JSONFragment: Sendable {
    case raw(ArraySlice<UInt8>)
    case string(String)
    case int(Int)
    case bool(Bool)
    case null
    /// An object with members in the given order.
    case object([(String, JSONFragment)])
    case array([JSONFragment])

    /// The raw bytes of a parsed value.
    static func value(_ json: RawJSON) -> JSONFragment { .raw(json.bytes) }

    /// Writes the fragment into `buffer`.
    func write(into buffer: inout ByteBuffer) {
        switch self {
        case .raw(let bytes): buffer.writeBytes(bytes)
        case .string(let value): buffer.writeJSONString(value)
        case .int(let value): buffer.writeJSONNumber(value)
        case .bool(let value): buffer.writeStaticString(value ? "true" : "false")
        case .null: buffer.writeStaticString("null")
        case .object(let members):
            buffer.writeInteger(UInt8(ascii: "{"))
            for (position, member) in members.enumerated() {
                if position > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                buffer.writeJSONKey(member.0)
                member.1.write(into: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "}"))
        case .array(let elements):
            buffer.writeInteger(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                element.write(into: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "]"))
        }
    }

    /// The fragment serialised as bytes.
    var bytes: [UInt8] {
        var buffer = ByteBuffer()
        write(into: &buffer)
        return Array(buffer.readableBytesView)
    }
}
