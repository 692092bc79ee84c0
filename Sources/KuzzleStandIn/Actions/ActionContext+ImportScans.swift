/// The two passes Kuzzle's bulk:import makes over `bulkData` before Elasticsearch sees it (kuzzle-api.md §4.2,
/// Elasticsearch service `_scriptCheck` and `_setLastActionToKuzzleMeta`), reproduced for fidelity: a bridge must
/// meet here the failures it would meet in production.
extension ActionContext {
    /// The bulk action names `_setLastActionToKuzzleMeta` recognises as a line's first key.
    static let importActionNames: Set<String> = ["index", "create", "update", "delete"]

    /// `_scriptCheck`: every `script`/`_script` key, at any depth, must have a value whose `Object.keys` are all
    /// `id` or `params` (a string's keys are `0`, `1`, …; numbers and booleans have none); `null` makes
    /// `Object.keys` throw (500). An accepted script value is not looked into.
    func scriptScan(_ bulkData: RawJSON) -> ActionFailure? {
        let bytes = bulkData.bytes
        // Most bulks have neither a script key nor a \u escape that could spell one.
        guard bytes.firstRange(of: Array("script\"".utf8)) != nil || bytes.firstRange(of: Array(#"\u"#.utf8)) != nil
        else { return nil }
        return Self.scriptCheck(bulkData)
    }

    private static func scriptCheck(_ value: RawJSON) -> ActionFailure? {
        switch value.kind {
        case .object:
            for member in value.members() {
                if member.key == "script" || member.key == "_script" {
                    if let failure = scriptArgumentsCheck(key: member.key, value: member.value) { return failure }
                } else if let failure = scriptCheck(member.value) {
                    return failure
                }
            }
        case .array:
            for element in value.elements() {
                if let failure = scriptCheck(element) { return failure }
            }
        default:
            break
        }
        return nil
    }

    private static func scriptArgumentsCheck(key: String, value: RawJSON) -> ActionFailure? {
        switch value.kind {
        case .null:
            return ActionFailure(.storageUnexpected("Cannot convert undefined or null to object"))
        case .object:
            if let foreign = value.members().first(where: { $0.key != "id" && $0.key != "params" }) {
                return ActionFailure(.invalidQueryKeyword("\(key).\(foreign.key)"))
            }
        case .array:
            if !value.elements().isEmpty { return ActionFailure(.invalidQueryKeyword("\(key).0")) }
        case .string:
            if value.range.count > 2 { return ActionFailure(.invalidQueryKeyword("\(key).0")) }
        case .number, .bool:
            break
        }
        return nil
    }

    /// `_setLastActionToKuzzleMeta`: every line whose first key (in JavaScript's order: integer-like keys first) is
    /// an action name is taken for an action line and gets `_index` assigned on that key's value. A string, number,
    /// boolean or `null` value throws (500, the whole request fails); an object gets `_index` injected; an array
    /// takes it invisibly. Such a line, when Elasticsearch reads it as a payload, gets no `_kuzzle_info`.
    ///
    /// - Returns: The positions of the lines taken for action lines, or the failure.
    func actionLineTrap(_ lines: [RawJSON]) -> Result<Set<Int>, ActionFailure> {
        var trapped: Set<Int> = []
        for (position, line) in lines.enumerated() {
            guard Self.mayStartWithActionName(line), let member = Self.javaScriptFirstMember(of: line),
                Self.importActionNames.contains(member.key)
            else { continue }
            switch member.value.kind {
            case .object, .array:
                trapped.insert(position)
            case .null:
                return .failure(ActionFailure(.storageUnexpected("Cannot set properties of null (setting '_index')")))
            case .string, .number, .bool:
                let type = member.value.kind == .string ? "string" : member.value.kind == .number ? "number" : "boolean"
                return .failure(
                    ActionFailure(
                        .storageUnexpected(
                            "Cannot create property '_index' on \(type) '\(member.value.stringValue ?? member.value.text)'"
                        )
                    )
                )
            }
        }
        return .success(trapped)
    }

    /// Whether an object line's first key may be an action name: it is one, or it has escapes to decode first.
    /// The usual payload line is ruled out without decoding (an integer-like key, which JavaScript puts first, is
    /// never an action name).
    private static func mayStartWithActionName(_ line: RawJSON) -> Bool {
        guard line.kind == .object else { return false }
        let bytes = line.bytes
        guard let open = bytes.firstIndex(of: UInt8(ascii: "\"")) else { return false }
        var end = open + 1
        while end < bytes.endIndex, bytes[end] != UInt8(ascii: "\"") {
            if bytes[end] == UInt8(ascii: "\\") { return true }
            end += 1
        }
        return importActionNames.contains(String(decoding: bytes[(open + 1)..<end], as: UTF8.self))
    }

    /// The member `Object.keys(line)[0]` names: the smallest array-index key when there is one, else the first.
    private static func javaScriptFirstMember(of line: RawJSON) -> (key: String, value: RawJSON)? {
        let members = line.members()
        var smallest: (index: UInt64, member: (key: String, value: RawJSON))?
        for member in members {
            guard let index = arrayIndex(member.key) else { continue }
            if smallest.map({ index < $0.index }) ?? true { smallest = (index, member) }
        }
        return smallest?.member ?? members.first
    }

    /// The value of a canonical array index key ("0", "17"; not "01", not 2³² − 1 or more), else `nil`.
    private static func arrayIndex(_ key: String) -> UInt64? {
        let digits = key.utf8
        guard let first = digits.first, digits.count <= 10, digits.allSatisfy({ (0x30...0x39).contains($0) }),
            first != UInt8(ascii: "0") || digits.count == 1, let value = UInt64(key), value < 4_294_967_295
        else { return nil }
        return value
    }

    /// A payload line taken for an action line, as Elasticsearch then stores it: `_index` injected into the object
    /// value of its first key (Kuzzle's alias of the collection, `@&index.collection`).
    func injectingIndex(into payload: RawJSON) -> RawJSON {
        guard let member = Self.javaScriptFirstMember(of: payload), member.value.kind == .object else { return payload }
        let alias = "@&\(index).\(collection)"
        let nested = JSONMerge.replacing(key: "_index", with: .string(alias), in: member.value)
        let bytes = JSONMerge.replacing(key: member.key, with: .raw(ArraySlice(nested)), in: payload)
        return (try? RawJSON.parse(bytes)) ?? payload
    }
}
