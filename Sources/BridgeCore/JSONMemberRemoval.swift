/// Leaves one member out of a JSON object's bytes, with the comma that separated it: the `__deleted` marker of a
/// `debezium-unwrapped` row. The other members' bytes are copied unchanged (no decoding, no re-encoding).
enum JSONMemberRemoval {
    /// The object `value[object]` without the member `value[member]` (opening quote to the end of its value).
    static func removing(_ member: Range<Int>, from value: [UInt8], within object: Range<Int>) -> [UInt8] {
        let cut = span(of: member, in: value)
        var body: [UInt8] = []
        body.reserveCapacity(object.count - cut.count)
        body.append(contentsOf: value[object.lowerBound..<cut.lowerBound])
        body.append(contentsOf: value[cut.upperBound..<object.upperBound])
        return body
    }

    /// The object `body` (its whole bytes, indices from 0) without the member at `member` shifted by `shift`.
    static func removing(_ member: Range<Int>, shiftedBy shift: Int, from body: ArraySlice<UInt8>) -> [UInt8] {
        let bytes = Array(body)
        let shifted = (member.lowerBound + shift)..<(member.upperBound + shift)
        return removing(shifted, from: bytes, within: 0..<bytes.count)
    }

    /// The bytes to cut: the member and the comma before it, or, for a first member, the comma after it.
    private static func span(of member: Range<Int>, in bytes: [UInt8]) -> Range<Int> {
        var before = member.lowerBound - 1
        while before >= 0, isWhitespace(bytes[before]) { before -= 1 }
        if before >= 0, bytes[before] == UInt8(ascii: ",") { return before..<member.upperBound }
        var after = member.upperBound
        while after < bytes.count, isWhitespace(bytes[after]) { after += 1 }
        if after < bytes.count, bytes[after] == UInt8(ascii: ",") { return member.lowerBound..<(after + 1) }
        return member
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
