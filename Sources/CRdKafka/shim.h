// CRdKafka: the C boundary of kuzzle-bridge over Debian's librdkafka (pkg-config `rdkafka`).
// Only the system headers plus `static inline kb_rdkafka_*` wrappers for what Swift cannot call
// (macros, variadic functions). Every exported helper is prefixed `kb_rdkafka_`.
#ifndef KUZZLE_BRIDGE_CRDKAFKA_SHIM_H
#define KUZZLE_BRIDGE_CRDKAFKA_SHIM_H

#include <librdkafka/rdkafka.h>

#if !defined(RD_KAFKA_VERSION) || RD_KAFKA_VERSION < 0x020002ff
#error "kuzzle-bridge needs librdkafka >= 2.0.2 (Debian: apt-get install librdkafka-dev)"
#endif

#endif
