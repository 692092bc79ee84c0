#!/usr/bin/env bash
# End-to-end benchmark of kuzzle-bridge, one command from a fresh clone (see scripts/bench/e2e.py for the method):
# installs what it needs (scripts/setup.sh), builds the daemon and the Kuzzle stand-in in release, starts tansu
# memory:// behind tagshim (scripts/brokers.sh), then measures kcat's group consume (the floor) and the daemon
# bridging the same events into the stand-in, plus latency at ~10% of the measured peak, and prints one table.
# Usage: scripts/bench-e2e.sh [--events N] [--gzip] [--route mWrite|import|auto|document] [--notify]
#                             [--format envelope|debezium] [--stall]
#   --events N   events to produce and bridge (default 1000000)
#   --gzip       the daemon sends gzip-compressed request bodies (kuzzle.gzip: true; off by default)
#   --route R    writer.route (default mWrite); document writes through document:mCreateOrReplace (Kuzzle metadata,
#                notifications, at most 200 documents per request)
#   --notify     writer.notify: true (bulk:mWrite requests ask for notifications; routes mWrite and auto)
#   --format F   the workload: envelope (default) or debezium (Debezium change events, format: debezium)
#   --concurrency C              writer.concurrency for the daemon: a number or adaptive (default: the daemon's)
#   --stall      also: the stand-in stops answering for 60 s while a fresh daemon faces N events; peak RSS
#   --profile    record the daemon's throughput phase with `perf record -g` (.run/perf-daemon.data)
#   --kafka-property KEY=VALUE   an extra librdkafka property for the daemon (repeatable)
#   --latency-rate N             events/s for the latency phases (default: 10% of the measured peak)
#   --count-calls N              also count swift_retain/swift_release/malloc calls per document (perf uprobes) over
#                                the first N events bridged by a fresh daemon: exact figures, unlike CPU time
#   --call-sites                 with --count-calls: print which functions make those calls (perf record -g)
# Brokers are left running (scripts/brokers.sh stop); scratch files go to .run/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
"$ROOT/scripts/setup.sh"
echo "bench: building kuzzle-bridge and kuzzle-standin in release (first build takes several minutes)"
swift build -c release --product kuzzle-bridge
swift build -c release --product kuzzle-standin
BIN="$(swift build -c release --show-bin-path)"
bash scripts/brokers.sh start >/dev/null
set -a; . .run/brokers.env; set +a
exec "$ROOT/.build-tools/venv/bin/python" "$ROOT/scripts/bench/e2e.py" \
    --bootstrap "$KB_TANSU_BOOTSTRAP" --bin "$BIN" --run "$ROOT/.run" "$@"
