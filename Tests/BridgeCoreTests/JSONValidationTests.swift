import BridgeCore
import Testing

/// The validating skipper, seen through raw-format routing (the whole value must be one well-formed object).
@Suite struct JSONValidationTests {
    let router = EventRouter()

    func route(_ bytes: [UInt8]) throws(EventDecodingError) -> DocumentEvent {
        let record = SourceRecord(topic: "t", partition: 0, offset: 0, key: Array("k".utf8), value: bytes)
        return try router.route(record, routing: Fixture.rawRouting)
    }

    static let valid: [String] = [
        #"{}"#, #"{"a":-0.0e-0}"#, #"{"a":0,"b":12.5E+10,"c":-3e2}"#, #"{"a":"\u0000\b\f\n\r\t\"\\\/"}"#,
        #"{"a":[],"b":{},"c":[[],[{}]]}"#, " \t\r\n{ \"a\" :\n[ 1 , 2 ] }\n ", #"{"é":"ü","🐙":["𝄞"]}"#,
        #"{"a":true,"b":false,"c":null}"#, #"{"a":"\uD834\uDD1E"}"#,
    ]

    @Test("well-formed objects are accepted whole", arguments: valid)
    func acceptsWellFormedJSON(_ text: String) throws {
        let event = try route(Array(text.utf8))
        let body = try #require(event.bodyText)
        #expect(body.first == "{" && body.last == "}")
        #expect(text.contains(body))
    }

    static let malformed: [[UInt8]] =
        [
            #"{"a":01}"#, #"{"a":1.}"#, #"{"a":.5}"#, #"{"a":-}"#, #"{"a":1e}"#, #"{"a":+1}"#, #"{"a":"\x"}"#,
            #"{"a":"\u12G4"}"#, #"{"a" 1}"#, #"{a:1}"#, #"{"a":1 "b":2}"#, #"{"a":[1 2]}"#, #"{"a":tRue}"#,
            #"{"a":nul}"#, #"{"a":1,}"#, #"{"a":[1,]}"#, #"{,}"#, #"{"a":1}}"#, "{\"a\":\"tab\tinside\"}",
            #"{"a":'x'}"#, #"{"a":NaN}"#, #"{"a":[}"#, #"{"a":]}"#, #"{"a":"\"}"#, #"{"a":1}x"#,
        ].map { Array($0.utf8) } + [
            [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC0, 0xAF, 0x22, 0x7D],  // overlong "/"
            [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x7D],  // encoded surrogate
            [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xF5, 0x80, 0x80, 0x80, 0x22, 0x7D],  // above U+10FFFF
            [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xE2, 0x82, 0x22, 0x7D],  // truncated sequence
            [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0x80, 0x22, 0x7D],  // lone continuation byte
            [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0x61, 0x22, 0x7D, 0x00],  // NUL after the value
        ]

    @Test("malformed JSON is refused", arguments: malformed)
    func refusesMalformedJSON(_ bytes: [UInt8]) {
        #expect {
            _ = try route(bytes)
        } throws: { error in
            (error as? EventDecodingError)?.kind == .malformedJSON
        }
    }

    static let documents = [
        #"{"a":[1,-2.5e+3,{"b":[true,false,null,"x\"y\u00e9"]}],"c":{"d":{}},"é":"🐙"}"#,
        #"{"_id":"o1","body":{"qty":3,"tags":["a","b"]},"action":"write"}"#,
    ]

    @Test("every truncation of a document is refused", arguments: documents)
    func refusesEveryTruncation(_ text: String) {
        let bytes = Array(text.utf8)
        for length in 0..<bytes.count {
            #expect(throws: EventDecodingError.self, "truncated at \(length)") {
                try route(Array(bytes[..<length]))
            }
        }
    }

    @Test("a control byte or an invalid UTF-8 byte inserted anywhere is refused", arguments: documents)
    func refusesBadBytesAtEveryPosition(_ text: String) {
        let bytes = Array(text.utf8)
        for position in 0...bytes.count {
            for bad: UInt8 in [0x01, 0xFF] {
                var corrupted = bytes
                corrupted.insert(bad, at: position)
                #expect(throws: EventDecodingError.self, "byte \(bad) at \(position)") { try route(corrupted) }
            }
        }
    }

    @Test func aMalformedEnvelopeReportsThePositionOfTheProblem() throws {
        let record = Fixture.record(#"{"_id":"a","body":{"x":[1,2,}}"#)
        do {
            _ = try EventRouter().route(record, routing: Fixture.defaultedRouting)
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .malformedJSON)
            #expect(error.field == "body")
            #expect(error.position == 28)
        }
    }

    @Test("a control character after a long run in an event body is reported at its byte by the router")
    func routerReportsTheControlCharacterPosition() throws {
        let prefix = #"{"_id":"a","body":{"note":""# + String(repeating: "abcdefghij klmnopqrst ", count: 20)
        let record = Fixture.record(prefix + "\u{01}\"}}")
        do {
            _ = try EventRouter().route(record, routing: Fixture.defaultedRouting)
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .malformedJSON)
            #expect(error.field == "body")
            #expect(error.position == prefix.utf8.count)
        }
    }
}
