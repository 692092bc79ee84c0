import Testing

@testable import JSONScan

/// The scanner's shared parts: modes, containers, escapes, and the document rules.
@Suite struct JSONScannerTests {
    /// The first string token of `json` (after whitespace) and the scanner it was read with.
    static func token(_ json: String, _ body: (JSONScanner, JSONStringToken) -> Void) throws {
        try json.bytes.withUnsafeBytes { raw in
            var scanner = JSONScanner(raw, mode: .validating(maximumDepth: 4))
            let token = try scanner.readStringToken()
            body(scanner, token)
        }
    }

    @Test("literal comparison decodes escapes without allocating, and refuses near misses")
    func literalComparisonDecodesEscapes() throws {
        let equal = [#""index""#, #""ind\u0065x""#, #""\u0069\u006E\u0064\u0065\u0078""#, #""\u0069ndex""#]
        for json in equal {
            try Self.token(json) { scanner, token in #expect(scanner.content(of: token, equals: "index"), "\(json)") }
        }
        let unequal = [
            #""Index""#, #""indexx""#, #""inde""#, #""ind\u00e9x""#, #""ind\nx""#, #""index\u0000""#, #""""#,
        ]
        for json in unequal {
            try Self.token(json) { scanner, token in #expect(!scanner.content(of: token, equals: "index"), "\(json)") }
        }
    }

    @Test("escapes are decoded; a lone surrogate is refused, or replaced when asked")
    func escapesAreDecoded() throws {
        try Self.token(#""a\"\\\/\b\f\n\r\t\u00e9\uD834\uDD1E""#) { scanner, token in
            #expect((try? scanner.decodeString(token)) == "a\"\\/\u{8}\u{C}\n\r\té𝄞")
        }
        try Self.token(#""x\uD834y""#) { scanner, token in
            #expect(throws: JSONScanError.self) { try scanner.decodeString(token) }
            #expect((try? scanner.decodeString(token, replacingLoneSurrogates: true)) == "x\u{FFFD}y")
        }
    }

    @Test("bulk action names are recognised escapes decoded; only index is mWrite-eligible")
    func bulkActionNames() throws {
        for (json, expected) in [
            (#""index""#, BulkActionName.index), (#""create""#, .create), (#""update""#, .update),
            (#""delete""#, .delete), (#""d\u0065lete""#, .delete),
        ] {
            try Self.token(json) { scanner, token in #expect(BulkActionName(token, in: scanner) == expected) }
        }
        for json in [#""indexes""#, #""Index""#, #""body""#, #""""#, #""_index""#] {
            try Self.token(json) { scanner, token in #expect(BulkActionName(token, in: scanner) == nil, "\(json)") }
        }
        #expect(BulkActionName.allCases.filter(\.isMWriteEligible) == [.index])
    }

    @Test("document ids: 1 to 512 bytes of UTF-8")
    func documentIDRule() {
        #expect(DocumentRules.problemWithID(byteCount: 0) == "is empty")
        #expect(DocumentRules.problemWithID(byteCount: 1) == nil)
        #expect(DocumentRules.problemWithID(byteCount: 512) == nil)
        #expect(DocumentRules.problemWithID(byteCount: 513) == "is 513 bytes long; the limit is 512")
    }

    @Test("readObject counts nesting and, validating, refuses one level past the limit")
    func readObjectCountsDepth() throws {
        let nested = #"{"a":{"b":{"c":1}}}"#.bytes
        func read(_ mode: JSONScanner.Mode) throws -> Int {
            try nested.withUnsafeBytes { raw in
                var scanner = JSONScanner(raw, mode: mode)
                var deepest = 0
                try scanner.readObject { (scanner, _) throws(JSONScanError) in
                    try scanner.readObject { (scanner, _) throws(JSONScanError) in
                        deepest = scanner.depth
                        try scanner.skipValue()
                    }
                }
                #expect(scanner.depth == 0)
                return deepest
            }
        }
        #expect(try read(.skipping) == 2)
        #expect(try read(.validating(maximumDepth: 3)) == 2)
        #expect(throws: JSONScanError.self) { try read(.validating(maximumDepth: 2)) }
    }

    @Test("skipping crosses what validating refuses; both end at the same byte on valid input")
    func modesDiffer() throws {
        func end(_ json: String, _ mode: JSONScanner.Mode) throws -> Int {
            try json.bytes.withUnsafeBytes { raw in
                var scanner = JSONScanner(raw, mode: mode)
                try scanner.skipValue()
                return scanner.position
            }
        }
        let valid = #" {"a":[1,-2.5e3,"x\"y",{"b":null}],"c":true} , "#
        #expect(try end(valid, .skipping) == end(valid, .validating(maximumDepth: 8)))
        for lenient in [#"{"a":01}"#, #"{"a":tru}"#, "{\"a\":\"tab\there\"}"] {
            #expect(throws: Never.self) { try end(lenient, .skipping) }
            #expect(throws: JSONScanError.self) { try end(lenient, .validating(maximumDepth: 8)) }
        }
    }

    @Test("readInteger reads integers in both modes and validates the number's grammar when validating")
    func readInteger() throws {
        func read(_ json: String, _ mode: JSONScanner.Mode) throws -> Int? {
            try json.bytes.withUnsafeBytes { raw in
                var scanner = JSONScanner(raw, mode: mode)
                return try scanner.readInteger()
            }
        }
        #expect(try read(" 412", .skipping) == 412)
        #expect(try read("-7.9e2", .validating(maximumDepth: 2)) == -7)
        #expect(try read("\"x\"", .skipping) == nil)
        #expect(try read("99999999999999999999999", .skipping) == Int.max)
        #expect(throws: JSONScanError.self) { try read("1.", .validating(maximumDepth: 2)) }
    }
}
