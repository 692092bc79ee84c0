import NIOCore

/// Builds bulk request bodies in one pass, splicing each operation's body bytes in unchanged, and computes their
/// exact sizes beforehand so a batch accumulator can respect ``KuzzleClientConfiguration/maximumRequestBytes``.
///
/// Shapes (kuzzle-api.md §4.1, §4.2, §4.3):
/// - bulk:mWrite, document:mCreateOrReplace, mCreate, mUpdate: `{"documents":[{"_id":"<id>","body":<body>},…]}`
/// - document:mDelete: `{"ids":["<id>",…]}`
/// - bulk:import: `{"bulkData":[{"<action>":{"_id":"<id>"}},<body>,…]}` where the body line is absent for delete
///   and is `{"doc":<body>}` for update, whose action line carries `,"retry_on_conflict":<n>` when n > 0; a fenced
///   `index` or `delete` action line carries `,"version":<n>,"version_type":"external"`.
///
/// Size rule: for a batch of n ≥ 1 operations the body has exactly
/// `fixedOverhead(route:) + Σ encodedSize(of: operation, route:)` bytes (each operation counts one separating comma,
/// and the fixed overhead is one byte short of the empty envelope to compensate).
public enum KuzzleRequestBody {
    /// Bytes of the envelope around the operations, minus one (see the size rule).
    public static func fixedOverhead(route: KuzzleBulkRoute) -> Int {
        prefix(route).utf8CodeUnitCount + suffix.utf8CodeUnitCount - 1
    }

    /// Bytes one operation adds to a body of `route`, including one separating comma.
    ///
    /// Constant overhead per document plus the escaped id and the body; O(id length).
    @inline(__always)
    public static func encodedSize(of operation: borrowing KuzzleBulkOperation, route: KuzzleBulkRoute) -> Int {
        encodedSize(of: operation, route: route, escapedIDBytes: escapedLength(of: operation.id))
    }

    /// The bytes `,"retry_on_conflict":<n>` adds to an update's action line (none for 0).
    static func retryOnConflictBytes(_ count: Int) -> Int {
        guard count > 0 else { return 0 }
        return 21 + (count >= 100 ? 3 : count >= 10 ? 2 : 1)
    }

    /// The bytes `,"version":<n>,"version_type":"external"` adds to a fenced action line (none for `nil`).
    static func externalVersionBytes(_ version: Int64?) -> Int {
        guard let version else { return 0 }
        return 37 + decimalDigits(version)
    }

    /// The number of decimal digits of a non-negative number.
    private static func decimalDigits(_ value: Int64) -> Int {
        var digits = 1
        var rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        return digits
    }

    /// The larger of the bytes `operation` adds to a bulk:import body and, when it can go there (action `index`),
    /// to a bulk:mWrite body: what a batch accumulator must reserve before it knows the batch's route. Escapes the
    /// id once. An update reserves room for the largest `retry_on_conflict`; a fenced line counts its version.
    public static func largestEncodedSize(of operation: KuzzleBulkOperation) -> Int {
        largestEncodedSize(
            id: operation.id,
            action: operation.action,
            bodyBytes: operation.body?.count,
            externalVersion: operation.externalVersion
        )
    }

    /// ``largestEncodedSize(of:)`` for an operation given by its parts (`bodyBytes` is `nil` without a body), so a
    /// caller need not build the operation (and retain its id and body) just to size it. `externalVersion` counts only
    /// for `index` and `delete`, the lines that carry one.
    public static func largestEncodedSize(
        id: String,
        action: KuzzleBulkAction,
        bodyBytes: Int?,
        externalVersion: Int64? = nil
    ) -> Int {
        let idBytes = escapedLength(of: id)
        let importSize = encodedSize(
            action: action,
            bodyBytes: bodyBytes,
            route: .importBulk,
            escapedIDBytes: idBytes,
            retryOnConflict: action == .update ? KuzzleBulkOperation.maximumRetryOnConflict : 0,
            externalVersion: action == .index || action == .delete
                ? externalVersion.map { min(max(0, $0), KuzzleBulkOperation.maximumExternalVersion) } : nil
        )
        guard action == .index else { return importSize }
        return max(
            importSize,
            encodedSize(action: action, bodyBytes: bodyBytes, route: .mWrite, escapedIDBytes: idBytes)
        )
    }

    @inline(__always)
    private static func encodedSize(
        of operation: borrowing KuzzleBulkOperation,
        route: KuzzleBulkRoute,
        escapedIDBytes idBytes: Int
    ) -> Int {
        encodedSize(
            action: operation.action,
            bodyBytes: operation.body?.count,
            route: route,
            escapedIDBytes: idBytes,
            retryOnConflict: operation.retryOnConflict,
            externalVersion: operation.externalVersion
        )
    }

    private static func encodedSize(
        action: KuzzleBulkAction,
        bodyBytes: Int?,
        route: KuzzleBulkRoute,
        escapedIDBytes idBytes: Int,
        retryOnConflict: Int = 0,
        externalVersion: Int64? = nil
    ) -> Int {
        let bodyBytes = bodyBytes ?? 4  // a missing body is written as null
        switch route {
        case .mDelete:
            // ,"<id>"
            return 1 + 2 + idBytes
        case .mWrite, .mCreateOrReplace, .mCreate, .mUpdate:
            // ,{"_id":"<id>","body":<body>}
            return 1 + 8 + idBytes + 9 + bodyBytes + 1
        case .importBulk:
            // ,{"<action>":{"_id":"<id>"}}  then  ,<body>  or  ,{"doc":<body>}
            let actionLine =
                1 + 2 + action.rawValue.utf8.count + 10 + idBytes + 3 + externalVersionBytes(externalVersion)
            switch action {
            case .delete: return actionLine
            case .update: return actionLine + retryOnConflictBytes(retryOnConflict) + 8 + bodyBytes + 1
            case .index, .create: return actionLine + 1 + bodyBytes
            }
        }
    }

    /// The exact size of the body ``write(_:route:into:)`` produces for `operations`.
    public static func encodedSize(
        of operations: some Sequence<KuzzleBulkOperation>,
        route: KuzzleBulkRoute
    ) -> Int {
        var total = fixedOverhead(route: route)
        var count = 0
        for operation in operations {
            total += encodedSize(of: operation, route: route)
            count += 1
        }
        return count == 0 ? total + 1 : total
    }

    /// Builds the body for `operations` into a new buffer of exactly the right capacity.
    public static func make(
        _ operations: some Collection<KuzzleBulkOperation>,
        route: KuzzleBulkRoute,
        allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: encodedSize(of: operations, route: route))
        write(operations, route: route, into: &buffer)
        return buffer
    }

    /// Appends the body for `operations` to `buffer`.
    ///
    /// - Important: Bodies are written as given; the caller guarantees each is one valid JSON object. For
    ///   bulk:mWrite every operation is written as create-or-replace whatever its action (``KuzzleClient``
    ///   refuses other actions before calling this).
    public static func write(
        _ operations: some Sequence<KuzzleBulkOperation>,
        route: KuzzleBulkRoute,
        into buffer: inout ByteBuffer
    ) {
        buffer.writeStaticString(prefix(route))
        var first = true
        for operation in operations {
            if !first { buffer.writeInteger(UInt8(ascii: ",")) }
            first = false
            write(operation, route: route, into: &buffer)
        }
        buffer.writeStaticString(suffix)
    }

    /// ``make(_:route:allocator:)`` for an array, reading each operation in place: iterating a sequence copies every
    /// operation (retaining and releasing its id and body), which the client's per-document path avoids.
    static func make(contiguous operations: [KuzzleBulkOperation], route: KuzzleBulkRoute) -> ByteBuffer {
        operations.withUnsafeBufferPointer { operations in
            var size = fixedOverhead(route: route)
            for index in operations.indices { size += encodedSize(of: operations[index], route: route) }
            var buffer = ByteBufferAllocator().buffer(capacity: operations.isEmpty ? size + 1 : size)
            buffer.writeStaticString(prefix(route))
            for index in operations.indices {
                if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                write(operations[index], route: route, into: &buffer)
            }
            buffer.writeStaticString(suffix)
            return buffer
        }
    }

    /// Appends one operation (without its separating comma). Always inlined: a call copied the operation read from the
    /// buffer (a retain and a release of its id and body per document).
    @inline(__always)
    private static func write(
        _ operation: borrowing KuzzleBulkOperation,
        route: KuzzleBulkRoute,
        into buffer: inout ByteBuffer
    ) {
        switch route {
        case .mDelete:
            buffer.writeInteger(UInt8(ascii: "\""))
            writeEscaped(operation.id, into: &buffer)
            buffer.writeInteger(UInt8(ascii: "\""))
        case .mWrite, .mCreateOrReplace, .mCreate, .mUpdate:
            buffer.writeStaticString("{\"_id\":\"")
            writeEscaped(operation.id, into: &buffer)
            buffer.writeStaticString("\",\"body\":")
            writeBody(operation.body, into: &buffer)
            buffer.writeInteger(UInt8(ascii: "}"))
        case .importBulk:
            buffer.writeStaticString("{\"")
            buffer.writeStaticString(actionName(operation.action))
            buffer.writeStaticString("\":{\"_id\":\"")
            writeEscaped(operation.id, into: &buffer)
            if operation.action == .update && operation.retryOnConflict > 0 {
                buffer.writeStaticString("\",\"retry_on_conflict\":")
                buffer.writeString(String(operation.retryOnConflict))
                buffer.writeStaticString("}}")
            } else if let version = operation.externalVersion {
                buffer.writeStaticString("\",\"version\":")
                writeDecimal(version, into: &buffer)
                buffer.writeStaticString(",\"version_type\":\"external\"}}")
            } else {
                buffer.writeStaticString("\"}}")
            }
            switch operation.action {
            case .delete:
                break
            case .update:
                buffer.writeStaticString(",{\"doc\":")
                writeBody(operation.body, into: &buffer)
                buffer.writeInteger(UInt8(ascii: "}"))
            case .index, .create:
                buffer.writeInteger(UInt8(ascii: ","))
                writeBody(operation.body, into: &buffer)
            }
        }
    }

    // MARK: - JSON string escaping

    /// The length of `string` once JSON-escaped (without quotes): `"` and `\` take 2 bytes, control characters
    /// 2 (`\n`, `\r`, `\t`, `\b`, `\f`) or 6 (`\u00XX`), everything else (UTF-8 included) is copied.
    public static func escapedLength(of string: String) -> Int {
        var length = 0
        for byte in string.utf8 {
            length += escapedWidth(byte)
        }
        return length
    }

    /// Appends `string` JSON-escaped (without quotes).
    static func writeEscaped(_ string: String, into buffer: inout ByteBuffer) {
        var needsEscaping = false
        for byte in string.utf8 where escapedWidth(byte) != 1 {
            needsEscaping = true
            break
        }
        guard needsEscaping else {
            buffer.writeString(string)
            return
        }
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case 0x0A: buffer.writeStaticString("\\n")
            case 0x0D: buffer.writeStaticString("\\r")
            case 0x09: buffer.writeStaticString("\\t")
            case 0x08: buffer.writeStaticString("\\b")
            case 0x0C: buffer.writeStaticString("\\f")
            case 0x00..<0x20:
                buffer.writeStaticString("\\u00")
                buffer.writeInteger(hexDigit(byte >> 4))
                buffer.writeInteger(hexDigit(byte & 0x0F))
            default: buffer.writeInteger(byte)
            }
        }
    }

    /// Bytes `byte` takes once escaped.
    @inline(__always)
    private static func escapedWidth(_ byte: UInt8) -> Int {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x0A, 0x0D, 0x09, 0x08, 0x0C: 2
        case 0x00..<0x20: 6
        default: 1
        }
    }

    /// Appends a non-negative number in decimal without allocating.
    private static func writeDecimal(_ value: Int64, into buffer: inout ByteBuffer) {
        let value = max(0, value)
        var divisor: Int64 = 1
        while divisor <= value / 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            buffer.writeInteger(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// A lowercase hex digit.
    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }

    // MARK: - Pieces

    /// Writes a body, or `null` when missing (never sent: the client refuses such operations first).
    private static func writeBody(_ body: ArraySlice<UInt8>?, into buffer: inout ByteBuffer) {
        if let body {
            buffer.writeBytes(body)
        } else {
            buffer.writeStaticString("null")
        }
    }

    /// The envelope's opening bytes.
    private static func prefix(_ route: KuzzleBulkRoute) -> StaticString {
        switch route {
        case .mWrite, .mCreateOrReplace, .mCreate, .mUpdate: "{\"documents\":["
        case .importBulk: "{\"bulkData\":["
        case .mDelete: "{\"ids\":["
        }
    }

    /// The envelope's closing bytes.
    private static let suffix: StaticString = "]}"

    /// An action's name as a static string.
    private static func actionName(_ action: KuzzleBulkAction) -> StaticString {
        switch action {
        case .index: "index"
        case .create: "create"
        case .update: "update"
        case .delete: "delete"
        }
    }
}
