import Testing

@testable import JSONScan

/// The validating scan's watch for the `script`/`_script` keys Kuzzle's bulk:import refuses (`_scriptCheck`: the
/// value's `Object.keys` must all be `id` or `params`; `null` makes it throw).
@Suite struct ScriptKeyScanTests {
    /// Validates `json` watching script keys; the key found, or `nil`.
    static func scriptKey(in json: String, watching: Bool = true) throws -> JSONScriptKey? {
        try json.bytes.withUnsafeBytes { raw in
            var scanner = JSONScanner(raw, mode: .validating(maximumDepth: 16))
            scanner.watchesScriptKeys = watching
            try scanner.skipValue()
            let atEnd = scanner.isAtEnd()
            #expect(atEnd)
            return scanner.scriptKey
        }
    }

    static let refused: [(json: String, name: String, position: Int, isNull: Bool)] = [
        (#"{"script":null}"#, "script", 1, true),
        (#"{"a":{"b":[{"_script":null}]}}"#, "_script", 12, true),
        (#"{"script":"painless"}"#, "script", 1, false),
        (#"{"script":[1]}"#, "script", 1, false),
        (#"{"script":[ {} ]}"#, "script", 1, false),
        (#"{"script":{"id":"x","lang":"painless"}}"#, "script", 1, false),
        (#"{"script":{"source":"ctx._source.n++"}}"#, "script", 1, false),
        (#"{"n":1,"deep":{"deeper":{"_script":{"params":{},"other":1}}}}"#, "_script", 25, false),
        // Kuzzle reads keys after JSON.parse, which decodes escapes.
        (#"{"scr\u0069pt":null}"#, "script", 1, true),
        (#"{"\u005fscript":"x"}"#, "_script", 1, false),
        // The first refused key is the one reported.
        (#"{"script":"a","_script":null}"#, "script", 1, false),
    ]

    @Test("a script key whose value has keys other than id and params is found, at any depth", arguments: refused)
    func refusedScriptKeysAreFound(_ example: (json: String, name: String, position: Int, isNull: Bool)) throws {
        let found = try #require(try Self.scriptKey(in: example.json), "\(example.json)")
        #expect(found == JSONScriptKey(name: example.name, position: example.position, valueIsNull: example.isNull))
    }

    static let accepted: [String] = [
        #"{"script":{"id":"x","params":{}}}"#, #"{"script":{}}"#, #"{"script":{"id":"x"}}"#,
        #"{"_script":{"params":{"a":[1,2]}}}"#,
        // Object.keys of a number, a boolean, "" and [] is empty.
        #"{"script":3}"#, #"{"script":true}"#, #"{"script":""}"#, #"{"script":[]}"#, #"{"script":[ ]}"#,
        // An accepted script value is not looked into.
        #"{"script":{"params":{"script":null}}}"#,
        // Not a key, or another key.
        #"{"note":"script"}"#, #"{"note":"\"script\":null"}"#, #"["script",null]"#, #"{"scripts":null}"#,
        #"{"Script":null}"#, #"{"scrip":null}"#, #"{"_scripts":null}"#, #"{"script_":null}"#,
    ]

    @Test("script keys Kuzzle accepts, and the word script elsewhere, are not counted", arguments: accepted)
    func acceptedScriptKeysAreNotCounted(_ json: String) throws {
        #expect(try Self.scriptKey(in: json) == nil, "\(json)")
    }

    @Test("without the watch, or when skipping, nothing is counted")
    func onlyAWatchingValidatingScanCounts() throws {
        #expect(try Self.scriptKey(in: #"{"script":null}"#, watching: false) == nil)
        let found = #"{"script":null}"#.bytes.withUnsafeBytes { raw in
            var scanner = JSONScanner(raw)
            scanner.watchesScriptKeys = true
            try? scanner.skipValue()
            return scanner.scriptKey
        }
        #expect(found == nil)
    }

    @Test("a malformed script value is still refused as malformed JSON")
    func malformedScriptValuesAreRefused() {
        for json in [#"{"script":nul}"#, #"{"script":{"id":}}"#, #"{"script":[1,]}"#, #"{"script":"\x"}"#] {
            #expect(throws: JSONScanError.self, "\(json)") { try Self.scriptKey(in: json) }
        }
    }
}
