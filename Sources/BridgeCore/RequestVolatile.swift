import JSONScan

/// The `X-Kuzzle-Volatile` object of a write request (realtime.md §1): which bridge instance sent it and which Kafka
/// events it carries, so that a subscriber can recognise a replay (the same offsets notified again).
///
/// Shape, for a request whose events come from one partition (the usual case):
/// `{"bridge":"<instance>","topic":"<topic>","partition":<n>,"firstOffset":<o>,"lastOffset":<o>}`; for events of
/// several partitions, `{"bridge":"<instance>","partitions":[{"topic","partition","firstOffset","lastOffset"}, …]}`
/// ordered by topic then partition. Kuzzle echoes it in every notification of the request.
public enum RequestVolatile {
    /// The JSON object for `instance` and the sources of the events sent.
    ///
    /// One pass, no hashing: sources of one partition usually come in runs, so the last partition seen is checked
    /// first, then the few others linearly. Inlinable, so that the caller's sequence type is specialised: unspecialised,
    /// each element cost a heap allocation.
    @inlinable
    public static func json(instance: String, sources: some Sequence<EventSource>) -> String {
        var ranges: [(partition: TopicPartition, first: Int64, last: Int64)] = []
        var current = -1
        for source in sources {
            if current < 0 || ranges[current].partition.partition != source.partition
                || ranges[current].partition.topic != source.topic
            {
                current =
                    ranges.firstIndex {
                        $0.partition.partition == source.partition && $0.partition.topic == source.topic
                    } ?? -1
                if current < 0 {
                    ranges.append((source.topicPartition, source.offset, source.offset))
                    current = ranges.count - 1
                    continue
                }
            }
            ranges[current].first = min(ranges[current].first, source.offset)
            ranges[current].last = max(ranges[current].last, source.offset)
        }
        var json = "{\"bridge\":" + quoted(instance)
        if ranges.count == 1 {
            json += "," + members(ranges[0].partition, (ranges[0].first, ranges[0].last))
        } else {
            let ordered = ranges.sorted {
                $0.partition.topic == $1.partition.topic
                    ? $0.partition.partition < $1.partition.partition : $0.partition.topic < $1.partition.topic
            }
            json += ",\"partitions\":["
            json += ordered.map { "{" + members($0.partition, ($0.first, $0.last)) + "}" }.joined(separator: ",")
            json += "]"
        }
        return json + "}"
    }

    @usableFromInline
    static func members(_ partition: TopicPartition, _ range: (first: Int64, last: Int64)) -> String {
        "\"topic\":" + quoted(partition.topic) + ",\"partition\":\(partition.partition),\"firstOffset\":\(range.first),"
            + "\"lastOffset\":\(range.last)"
    }

    /// `text` as a JSON string in plain ASCII (quotes and backslashes escaped, anything else outside printable ASCII
    /// as `\\uXXXX`): header values must stay on one line.
    @usableFromInline
    static func quoted(_ text: String) -> String {
        JSONStringLiteral.quoted(text, asciiOnly: true)
    }
}
