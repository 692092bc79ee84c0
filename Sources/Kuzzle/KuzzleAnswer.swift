import JSONScan

/// The parts of a Kuzzle answer the client uses, read from either shape (kuzzle-api.md §3):
/// the envelope (`{"action",…,"error","result","status",…}`) or a bare error (`{"code","id","message","status"}`).
struct KuzzleAnswer<Result> {
    /// The envelope's or bare error's `status`.
    var status: Int?
    /// The serialized error, `nil` when `error` is null or absent.
    var error: KuzzleErrorBody?
    /// What the result reader returned, `nil` when `result` is null or absent.
    var result: Result?
    /// Whether the answer was a bare error (no envelope).
    var isBareError: Bool

    /// Parses `bytes`; `readResult` reads the `result` value when it is not null.
    ///
    /// Everything else (headers, volatile, `props`, `stack`, …) is skipped without being decoded.
    static func parse(
        _ bytes: UnsafeRawBufferPointer,
        readResult: (inout JSONScanner) throws(JSONScanError) -> Result
    ) throws(JSONScanError) -> KuzzleAnswer<Result> {
        var scanner = JSONScanner(bytes)
        var answer = KuzzleAnswer(status: nil, error: nil, result: nil, isBareError: false)
        var sawController = false
        var bare = KuzzleErrorBody()
        try scanner.readObject { (scanner, key) throws(JSONScanError) in
            if key.is("status") {
                answer.status = try scanner.readInteger()
            } else if key.is("error") {
                answer.error = scanner.consumeNull() ? nil : try KuzzleErrorBody.parse(&scanner)
            } else if key.is("result") {
                answer.result = scanner.consumeNull() ? nil : try readResult(&scanner)
            } else if key.is("controller") {
                sawController = true
                try scanner.skipValue()
            } else if key.is("id") {
                bare.id = try scanner.readOptionalString()
            } else if key.is("message") {
                bare.message = try scanner.readOptionalString()
            } else {
                try scanner.skipValue()
            }
        }
        guard scanner.isAtEnd() else { throw scanner.error("trailing bytes") }
        if !sawController, answer.error == nil, bare.id != nil {
            bare.status = answer.status
            answer.error = bare
            answer.isBareError = true
        }
        return answer
    }
}

/// A serialized Kuzzle error (`KuzzleError.toJSON`): id, message, status and, for
/// `api.process.incomplete_multiple_request`, the per-document `errors`.
struct KuzzleErrorBody: Sendable, Hashable {
    /// `domain.subdomain.name`.
    var id: String?
    /// The formatted message.
    var message: String?
    /// The error's status.
    var status: Int?
    /// The failed items of a MultipleErrorsError, `nil` for other errors.
    var items: [KuzzleItemFailure]?

    /// Reads an error object.
    static func parse(_ scanner: inout JSONScanner) throws(JSONScanError) -> KuzzleErrorBody {
        var body = KuzzleErrorBody()
        try scanner.readObject { (scanner, key) throws(JSONScanError) in
            if key.is("id") {
                body.id = try scanner.readOptionalString()
            } else if key.is("message") {
                body.message = try scanner.readOptionalString()
            } else if key.is("status") {
                body.status = try scanner.readInteger()
            } else if key.is("errors"), scanner.peek() == UInt8(ascii: "[") {
                body.items = try KuzzleItemFailure.parseList(&scanner)
            } else {
                try scanner.skipValue()
            }
        }
        return body
    }
}

/// One failed item of a bulk answer, in either shape:
/// bulk:mWrite `{"document":{"_id",…},"reason","status"}` or
/// bulk:import `{"<action>":{"_id","status","error":{"type","reason"}}}`.
struct KuzzleItemFailure: Sendable, Hashable {
    /// The document id, `nil` when Kuzzle did not echo one.
    var id: String?
    /// The import action the item belongs to, `nil` for mWrite items.
    var action: KuzzleBulkAction?
    /// The per-document status (0 when absent).
    var status: Int
    /// The reason (mWrite `reason`, import `error.reason`, else `error.type`, else a generic text).
    var reason: String
    /// Elasticsearch's `error.type` (import items), `nil` when absent.
    var errorType: String? = nil

    /// Reads an array of failed items; items that are not objects are kept with no id (they cannot be attributed).
    static func parseList(_ scanner: inout JSONScanner) throws(JSONScanError) -> [KuzzleItemFailure] {
        var items: [KuzzleItemFailure] = []
        try scanner.readArray { (scanner) throws(JSONScanError) in
            if scanner.peek() == UInt8(ascii: "{") {
                items.append(try parse(&scanner))
            } else {
                try scanner.skipValue()
                items.append(KuzzleItemFailure(id: nil, action: nil, status: 0, reason: "unrecognized error item"))
            }
        }
        return items
    }

    /// Reads one failed item object.
    static func parse(_ scanner: inout JSONScanner) throws(JSONScanError) -> KuzzleItemFailure {
        var item = KuzzleItemFailure(id: nil, action: nil, status: 0, reason: "")
        var errorType: String?
        try scanner.readObject { (scanner, key) throws(JSONScanError) in
            if key.is("document"), scanner.peek() == UInt8(ascii: "{") {
                try scanner.readObject { (scanner, key) throws(JSONScanError) in
                    if key.is("_id") { item.id = try scanner.readOptionalString() } else { try scanner.skipValue() }
                }
            } else if key.is("_id") {
                // document:mDelete items: {"_id","reason","status"}.
                item.id = try scanner.readOptionalString()
            } else if key.is("reason") {
                item.reason = try scanner.readOptionalString() ?? ""
            } else if key.is("status") {
                item.status = try scanner.readInteger() ?? 0
            } else if let action = KuzzleBulkAction(rawValue: key.string), scanner.peek() == UInt8(ascii: "{") {
                item.action = action
                try scanner.readObject { (scanner, key) throws(JSONScanError) in
                    if key.is("_id") {
                        item.id = try scanner.readOptionalString()
                    } else if key.is("status") {
                        item.status = try scanner.readInteger() ?? 0
                    } else if key.is("error"), scanner.peek() == UInt8(ascii: "{") {
                        try scanner.readObject { (scanner, key) throws(JSONScanError) in
                            if key.is("reason") {
                                item.reason = try scanner.readOptionalString() ?? ""
                            } else if key.is("type") {
                                errorType = try scanner.readOptionalString()
                            } else {
                                try scanner.skipValue()
                            }
                        }
                    } else {
                        try scanner.skipValue()
                    }
                }
            } else {
                try scanner.skipValue()
            }
        }
        item.errorType = errorType
        if item.reason.isEmpty {
            item.reason = errorType ?? "status \(item.status)"
        }
        return item
    }
}

/// The `result` of a bulk answer: `{"errors":[…],"successes":[…]}`; successes are skipped unread unless asked for.
struct KuzzleBulkAnswerResult: Sendable, Hashable {
    /// The failed items, in Kuzzle's order.
    var failures: [KuzzleItemFailure] = []
    /// The ids of the successes (UTF-8 bytes), when read: `{"_id",…}` items, or bare ids (document:mDelete).
    var successIDs: Set<[UInt8]>?

    /// Reads a bulk result object; `readingSuccesses` collects ``successIDs``.
    static func parse(
        _ scanner: inout JSONScanner,
        readingSuccesses: Bool = false
    ) throws(JSONScanError) -> KuzzleBulkAnswerResult {
        var result = KuzzleBulkAnswerResult()
        guard scanner.peek() == UInt8(ascii: "{") else {
            try scanner.skipValue()
            return result
        }
        try scanner.readObject { (scanner, key) throws(JSONScanError) in
            if key.is("errors"), scanner.peek() == UInt8(ascii: "[") {
                result.failures = try KuzzleItemFailure.parseList(&scanner)
            } else if readingSuccesses, key.is("successes"), scanner.peek() == UInt8(ascii: "[") {
                var ids: Set<[UInt8]> = []
                try scanner.readArray { (scanner) throws(JSONScanError) in
                    if scanner.peek() == UInt8(ascii: "{") {
                        try scanner.readObject { (scanner, key) throws(JSONScanError) in
                            if key.is("_id"), let id = try scanner.readOptionalString() {
                                ids.insert(Array(id.utf8))
                            } else {
                                try scanner.skipValue()
                            }
                        }
                    } else if scanner.peek() == UInt8(ascii: "\""), let id = try scanner.readOptionalString() {
                        ids.insert(Array(id.utf8))
                    } else {
                        try scanner.skipValue()
                    }
                }
                result.successIDs = ids
            } else {
                try scanner.skipValue()
            }
        }
        return result
    }
}
