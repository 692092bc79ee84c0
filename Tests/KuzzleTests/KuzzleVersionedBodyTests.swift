import NIOCore
import Testing

@testable import Kuzzle

/// Fenced bulk:import lines (fence.md §2): `"version":N,"version_type":"external"` on index and delete action lines,
/// with the size rule exact, so batches never exceed the request limit.
@Suite struct KuzzleVersionedBodyTests {
    static func body(_ json: String) -> ArraySlice<UInt8> { ArraySlice(json.utf8) }

    @Test func fencedIndexAndDeleteLinesCarryTheirExternalVersion() {
        let operations = [
            KuzzleBulkOperation(id: "a", action: .index, body: Self.body(#"{"q":1}"#), externalVersion: 0),
            KuzzleBulkOperation(id: "b", action: .delete, body: nil, externalVersion: 9_007_199_254_740_991),
            KuzzleBulkOperation(id: "c", action: .index, body: Self.body(#"{"q":3}"#)),
        ]
        let built = KuzzleRequestBody.make(operations, route: .importBulk)
        #expect(
            String(buffer: built)
                == #"{"bulkData":[{"index":{"_id":"a","version":0,"version_type":"external"}},{"q":1},"#
                + #"{"delete":{"_id":"b","version":9007199254740991,"version_type":"external"}},"#
                + #"{"index":{"_id":"c"}},{"q":3}]}"#
        )
        #expect(built.readableBytes == KuzzleRequestBody.encodedSize(of: operations, route: .importBulk))
        #expect(operations.map(\.isFenced) == [true, true, false])
    }

    @Test(arguments: [0, 7, 10, 99, 12_345, 1_000_000_007, 9_007_199_254_740_991] as [Int64])
    func theSizeRuleIsExactForEveryVersionWidth(version: Int64) {
        let operations = [
            KuzzleBulkOperation(id: "x\"é", action: .index, body: Self.body(#"{"a":[1]}"#), externalVersion: version),
            KuzzleBulkOperation(id: "y", action: .delete, body: nil, externalVersion: version),
        ]
        let built = KuzzleRequestBody.make(operations, route: .importBulk)
        #expect(built.readableBytes == KuzzleRequestBody.encodedSize(of: operations, route: .importBulk))
        for operation in operations {
            let single = KuzzleRequestBody.encodedSize(of: operation, route: .importBulk)
            #expect(KuzzleRequestBody.largestEncodedSize(of: operation) == single)
            #expect(
                KuzzleRequestBody.largestEncodedSize(
                    id: operation.id,
                    action: operation.action,
                    bodyBytes: operation.body?.count,
                    externalVersion: version
                ) == single
            )
        }
        #expect(String(buffer: built).contains(#""version":\#(version),"version_type":"external"}}"#))
    }

    @Test func onlyIndexAndDeleteCarryVersionsAndVersionsAreClamped() {
        let create = KuzzleBulkOperation(id: "c", action: .create, body: Self.body("{}"), externalVersion: 5)
        let update = KuzzleBulkOperation(id: "u", action: .update, body: Self.body("{}"), externalVersion: 5)
        #expect(create.externalVersion == nil)
        #expect(update.externalVersion == nil)
        let huge = KuzzleBulkOperation(id: "h", action: .index, body: Self.body("{}"), externalVersion: .max)
        #expect(huge.externalVersion == KuzzleBulkOperation.maximumExternalVersion)
        let built = KuzzleRequestBody.make([huge], route: .importBulk)
        #expect(built.readableBytes == KuzzleRequestBody.encodedSize(of: [huge], route: .importBulk))
    }
}
