import BridgeCore
import Testing

/// The routing scan's bulk:import hazards (kuzzle-api.md §4.2): bodies whose first key Kuzzle takes for an action
/// line are rewritten with their leading members moved to the end; bodies with a script key bulk:import refuses
/// go to bulk:mWrite (writes) or are refused at routing (everything else, and every write under
/// `writer.route: import`).
@Suite struct ImportHazardTests {
    let router = EventRouter()
    static let noMWrite = TopicRouting(defaultIndex: "shop", defaultCollection: "orders", mWriteAvailable: false)
    static let rawNoMWrite = TopicRouting(
        format: .raw,
        defaultIndex: "shop",
        defaultCollection: "orders",
        mWriteAvailable: false
    )

    func route(
        body: String,
        action: DocumentAction = .write,
        routing: TopicRouting = Fixture.defaultedRouting
    ) throws(EventDecodingError) -> DocumentEvent {
        let envelope = #"{"_id":"d1","action":"\#(action.rawValue)","body":\#(body)}"#
        return try router.route(Fixture.record(envelope), routing: routing)
    }

    static let firstValues = [#"{"a":1}"#, "[1,2]", "[]", #""text""#, "3", "-0.5e2", "true", "false", "null", "{}"]

    @Test(
        "a write or create body whose first key is an action name gets that member moved to the end, every value type"
    )
    func firstKeyIsMovedForEveryValueType() throws {
        for name in ["index", "create", "update", "delete"] {
            for value in Self.firstValues {
                for action in [DocumentAction.write, .create] {
                    let event = try route(body: #"{"\#(name)":\#(value),"n":1,"m":[2]}"#, action: action)
                    #expect(event.importHazard == .firstKeyIsActionName, "\(name): \(value)")
                    #expect(event.bodyText == #"{"n":1,"m":[2],"\#(name)":\#(value)}"#, "\(name): \(value)")
                }
            }
        }
    }

    @Test("the rewrite copies byte ranges: only the moved members change place, their bytes and the rest are kept")
    func rewriteKeepsTheBytes() throws {
        let body = "{ \"index\" :\t{\"x\" : \"é\\u00e9\"} ,\n \"n\" : 1 , \"é\":\"\\\"\" }"
        let event = try route(body: body)
        #expect(event.bodyText == "{\"n\" : 1 , \"é\":\"\\\"\",\"index\" :\t{\"x\" : \"é\\u00e9\"}}")
        // The record keeps the original bytes (for the dead-letter topic).
        let original = #"{"_id":"d1","action":"write","body":\#(body)}"#
        #expect(event.record?.value == Array(original.utf8))
    }

    @Test("leading action-name members move together; a later action-name key that is not leading stays")
    func leadingRunMoves() throws {
        let event = try route(body: #"{"index":1,"delete":{"a":2},"n":3,"update":4}"#)
        #expect(event.bodyText == #"{"n":3,"update":4,"index":1,"delete":{"a":2}}"#)
        #expect(event.importHazard == .firstKeyIsActionName)
    }

    @Test("an escaped first key is read as Kuzzle's JSON.parse reads it: \"ind\\u0065x\" is index")
    func escapedFirstKeyCounts() throws {
        let event = try route(body: #"{"ind\u0065x":3,"n":1}"#)
        #expect(event.importHazard == .firstKeyIsActionName)
        #expect(event.bodyText == #"{"n":1,"ind\u0065x":3}"#)
    }

    @Test("raw values are checked and rewritten like envelope bodies")
    func rawValuesToo() throws {
        let event = try router.route(Fixture.record(#"{"create":null,"n":1}"#, key: "k"), routing: Fixture.rawRouting)
        #expect(event.importHazard == .firstKeyIsActionName)
        #expect(event.bodyText == #"{"n":1,"create":null}"#)
    }

    @Test("bodies whose first key is no action name, updates, deletes and empty bodies are left alone")
    func othersAreLeftAlone() throws {
        for body in [#"{"n":1,"index":2}"#, #"{"indexes":1}"#, #"{"Index":1}"#, "{}", #"{"_index":1,"n":2}"#] {
            let event = try route(body: body)
            #expect(event.importHazard == .none, "\(body)")
            #expect(event.bodyText == body)
        }
        // An update's partial document is sent as {"doc":…}: its own first key is never read as an action.
        let update = try route(body: #"{"index":3,"n":1}"#, action: .update)
        #expect(update.importHazard == .none)
        #expect(update.bodyText == #"{"index":3,"n":1}"#)
        let delete = try route(body: #"{"index":3,"script":null}"#, action: .delete)
        #expect(delete.importHazard == .none)
        #expect(delete.body == nil)
    }

    @Test("a body with only action-name keys, or whose leading key repeats, cannot be reordered: mWrite or refused")
    func unmovableBodies() throws {
        for body in [#"{"update":5}"#, #"{"index":1,"delete":2}"#, #"{"index":1,"n":2,"index":3}"#] {
            let write = try route(body: body)
            #expect(write.importHazard == .onlyActionNameKeys, "\(body)")
            #expect(write.bodyText == body)
            let create = #expect(throws: EventDecodingError.self) { try route(body: body, action: .create) }
            #expect(create?.kind == .importHazard)
            #expect(create?.field == "body")
            #expect(create?.reason.contains("no route can write it intact") == true, "\(create?.reason ?? "")")
            let imported = #expect(throws: EventDecodingError.self) { try route(body: body, routing: Self.noMWrite) }
            #expect(imported?.kind == .importHazard)
            #expect(imported?.reason.contains("writer.route is import") == true, "\(imported?.reason ?? "")")
        }
    }

    @Test("a write with a refused script key anywhere is kept intact for bulk:mWrite")
    func scriptKeyWriteGoesToMWrite() throws {
        let body = #"{"index":1,"meta":{"rules":[{"script":null}]},"n":2}"#
        let event = try route(body: body)
        #expect(event.importHazard == .scriptKey)
        #expect(event.bodyText == body, "not rewritten: mWrite carries it as it is")
    }

    @Test("a create or update with a refused script key, or any such event under writer.route import, is refused")
    func scriptKeyElsewhereIsRefused() throws {
        let cases: [(String, DocumentAction, TopicRouting, String)] = [
            (#"{"script":"x"}"#, .create, Fixture.defaultedRouting, "bulk:mWrite cannot carry a create"),
            (#"{"a":{"_script":{"source":"x"}}}"#, .update, Fixture.defaultedRouting, "cannot carry an update"),
            (#"{"script":null}"#, .write, Self.noMWrite, "writer.route is import"),
        ]
        for (body, action, routing, because) in cases {
            let error = #expect(throws: EventDecodingError.self) {
                try route(body: body, action: action, routing: routing)
            }
            #expect(error?.kind == .importHazard)
            #expect(error?.field == "body")
            let reason = error?.reason ?? ""
            #expect(reason.contains("script\" key"), "\(reason)")
            #expect(reason.contains(because), "\(reason)")
        }
        let null = #expect(throws: EventDecodingError.self) {
            try router.route(Fixture.record(#"{"n":{"script":null}}"#, key: "k"), routing: Self.rawNoMWrite)
        }
        #expect(null?.reason.contains("fails it with 500") == true, "\(null?.reason ?? "")")
        #expect(null?.reason.contains("at byte 6") == true, "\(null?.reason ?? "")")
    }

    @Test("script keys Kuzzle accepts, and the word script in strings, are no hazard")
    func acceptedScriptKeys() throws {
        for body in [
            #"{"script":{"id":"x","params":{}}}"#, #"{"note":"script"}"#, #"{"script":3}"#, #"{"s":"\"script\":null"}"#,
        ] {
            let event = try route(body: body, action: .create)
            #expect(event.importHazard == .none, "\(body)")
        }
    }

    @Test("a script key in the envelope outside the body is no hazard: only the body is sent")
    func envelopeMembersAreNotWatched() throws {
        let value = #"{"_id":"d1","action":"create","script":null,"body":{"n":1}}"#
        let event = try router.route(Fixture.record(value), routing: Fixture.defaultedRouting)
        #expect(event.importHazard == .none)
    }
}
