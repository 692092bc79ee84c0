import CRdKafka

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Copies a consumed `rd_kafka_message_t` into a ``KafkaRecord``: each payload is copied exactly once.
enum RDKafkaMessage {
    /// Builds the record for a successful message. Never fails on data: null key or value stay `nil`, header names
    /// are decoded lossily, a missing topic handle yields an empty topic name.
    static func record(from message: UnsafePointer<rd_kafka_message_t>) -> KafkaRecord {
        var lastTopic = ""
        return record(from: message, lastTopic: &lastTopic)
    }

    /// Builds the record like ``record(from:)``, taking the topic name from `lastTopic` when it is the same (no
    /// allocation), and leaving the record's topic name in `lastTopic` for the next call.
    static func record(from message: UnsafePointer<rd_kafka_message_t>, lastTopic: inout String) -> KafkaRecord {
        let pointee = message.pointee
        let topic: String
        if let name = pointee.rkt.flatMap({ rd_kafka_topic_name($0) }) {
            if !lastTopic.withCString({ strcmp($0, name) == 0 }) { lastTopic = String(cString: name) }
            topic = lastTopic
        } else {
            topic = ""
        }
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(message, &timestampType)
        return KafkaRecord(
            topic: topic,
            partition: pointee.partition,
            offset: pointee.offset,
            key: bytes(pointee.key, count: pointee.key_len),
            value: bytes(pointee.payload, count: pointee.len),
            headers: headers(of: message),
            timestamp: timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE || timestamp < 0 ? nil : timestamp
        )
    }

    /// Copies `count` bytes at `pointer`, or returns `nil` for a null pointer.
    static func bytes(_ pointer: UnsafeRawPointer?, count: Int) -> [UInt8]? {
        guard let pointer else { return nil }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// Reads the message headers (the header list stays owned by the message).
    private static func headers(of message: UnsafePointer<rd_kafka_message_t>) -> [KafkaHeader] {
        var list: OpaquePointer?
        guard rd_kafka_message_headers(message, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return [] }
        let count = rd_kafka_header_cnt(list)
        var headers: [KafkaHeader] = []
        headers.reserveCapacity(count)
        for index in 0..<count {
            var name: UnsafePointer<CChar>?
            var value: UnsafeRawPointer?
            var size = 0
            guard rd_kafka_header_get_all(list, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR else {
                continue
            }
            // String(cString:) repairs invalid UTF-8 with U+FFFD: lossy, never a crash.
            let nameText = name.map { String(cString: $0) } ?? ""
            headers.append(KafkaHeader(name: nameText, value: bytes(value, count: size)))
        }
        return headers
    }
}
