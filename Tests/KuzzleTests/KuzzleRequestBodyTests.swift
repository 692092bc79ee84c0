import NIOCore
import TestSupport
import Testing

@testable import Kuzzle

@Suite struct KuzzleRequestBodyTests {
    /// Bytes of a string, as a body slice.
    static func body(_ json: String) -> ArraySlice<UInt8> { ArraySlice(json.utf8) }

    /// The body built for `operations`, as text.
    static func text(_ operations: [KuzzleBulkOperation], _ route: KuzzleBulkRoute) -> String {
        let buffer = KuzzleRequestBody.make(operations, route: route)
        return String(buffer: buffer)
    }

    @Test func mWriteBodySplicesDocumentBytesVerbatimAndEscapesOnlyTheID() {
        let operations = [
            KuzzleBulkOperation(id: "o1", action: .index, body: Self.body(#"{"qty":3}"#)),
            KuzzleBulkOperation(
                id: "a\"b\\c\n\u{01}é",
                action: .index,
                body: Self.body(#"{ "x" : [1, 2.50, "\u00e9"] }"#)
            ),
        ]
        #expect(
            Self.text(operations, .mWrite)
                == #"{"documents":[{"_id":"o1","body":{"qty":3}},{"_id":"a\"b\\c\n\u0001é","body":{ "x" : [1, 2.50, "\u00e9"] }}]}"#
        )
    }

    @Test func importBodyWritesOneActionLinePerOperationAndWrapsUpdatesInDoc() {
        let operations = [
            KuzzleBulkOperation(id: "a1", action: .index, body: Self.body(#"{"qty":1}"#)),
            KuzzleBulkOperation(id: "a2", action: .create, body: Self.body(#"{"qty":2}"#)),
            KuzzleBulkOperation(id: "a3", action: .update, body: Self.body(#"{"qty":3}"#)),
            KuzzleBulkOperation(id: "gone", action: .delete, body: Self.body(#"{"ignored":true}"#)),
        ]
        #expect(
            Self.text(operations, .importBulk)
                == #"{"bulkData":[{"index":{"_id":"a1"}},{"qty":1},{"create":{"_id":"a2"}},{"qty":2},"#
                + #"{"update":{"_id":"a3"}},{"doc":{"qty":3}},{"delete":{"_id":"gone"}}]}"#
        )
    }

    @Test func emptyBatchesHaveTheEmptyEnvelope() {
        #expect(Self.text([], .mWrite) == #"{"documents":[]}"#)
        #expect(Self.text([], .importBulk) == #"{"bulkData":[]}"#)
        #expect(KuzzleRequestBody.encodedSize(of: [], route: .mWrite) == 16)
        // Issue 14 item 4: update lines carry retry_on_conflict when asked; the size rule still holds exactly.
        let update = [KuzzleBulkOperation(id: "u", action: .update, body: Self.body(#"{"a":1}"#), retryOnConflict: 3)]
        let built = KuzzleRequestBody.make(update, route: .importBulk)
        #expect(
            String(buffer: built)
                == #"{"bulkData":[{"update":{"_id":"u","retry_on_conflict":3}},{"doc":{"a":1}}]}"#
        )
        #expect(built.readableBytes == KuzzleRequestBody.encodedSize(of: update, route: .importBulk))
        #expect(
            KuzzleRequestBody.largestEncodedSize(of: update[0])
                >= KuzzleRequestBody.encodedSize(of: update[0], route: .importBulk)
        )
        #expect(KuzzleRequestBody.encodedSize(of: [], route: .importBulk) == 15)
    }

    @Test(arguments: [KuzzleBulkRoute.mWrite, .importBulk])
    func predictedSizesMatchTheBuiltBodyExactly(route: KuzzleBulkRoute) {
        var generator = SeededGenerator(seed: 42)
        let idAlphabet = Array("abcXYZ019-_\"\\\n\t\u{02}éß😀/")
        for _ in 0..<200 {
            let count = Int.random(in: 1...20, using: &generator)
            let operations = (0..<count).map { _ -> KuzzleBulkOperation in
                let id = String(
                    (0..<Int.random(in: 1...12, using: &generator)).map { _ in
                        idAlphabet.randomElement(using: &generator) ?? "a"
                    }
                )
                let action: KuzzleBulkAction =
                    route == .mWrite ? .index : KuzzleBulkAction.allCases.randomElement(using: &generator) ?? .index
                let body = Self.body(
                    #"{"v":""# + String(repeating: "x", count: Int.random(in: 0...50, using: &generator)) + #""}"#
                )
                return KuzzleBulkOperation(id: id, action: action, body: body)
            }
            let built = KuzzleRequestBody.make(operations, route: route)
            let perOperation = operations.reduce(KuzzleRequestBody.fixedOverhead(route: route)) {
                $0 + KuzzleRequestBody.encodedSize(of: $1, route: route)
            }
            #expect(built.readableBytes == perOperation)
            #expect(built.readableBytes == KuzzleRequestBody.encodedSize(of: operations, route: route))
        }
    }

    @Test func escapedLengthCountsTwoBytesForShortEscapesAndSixForOtherControlCharacters() {
        #expect(KuzzleRequestBody.escapedLength(of: "abc") == 3)
        #expect(KuzzleRequestBody.escapedLength(of: "\"\\\n") == 6)
        #expect(KuzzleRequestBody.escapedLength(of: "\u{1F}") == 6)
        #expect(KuzzleRequestBody.escapedLength(of: "é") == 2)
    }

    @Test func gzipOutputIsAGzipMemberSmallerThanARepetitiveBody() throws {
        let operations = (0..<500).map {
            KuzzleBulkOperation(id: "doc-\($0)", action: .index, body: Self.body(#"{"status":"shipped","qty":12}"#))
        }
        let plain = KuzzleRequestBody.make(operations, route: .mWrite)
        let compressed = try GzipCompressor.compress(plain)
        #expect(compressed.getBytes(at: compressed.readerIndex, length: 3) == [0x1F, 0x8B, 0x08])
        #expect(compressed.readableBytes < plain.readableBytes / 5)
        // The gzip trailer ends with the uncompressed size modulo 2^32, little endian.
        let size = compressed.getInteger(at: compressed.writerIndex - 4, endianness: .little, as: UInt32.self)
        #expect(size == UInt32(plain.readableBytes))
    }
}
