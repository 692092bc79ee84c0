/// The `X-Kuzzle-Volatile` object of a write request (realtime.md §1): which bridge instance sent it and which Kafka
/// events it carries, so that a subscriber can recognise a replay (the same offsets notified again).
///
/// Shape, for a request whose events come from one partition (the usual case):
/// `{"bridge":"<instance>","topic":"<topic>","partition":<n>,"firstOffset":<o>,"lastOffset":<o>}`; for events of
/// several partitions, `{"bridge":"<instance>","partitions":[{"topic","partition","firstOffset","lastOffset"}, …]}`
/// ordered by topic then partition. Kuzzle echoes it in every notification of the request.
public enum RequestVolatile {
    /// The JSON object for `instance` and the sources of the events sent.
    public static func json(instance: String, sources: some Sequence<EventSource>) -> String {
        var ranges: [TopicPartition: (first: Int64, last: Int64)] = [:]
        for source in sources {
            let key = source.topicPartition
            if let range = ranges[key] {
                ranges[key] = (min(range.first, source.offset), max(range.last, source.offset))
            } else {
                ranges[key] = (source.offset, source.offset)
            }
        }
        var json = "{\"bridge\":" + quoted(instance)
        let ordered = ranges.sorted {
            $0.key.topic == $1.key.topic ? $0.key.partition < $1.key.partition : $0.key.topic < $1.key.topic
        }
        if ordered.count == 1, let only = ordered.first {
            json += "," + members(only.key, only.value)
        } else {
            json += ",\"partitions\":[" + ordered.map { "{" + members($0.key, $0.value) + "}" }.joined(separator: ",")
            json += "]"
        }
        return json + "}"
    }

    private static func members(_ partition: TopicPartition, _ range: (first: Int64, last: Int64)) -> String {
        "\"topic\":" + quoted(partition.topic) + ",\"partition\":\(partition.partition),\"firstOffset\":\(range.first),"
            + "\"lastOffset\":\(range.last)"
    }

    /// `text` as a JSON string in plain ASCII (quotes and backslashes escaped, anything else outside printable ASCII
    /// as `\\uXXXX`): header values must stay on one line.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case let ascii where ascii.value >= 0x20 && ascii.value < 0x7F:
                result.unicodeScalars.append(ascii)
            default:
                // Control characters and everything beyond ASCII: header values stay plain ASCII.
                for unit in String(scalar).utf16 {
                    let hex = String(unit, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
            }
        }
        return result + "\""
    }
}
