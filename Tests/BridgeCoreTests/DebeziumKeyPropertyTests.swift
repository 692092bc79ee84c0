import TestSupport
import Testing

@testable import BridgeCore

/// The id rule of debezium.md §3 as a property: over random key tuples of one shape, distinct tuples give distinct
/// ids, and every id is 1 to 512 bytes (or the key is refused as giving none).
@Suite struct DebeziumKeyPropertyTests {
    /// The JSON type of one key column.
    enum Column: CaseIterable {
        case string, integer, boolean, decimal
    }

    static let alphabet: [String] = [
        "a", "b", "|", "%", "7", "C", "2", "5", ":", "/", "é", "\u{1F600}", "\\", "\"", " ",
    ]

    static func randomString(_ random: inout SeededGenerator, long: Bool) -> String {
        let count = long ? Int.random(in: 200...300, using: &random) : Int.random(in: 0...6, using: &random)
        return (0..<count).map { _ in alphabet.randomElement(using: &random)! }.joined()
    }

    /// A component as a Swift value (the tuple compared) and as JSON text.
    static func component(
        _ column: Column,
        _ random: inout SeededGenerator,
        long: Bool
    ) -> (value: String, json: String) {
        switch column {
        case .string:
            let text = randomString(&random, long: long)
            var json = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": json += "\\\""
                case "\\": json += "\\\\"
                case "é" where Bool.random(using: &random): json += "\\u00e9"  // an escape decodes to the same text
                default: json.unicodeScalars.append(scalar)
                }
            }
            return ("s:" + text, json + "\"")
        case .integer:
            let value =
                Bool.random(using: &random)
                ? Int64.random(in: -20...20, using: &random)
                : Int64.random(in: (1 << 53)...(Int64.max), using: &random)
            return ("i:\(value)", "\(value)")
        case .boolean:
            let value = Bool.random(using: &random)
            return ("b:\(value)", "\(value)")
        case .decimal:
            // Debezium's precise decimals: base64 strings of the unscaled bytes.
            let bytes = (0..<Int.random(in: 1...4, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random)
            }
            let text = base64(bytes)
            return ("d:" + text, "\"\(text)\"")
        }
    }

    static func base64(_ bytes: [UInt8]) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var text = ""
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value = 0
            for byte in chunk { value = value << 8 | Int(byte) }
            value <<= 8 * (3 - chunk.count)
            for position in 0..<4 {
                text.append(position <= chunk.count ? table[(value >> (18 - 6 * position)) & 63] : "=")
            }
            index += 3
        }
        return text
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6, 7, 8])
    func distinctTuplesGiveDistinctIDs(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let separator = ["|", "::", "/", "é", "||"][Int(seed) % 5]
        let arity = Int.random(in: 1...4, using: &random)
        let shape = (0..<arity).map { _ in Column.allCases.randomElement(using: &random)! }
        let names = (0..<arity).map { "c\($0)" }
        let wrapped = seed.isMultiple(of: 2)
        var idOfTuple: [[String]: String] = [:]
        var tupleOfID: [[UInt8]: [String]] = [:]
        var refused = 0
        for _ in 0..<2000 {
            let long = Int.random(in: 0..<40, using: &random) == 0
            let parts = shape.map { Self.component($0, &random, long: long) }
            let tuple = parts.map(\.value)
            let members = zip(names, parts).map { #""\#($0.0)":\#($0.1.json)"# }.joined(separator: ",")
            var key = arity == 1 && seed.isMultiple(of: 3) ? parts[0].json : "{\(members)}"
            if wrapped {
                let fields = names.map { #"{"type":"string","field":"\#($0)"}"# }.joined(separator: ",")
                key = #"{"schema":{"type":"struct","fields":[\#(fields)]},"payload":\#(key)}"#
            }
            let settings = DebeziumRouting(idSeparator: separator)
            let id: String
            do throws(DebeziumKey.Problem) {
                id = try DebeziumKey.documentID(key: Array(key.utf8), settings: settings)
            } catch {
                // Refused only for a length outside 1–512 bytes.
                #expect(error.reason.contains("is empty") || error.reason.contains("limit is 512"), "\(error)")
                refused += 1
                continue
            }
            #expect((1...512).contains(id.utf8.count))
            if let previous = idOfTuple[tuple] {
                #expect(previous.utf8.elementsEqual(id.utf8), "one tuple, two ids")
            }
            idOfTuple[tuple] = id
            let bytes = Array(id.utf8)
            if let other = tupleOfID[bytes] {
                #expect(other == tuple, "\(other) and \(tuple) both give the id \(id)")
            }
            tupleOfID[bytes] = tuple
        }
        // Injective: as many distinct ids as distinct tuples that gave one.
        #expect(tupleOfID.count == idOfTuple.count)
        #expect(refused < 2000)
    }

    @Test func exampleOfTheSpecification() throws {
        let id = try DebeziumKey.documentID(key: Array(#"{"a":"a|b%","n":7}"#.utf8), settings: DebeziumRouting())
        #expect(id == "a%7Cb%25|7")
        let big = try DebeziumKey.documentID(key: Array("9007199254740993".utf8), settings: DebeziumRouting())
        #expect(big == "9007199254740993")
        let scalarString = try DebeziumKey.documentID(key: Array(#""a|b""#.utf8), settings: DebeziumRouting())
        #expect(scalarString == "a|b")
    }

    @Test func idsOutsideTheLimitsAreRefused() {
        #expect(throws: DebeziumKey.Problem.self) {
            try DebeziumKey.documentID(key: Array(#"{"id":""}"#.utf8), settings: DebeziumRouting())
        }
        let long = String(repeating: "x", count: 513)
        #expect(throws: DebeziumKey.Problem.self) {
            try DebeziumKey.documentID(key: Array(#"{"id":"\#(long)"}"#.utf8), settings: DebeziumRouting())
        }
        #expect(throws: DebeziumKey.Problem.self) {
            try DebeziumKey.documentID(key: Array(#"{"id":[1]}"#.utf8), settings: DebeziumRouting())
        }
        #expect(throws: DebeziumKey.Problem.self) {
            try DebeziumKey.documentID(key: Array("null".utf8), settings: DebeziumRouting())
        }
        #expect(throws: DebeziumKey.Problem.self) {
            try DebeziumKey.documentID(key: Array(#"{"id":1"#.utf8), settings: DebeziumRouting())
        }
    }
}
