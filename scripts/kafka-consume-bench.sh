#!/usr/bin/env bash
# Consume throughput on tansu memory:// (behind tagshim): kcat (librdkafka 2.0.2, the floor) vs our RdKafka layer.
# Produces N (default 200000) ~500-byte messages with kcat to a fresh 4-partition topic, then times a group consume
# with kcat and with KafkaConsumer (opt-in test ConsumeBenchmark, KB_CONSUME_BENCH=1). Both use a fresh group,
# auto.offset.reset=earliest, session.timeout.ms=6000, fetch.wait.max.ms=50; "wall" includes the group join;
# our layer also prints the rate from its first partitionsAssigned event (comparable to kcat assign mode).
# Usage: scripts/kafka-consume-bench.sh [N]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-200000}"
cd "$ROOT"
bash scripts/brokers.sh start >/dev/null
set -a; . .run/brokers.env; set +a
BS="$KB_TANSU_BOOTSTRAP"
TOPIC="bench-$(date +%s)-$$"
DATA="$ROOT/.run/bench-$N.txt"

if [ ! -s "$DATA" ]; then
    python3 - "$N" "$DATA" <<'PY'
import json, sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as f:
    for i in range(n):
        v = {"id": i, "type": "event", "source": "bench", "ts": 1700000000000 + i, "payload": "x" * 424}
        f.write(f"key-{i % 1000}:" + json.dumps(v, separators=(",", ":")) + "\n")
PY
fi

echo "bench: producing $N messages to $TOPIC (4 partitions, auto-created) on tansu $BS"
start=$(date +%s.%N)
kcat -P -b "$BS" -t "$TOPIC" -K: -l "$DATA"
end=$(date +%s.%N)
echo "bench: kcat produce: $(python3 -c "print(f'{$N/($end-$start):.0f} msg/s ({$end-$start:.2f} s)')")"

start=$(date +%s.%N)
got=$(kcat -C -b "$BS" -G "kcat-$TOPIC" -X auto.offset.reset=earliest -X session.timeout.ms=6000 \
    -X fetch.wait.max.ms=50 -e -q -f '\n' "$TOPIC" | wc -l)
end=$(date +%s.%N)
echo "bench: kcat group consume: $got records, $(python3 -c "print(f'{$got/($end-$start):.0f} msg/s wall incl. join ({$end-$start:.2f} s)')")"

start=$(date +%s.%N)
got=$(kcat -C -b "$BS" -t "$TOPIC" -o beginning -X fetch.wait.max.ms=50 -e -q -f '\n' | wc -l)
end=$(date +%s.%N)
echo "bench: kcat assign consume (no group, no join): $got records, $(python3 -c "print(f'{$got/($end-$start):.0f} msg/s ({$end-$start:.2f} s)')")"

swift build --build-tests >/dev/null
KB_CONSUME_BENCH=1 KB_BENCH_BOOTSTRAP="$BS" KB_BENCH_TOPIC="$TOPIC" KB_BENCH_COUNT="$N" KB_TEST_BROKERS= \
    swift test --skip-build --filter ConsumeBenchmark 2>&1 | grep RDKAFKA_BENCH | sed 's/^/bench: RdKafka KafkaConsumer: /'
