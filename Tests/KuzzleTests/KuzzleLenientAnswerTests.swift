import AsyncHTTPClient
import Logging
import NIOCore
import Testing

@_spi(Testing) @testable import Kuzzle

/// Answers of requests sent without `strict` (notifying ones): a document counts as written only when Kuzzle lists it
/// among the successes (issue 17: "offsets still move only past items Kuzzle listed as written").
@Suite struct KuzzleLenientAnswerTests {
    static func decode(_ result: String, route: KuzzleBulkRoute, ids: [String]) async throws -> [KuzzleDocumentOutcome]
    {
        let client = KuzzleClient(
            configuration: KuzzleClientConfiguration(url: "http://127.0.0.1:9", requestTimeout: .seconds(1)),
            httpClient: .shared,
            logger: Logger(label: "kuzzle-tests")
        )
        let answer = KuzzleClient.HTTPAnswer(
            status: 200,
            body: ByteBuffer(string: #"{"status":200,"error":null,"result":"# + result + "}")
        )
        let sent = ids.map {
            KuzzleBulkOperation(id: $0, action: route.documentAction ?? .index, body: [123, 125][...])
        }
        return try client.decodeBulkAnswer(answer, route: route, sent: sent, listsSuccesses: true)
    }

    @Test func aDocumentListedNowhereIsRetriedNotWritten() async throws {
        let outcomes = try await Self.decode(
            #"{"errors":[],"successes":[{"_id":"a","_source":{},"_version":1}]}"#,
            route: .mWrite,
            ids: ["a", "b"]
        )
        #expect(outcomes[0] == .written)
        guard case .failed(let failure) = outcomes[1] else {
            Issue.record("b was not listed: it must not count as written")
            return
        }
        #expect(failure.status == 0)
        #expect(failure.disposition == .retry)
    }

    @Test func mDeleteListsBareIdsAndItsErrorsCarryATopLevelID() async throws {
        let outcomes = try await Self.decode(
            #"{"successes":["a"],"errors":[{"_id":"b","reason":"document not found","status":404}]}"#,
            route: .mDelete,
            ids: ["a", "b"]
        )
        #expect(outcomes[0] == .written)
        guard case .failed(let failure) = outcomes[1] else {
            Issue.record("b is missing")
            return
        }
        #expect(failure.status == 404)
        #expect(failure.disposition == .alreadyDone)
    }

    @Test func theQueryOfEachRoute() throws {
        let client = KuzzleClient(
            configuration: KuzzleClientConfiguration(url: "http://127.0.0.1:9", requestTimeout: .seconds(1)),
            httpClient: .shared,
            logger: Logger(label: "kuzzle-tests")
        )
        #expect(client.query(route: .mWrite, options: KuzzleWriteOptions()) == "?strict")
        #expect(client.query(route: .mWrite, options: KuzzleWriteOptions(notify: true)) == "?notify")
        #expect(client.query(route: .importBulk, options: KuzzleWriteOptions(notify: true)) == "?strict")
        #expect(client.query(route: .mCreateOrReplace, options: KuzzleWriteOptions()) == "?source=false")
        #expect(client.query(route: .mDelete, options: KuzzleWriteOptions(refresh: .waitFor)) == "?refresh=wait_for")
        var forced = KuzzleWriteOptions(notify: true)
        forced.testForcesStrict = true
        #expect(client.query(route: .mWrite, options: forced) == "?strict&notify")
    }
}
