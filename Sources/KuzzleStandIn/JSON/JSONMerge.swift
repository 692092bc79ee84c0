import NIOCore

/// Builds new document bodies from existing bytes, for `_kuzzle_info` and partial updates.
enum JSONMerge {
    /// `object` with `key` set to `value` (replacing any previous member of that name, appended last).
    static func replacing(key: String, with value: JSONFragment, in object: RawJSON) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(object.range.count + 128)
        buffer.writeStaticString("{")
        var first = true
        for member in object.members() where member.key != key {
            if !first { buffer.writeStaticString(",") }
            first = false
            buffer.writeJSONKey(member.key)
            buffer.writeBytes(member.value.bytes)
        }
        if !first { buffer.writeStaticString(",") }
        buffer.writeJSONKey(key)
        value.write(into: &buffer)
        buffer.writeStaticString("}")
        return Array(buffer.readableBytesView)
    }

    /// Elasticsearch's partial-update merge: objects merge recursively, anything else is replaced.
    static func deepMerge(_ existing: [UInt8], _ patch: [UInt8]) -> [UInt8] {
        guard let base = try? RawJSON.parse(existing), let change = try? RawJSON.parse(patch) else { return patch }
        var buffer = ByteBuffer()
        write(merging: base, with: change, into: &buffer)
        return Array(buffer.readableBytesView)
    }

    private static func write(merging base: RawJSON, with change: RawJSON, into buffer: inout ByteBuffer) {
        guard base.kind == .object, change.kind == .object else {
            buffer.writeBytes(change.bytes)
            return
        }
        let changes = change.members()
        let changedKeys = Dictionary(changes.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
        let baseMembers = base.members()
        let baseKeys = Set(baseMembers.map(\.key))
        buffer.writeStaticString("{")
        var first = true
        for member in baseMembers {
            if !first { buffer.writeStaticString(",") }
            first = false
            buffer.writeJSONKey(member.key)
            if let replacement = changedKeys[member.key] {
                write(merging: member.value, with: replacement, into: &buffer)
            } else {
                buffer.writeBytes(member.value.bytes)
            }
        }
        for member in changes where !baseKeys.contains(member.key) {
            if !first { buffer.writeStaticString(",") }
            first = false
            buffer.writeJSONKey(member.key)
            buffer.writeBytes(member.value.bytes)
        }
        buffer.writeStaticString("}")
    }
}
