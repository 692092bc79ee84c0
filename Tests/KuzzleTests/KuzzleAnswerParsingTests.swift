import JSONScan
import Testing

@testable import Kuzzle

@Suite struct KuzzleAnswerParsingTests {
    /// Parses `json` as a bulk answer.
    static func bulkAnswer(_ json: String) throws -> KuzzleAnswer<KuzzleBulkAnswerResult> {
        try Array(json.utf8).withUnsafeBytes { bytes in
            try KuzzleAnswer.parse(bytes) { (scanner) throws(JSONScanError) in
                try KuzzleBulkAnswerResult.parse(&scanner)
            }
        }
    }

    // Canned answers from kuzzle-api.md §4.1 / §4.2 / §3.3.
    static let nonStrictMWrite = """
        {"action":"mWrite","collection":"orders","controller":"bulk","error":null,"headers":{},"index":"shop",
         "node":"knode-pensive-einstein-844221","requestId":"4f9c","status":200,"volatile":null,
         "result":{"errors":[
           {"document":{"body":"oops"},"reason":"document body must be an object","status":400},
           {"document":{"_source":{"qty":"ten"},"_id":"o2"},
            "reason":"failed to parse field [qty] of type [integer] in document with id 'o2'. Preview of field's value: 'ten'",
            "status":400}],
          "successes":[{"_id":"o1","_source":{"qty":3},"_version":1}]}}
        """

    static let strictMWrite = """
        {"action":"mWrite","collection":"orders","controller":"bulk","error":{"code":33685514,
        "id":"api.process.incomplete_multiple_request","message":"At least one of the write actions failed.",
        "props":["write"],"status":400,"count":1,"errors":[{"document":{"_source":{"qty":"ten"},"_id":"o2"},
        "reason":"failed to parse field [qty]","status":400}]},"headers":{},"index":"shop","node":"knode-x",
        "requestId":"r1","result":null,"status":400,"volatile":null}
        """

    static let strictImport = """
        {"action":"import","collection":"orders","controller":"bulk","error":{"code":33685514,
        "id":"api.process.incomplete_multiple_request","message":"At least one of the import actions failed.",
        "props":["import"],"status":400,"count":2,"errors":[{"delete":{"_id":"gone","status":404}},
        {"create":{"_id":"a1","status":409,"_source":{"qty":1},"error":{"type":"version_conflict_engine_exception",
        "reason":"[a1]: version conflict, document already exists (current version [1])"}}}]},"headers":{},
        "index":"shop","node":"knode-x","requestId":"r2","result":null,"status":400,"volatile":null}
        """

    @Test func nonStrictMWriteAnswerListsBothFailureShapesAndSkipsSuccesses() throws {
        let answer = try Self.bulkAnswer(Self.nonStrictMWrite)
        #expect(answer.status == 200)
        #expect(answer.error == nil)
        let failures = try #require(answer.result?.failures)
        #expect(failures.count == 2)
        #expect(
            failures[0]
                == KuzzleItemFailure(id: nil, action: nil, status: 400, reason: "document body must be an object")
        )
        #expect(failures[1].id == "o2")
        #expect(failures[1].status == 400)
        #expect(failures[1].reason.hasPrefix("failed to parse field [qty]"))
    }

    @Test func strictMWriteFailureCarriesTheItemsInTheError() throws {
        let answer = try Self.bulkAnswer(Self.strictMWrite)
        #expect(answer.result == nil)
        #expect(answer.isBareError == false)
        let error = try #require(answer.error)
        #expect(error.id == "api.process.incomplete_multiple_request")
        #expect(error.status == 400)
        #expect(
            error.items == [
                KuzzleItemFailure(id: "o2", action: nil, status: 400, reason: "failed to parse field [qty]")
            ]
        )
    }

    @Test func strictImportFailureKeepsActionsAndFallsBackToTheStatusForAReasonlessDelete() throws {
        let error = try #require(try Self.bulkAnswer(Self.strictImport).error)
        #expect(
            error.items == [
                KuzzleItemFailure(id: "gone", action: .delete, status: 404, reason: "status 404"),
                KuzzleItemFailure(
                    id: "a1",
                    action: .create,
                    status: 409,
                    reason: "[a1]: version conflict, document already exists (current version [1])",
                    errorType: "version_conflict_engine_exception"
                ),
            ]
        )
    }

    @Test func bareErrorWithoutEnvelopeIsRecognized() throws {
        let answer = try Self.bulkAnswer(
            #"{"code":50397185,"id":"network.http.request_too_large","message":"Maximum HTTP request size exceeded.","props":[],"status":413}"#
        )
        #expect(answer.isBareError)
        #expect(answer.error?.id == "network.http.request_too_large")
        #expect(answer.error?.status == 413)
        #expect(answer.error?.message == "Maximum HTTP request size exceeded.")
    }

    @Test func successSourcesWithBracesQuotesAndEscapesInsideStringsAreSkipped() throws {
        let answer = try Self.bulkAnswer(
            #"{"action":"mWrite","controller":"bulk","error":null,"result":{"successes":[{"_id":"x","_source":"#
                + #"{"a":"}]{[\"\\","b":[{"c":"]"}],"errors":"not the real one"},"_version":2}],"errors":[]},"status":200}"#
        )
        #expect(answer.result?.failures == [])
        #expect(answer.status == 200)
    }

    @Test func unescapingHandlesUnicodeEscapesAndSurrogatePairs() throws {
        let json = #"{"_id":"caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \n"}"#
        let id = try Array(json.utf8).withUnsafeBytes { bytes in
            var scanner = JSONScanner(bytes)
            var value: String?
            try scanner.readObject { (scanner, key) throws(JSONScanError) in value = try scanner.readString() }
            return value
        }
        #expect(id == "café 😀 \"q\" \\ / \n")
    }

    @Test(arguments: [
        #"{"result":{"errors":[}"#, #"{"result":"#, #"{"status":200} trailing"#, #"["#, "",
    ])
    func malformedAnswersAreRejected(json: String) {
        #expect(throws: JSONScanError.self) { try Self.bulkAnswer(json) }
    }

    @Test func integersAndBooleansAreRead() throws {
        let values = try Array(#"{"a":-42,"b":1.5e3,"c":true,"d":false,"e":"x"}"#.utf8).withUnsafeBytes { bytes in
            var scanner = JSONScanner(bytes)
            var integers: [Int?] = []
            var booleans: [Bool?] = []
            try scanner.readObject { (scanner, key) throws(JSONScanError) in
                if key.is("a") || key.is("b") {
                    integers.append(try scanner.readInteger())
                } else {
                    booleans.append(try scanner.readBool())
                }
            }
            return (integers, booleans)
        }
        #expect(values.0 == [-42, 1])
        #expect(values.1 == [true, false, nil])
    }
}
