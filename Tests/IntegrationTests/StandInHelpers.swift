import Foundation
import KuzzleStandIn
import TestSupport
import Testing

/// Running a stand-in for one test and reading its state back as comparable documents.
enum StandInHelpers {
    /// Starts a stand-in on 127.0.0.1 (port 0) with `collections` of `index` created, runs `body`, shuts it down.
    static func withStandIn<T>(
        index: String,
        collections: [String],
        _ body: (StandInServer) async throws -> T
    ) async throws -> T {
        var configuration = StandInConfiguration(
            collections: collections.map { .init(index: index, collection: $0) }
        )
        configuration.threads = 2
        let server = try await StandInServer.start(configuration)
        do {
            let result = try await body(server)
            try? await server.shutdown()
            return result
        } catch {
            try? await server.shutdown()
            throw error
        }
    }

    /// Every document of `collections`, bodies parsed, `_kuzzle_info` (added by bulk:import) left out.
    static func documents(
        of server: StandInServer,
        index: String,
        collections: [String]
    ) throws -> [DocumentKey: DocumentBody] {
        var result: [DocumentKey: DocumentBody] = [:]
        for collection in collections {
            for (id, stored) in server.documents(index: index, collection: collection) {
                result[DocumentKey(index: index, collection: collection, id: id)] = try parse(stored.body)
            }
        }
        return result
    }

    /// The differences between `expected` and `actual` (at most `limit` lines), or `nil` when they are equal.
    static func difference(
        expected: [DocumentKey: DocumentBody],
        actual: [DocumentKey: DocumentBody],
        limit: Int = 10
    ) -> String? {
        var lines: [String] = []
        var count = 0
        for key in Set(expected.keys).union(actual.keys).sorted() where expected[key] != actual[key] {
            count += 1
            if lines.count < limit {
                lines.append(
                    "\(key): expected \(expected[key].map(describe) ?? "absent"), found \(actual[key].map(describe) ?? "absent")"
                )
            }
        }
        guard count > 0 else { return nil }
        return "\(count) document(s) differ (expected \(expected.count), found \(actual.count)):\n"
            + lines.joined(separator: "\n")
    }

    private static func describe(_ body: DocumentBody) -> String {
        "{" + body.keys.sorted().map { "\($0):\(body[$0]?.json ?? "")" }.joined(separator: ",") + "}"
    }

    private struct UnexpectedBody: Error, CustomStringConvertible {
        var text: String
        var description: String { "unexpected document body \(text)" }
    }

    private static func parse(_ bytes: [UInt8]) throws -> DocumentBody {
        guard let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw UnexpectedBody(text: String(decoding: bytes, as: UTF8.self))
        }
        var body: DocumentBody = [:]
        for (key, value) in object where key != "_kuzzle_info" {
            if let string = value as? String {
                body[key] = .string(string)
            } else if let number = value as? NSNumber {
                body[key] = .int(number.intValue)
            } else {
                throw UnexpectedBody(text: String(decoding: bytes, as: UTF8.self))
            }
        }
        return body
    }
}
