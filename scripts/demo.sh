#!/usr/bin/env bash
# The daemon's main job on an embedded default, on a fresh Debian 12 machine:
#   1. installs what it needs (scripts/setup.sh) and builds kuzzle-bridge and the Kuzzle stand-in;
#   2. starts a local Kafka-protocol broker (tansu, in memory, behind our shim) and the Kuzzle stand-in;
#   3. produces sample document events (writes, updates, deletes, and a few malformed ones) to 4 partitions;
#   4. runs the real daemon against them until everything is committed, printing its log lines;
#   5. stops it with SIGTERM and prints what landed in Kuzzle and in the dead-letter topic.
# Usage: scripts/demo.sh [number-of-events]     (default 20000)
#        scripts/demo.sh --cdc [number-of-rows]  (default 200): change data capture instead: a simulated Postgres
#        table's Debezium change events (snapshot, creates, updates, deletes with and without tombstones, key changes,
#        heartbeats, schemas on and off; scripts/cdc-events.py) on a topic routed with format: debezium, then the
#        table as it landed in Kuzzle, compared row by row with the simulated one.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CDC=0
if [ "${1:-}" = "--cdc" ]; then
    CDC=1
    shift
    ROWS="${1:-200}"
fi
EVENTS="${1:-20000}"
RUN="$ROOT/.run/demo"
mkdir -p "$RUN"

bash scripts/setup.sh
echo "demo: building (first build takes a few minutes)"
swift build 2>&1 | { grep -Ev '^\[[0-9]+/[0-9]+\] ' || true; } | tail -n 20
BIN="$(swift build --show-bin-path)"

bash scripts/brokers.sh start >/dev/null
set -a; . .run/brokers.env; set +a
BROKER="$KB_TANSU_BOOTSTRAP"
STAMP="$(date +%s)"
TOPIC="demo-events-$STAMP"
DLQ="demo-dead-letters-$STAMP"

cleanup() {
    [ -n "${BRIDGE_PID:-}" ] && kill -TERM "$BRIDGE_PID" 2>/dev/null || true
    [ -n "${STANDIN_PID:-}" ] && kill -TERM "$STANDIN_PID" 2>/dev/null || true
    bash scripts/brokers.sh stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

rm -f "$RUN/standin.port"
"$BIN/kuzzle-standin" --host 127.0.0.1 --port 0 --port-file "$RUN/standin.port" \
    --collection shop/orders --collection shop/customers --collection shop/products >"$RUN/standin.log" 2>&1 &
STANDIN_PID=$!
for _ in $(seq 100); do [ -s "$RUN/standin.port" ] && break; sleep 0.1; done
KUZZLE="http://127.0.0.1:$(cat "$RUN/standin.port")"
echo "demo: broker $BROKER, Kuzzle stand-in $KUZZLE, topic $TOPIC"

ROUTING=""
if [ "$CDC" = 1 ]; then
    echo "demo: producing the Debezium change events of a simulated table of $ROWS rows"
    "$ROOT/.build-tools/venv/bin/python" "$ROOT/scripts/cdc-events.py" --rows "$ROWS" --expect "$RUN/table.json" \
        >"$RUN/events.txt"
    EVENTS=$(wc -l <"$RUN/events.txt")
    # -Z: an empty value is a Kafka null (Debezium's tombstones).
    kcat -P -b "$BROKER" -t "$TOPIC" -K '|' -Z -z lz4 -l "$RUN/events.txt"
    ROUTING="routing:
  topics:
    $TOPIC:
      format: debezium
      index: shop
      collection: orders"
else
    echo "demo: producing $EVENTS sample events"
    "$ROOT/.build-tools/venv/bin/python" "$ROOT/scripts/sample-events.py" --count "$EVENTS" --poison 5 >"$RUN/events.txt"
    kcat -P -b "$BROKER" -t "$TOPIC" -K '|' -z lz4 -l "$RUN/events.txt"
fi

cat >"$RUN/config.yaml" <<YAML
kafka:
  bootstrap_servers: [$BROKER]
  group_id: demo-$STAMP
  topics: [$TOPIC]
  session_timeout: 6s
kuzzle:
  url: $KUZZLE
batching:
  max_documents: 1000
  max_bytes: 900KiB
  max_wait: 200ms
dead_letter:
  topic: $DLQ
logging:
  level: info
  format: logfmt
  stats_interval: 2s
shutdown:
  drain_timeout: 10s
$ROUTING
YAML

echo "demo: starting kuzzle-bridge run --config $RUN/config.yaml"
"$BIN/kuzzle-bridge" run --config "$RUN/config.yaml" > >(tee "$RUN/bridge.log") 2>&1 &
BRIDGE_PID=$!

# Done when every event was consumed and nothing is held in memory any more (all written or dead-lettered).
for _ in $(seq 600); do
    sleep 1
    kill -0 "$BRIDGE_PID" 2>/dev/null || { echo "demo: the daemon exited early" >&2; exit 1; }
    LAST=$(grep 'msg=stats' "$RUN/bridge.log" | tail -n 1 || true)
    CONSUMED=$(sed -n 's/.* consumed=\([0-9]*\).*/\1/p' <<<"$LAST")
    HELD=$(sed -n 's/.* memory.bytes=\([0-9]*\).*/\1/p' <<<"$LAST")
    if [ "${CONSUMED:-0}" -ge "$EVENTS" ] && [ "${HELD:-1}" = "0" ]; then break; fi
done
kill -TERM "$BRIDGE_PID"
wait "$BRIDGE_PID" && RC=0 || RC=$?
BRIDGE_PID=""
echo
echo "demo: kuzzle-bridge exited with status $RC"
if [ "$CDC" = 1 ]; then
    echo "demo: the simulated table against shop/orders in Kuzzle:"
    "$ROOT/.build-tools/venv/bin/python" - "$KUZZLE" "$RUN/table.json" <<'PY'
import json, sys, urllib.request
base, table = sys.argv[1], json.load(open(sys.argv[2]))
def call(method, path):
    request = urllib.request.Request(base + path, method=method)
    try:
        with urllib.request.urlopen(request) as answer:
            return json.load(answer)
    except urllib.error.HTTPError as error:
        return json.load(error)
count = call("POST", "/shop/orders/_count")["result"]["count"]
same = 0
for doc_id, row in table.items():
    got = call("GET", f"/shop/orders/{doc_id}").get("result") or {}
    source = {k: v for k, v in (got.get("_source") or {}).items() if k != "_kuzzle_info"}
    same += source == row
print(f"  simulated table: {len(table)} rows; shop/orders: {count} documents; {same} identical to their row")
for doc_id in list(table)[:3]:
    print(f"  e.g. {doc_id}: {json.dumps(call('GET', f'/shop/orders/{doc_id}')['result']['_source'])}")
PY
    grep -E 'Skipping Debezium|msg=stats' "$RUN/bridge.log" | tail -n 2 | cut -c1-400
    exit "$RC"
fi
echo "demo: what landed in Kuzzle (stand-in document:count):"
for collection in orders customers products; do
    COUNT=$(curl -s -X POST "$KUZZLE/shop/$collection/_count" | "$ROOT/.build-tools/venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["result"]["count"])')
    printf '  shop/%-10s %s documents\n' "$collection" "$COUNT"
done
DLQ_COUNT=$(kcat -C -b "$BROKER" -t "$DLQ" -e -q -f '%o\n' 2>/dev/null | wc -l || echo 0)
echo "demo: dead-letter topic $DLQ holds $DLQ_COUNT events (the malformed samples), e.g.:"
kcat -C -b "$BROKER" -t "$DLQ" -e -q -c 1 -f '  headers: %h\n  value:   %s\n' 2>/dev/null || true
