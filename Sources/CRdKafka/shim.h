// CRdKafka: the C boundary of kuzzle-bridge over Debian's librdkafka (pkg-config `rdkafka`).
// Only the system headers plus `static inline kb_rdkafka_*` wrappers for what Swift cannot call
// (macros, variadic functions). Every exported helper is prefixed `kb_rdkafka_`.
#ifndef KUZZLE_BRIDGE_CRDKAFKA_SHIM_H
#define KUZZLE_BRIDGE_CRDKAFKA_SHIM_H

#include <librdkafka/rdkafka.h>

#if !defined(RD_KAFKA_VERSION) || RD_KAFKA_VERSION < 0x020002ff
#error "kuzzle-bridge needs librdkafka >= 2.0.2 (Debian: apt-get install librdkafka-dev)"
#endif

/// Produces one message with rd_kafka_producev (a variadic function Swift cannot call).
/// key/value are copied (RD_KAFKA_MSG_F_COPY); a NULL value produces a tombstone. partition -1 lets the partitioner
/// choose. On success librdkafka takes ownership of `headers` (may be NULL); on failure the caller still owns them.
/// Returns RD_KAFKA_RESP_ERR_NO_ERROR or the reason the message was not enqueued.
static inline rd_kafka_resp_err_t kb_rdkafka_produce(rd_kafka_t *rk, const char *topic, int32_t partition,
                                                     const void *key, size_t key_len, const void *value,
                                                     size_t value_len, rd_kafka_headers_t *headers,
                                                     void *msg_opaque) {
    if (headers) {
        return rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(partition),
                                 RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key, key_len),
                                 RD_KAFKA_V_VALUE((void *)value, value_len), RD_KAFKA_V_HEADERS(headers),
                                 RD_KAFKA_V_OPAQUE(msg_opaque), RD_KAFKA_V_END);
    }
    return rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(partition),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key, key_len),
                             RD_KAFKA_V_VALUE((void *)value, value_len), RD_KAFKA_V_OPAQUE(msg_opaque),
                             RD_KAFKA_V_END);
}

#endif
