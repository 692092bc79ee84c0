import Foundation
@testable import KuzzleStandIn
import Testing

@Suite("The hand-written JSON scanner")
struct RawJSONTests {
    @Test("Valid documents are accepted and walked without re-encoding", arguments: [
        #"{"a":1,"b":[true,false,null],"c":{"d":"e\"f"},"g":-1.5e3}"#, "[]", "{}", #" "x" "#, "0",
    ])
    func acceptsValidJSON(_ text: String) throws {
        let value = try RawJSON.parse(Array(text.utf8))
        #expect(value.text == text.trimmingCharacters(in: .whitespaces))
    }

    @Test("Invalid documents are refused", arguments: [
        "{", #"{"a":}"#, "[1,]", "01", #"{"a" 1}"#, "tru", #""\x""#, "1 2", "{\"a\":\"\u{01}\"}", "",
    ])
    func refusesInvalidJSON(_ text: String) {
        #expect(throws: JSONSyntaxError.self) { try RawJSON.parse(Array(text.utf8)) }
    }

    @Test("Members, elements and escaped strings decode as JSON says")
    func navigation() throws {
        let value = try RawJSON.parse(Array(#"{"k\u00e9y":"v\n\ud83d\ude00","list":[1, {"x":2} ,"s"]}"#.utf8))
        let members = value.members()
        #expect(members.map(\.key) == ["kéy", "list"])
        #expect(members.first?.value.stringValue == "v\n😀")
        #expect(value["list"]?.elements().map(\.text) == ["1", #"{"x":2}"#, #""s""#])
        #expect(value["missing"] == nil)
    }

    @Test("A deep merge keeps untouched keys and merges nested objects")
    func deepMerge() {
        let merged = JSONMerge.deepMerge(Array(#"{"a":1,"n":{"x":1,"y":2},"l":[1]}"#.utf8), Array(#"{"n":{"y":3},"l":[2],"b":true}"#.utf8))
        #expect(String(decoding: merged, as: UTF8.self) == #"{"a":1,"n":{"x":1,"y":3},"l":[2],"b":true}"#)
    }
}
