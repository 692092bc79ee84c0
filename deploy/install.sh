#!/usr/bin/env bash
# Builds kuzzle-bridge in release mode and installs it as a systemd service. Idempotent: run it again to upgrade
# (the binary and unit are replaced; an existing /etc/kuzzle-bridge/config.yaml and secrets are kept).
# Usage: sudo deploy/install.sh [--no-build] [--prefix /usr/local] [--no-start]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREFIX=/usr/local; BUILD=1; START=1
while [ $# -gt 0 ]; do
    case "$1" in
        --no-build) BUILD=0 ;;
        --no-start) START=0 ;;
        --prefix) PREFIX="$2"; shift ;;
        *) echo "install: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
[ "$(id -u)" -eq 0 ] || { echo "install: run as root (sudo)" >&2; exit 1; }

if [ "$BUILD" = 1 ]; then
    bash "$ROOT/scripts/setup.sh"
    (cd "$ROOT" && swift build -c release --product kuzzle-bridge)
fi
BIN="$(cd "$ROOT" && swift build -c release --show-bin-path)/kuzzle-bridge"
[ -x "$BIN" ] || { echo "install: $BIN not found (build first)" >&2; exit 1; }

install -D -m 0755 "$BIN" "$PREFIX/bin/kuzzle-bridge"
install -d -m 0755 /etc/kuzzle-bridge
# The configuration may name secret files and hold inline secrets: readable by root and the service's group only
# (the unit runs with SupplementaryGroups=kuzzle-bridge), never by other users.
getent group kuzzle-bridge >/dev/null || groupadd --system kuzzle-bridge
if [ ! -f /etc/kuzzle-bridge/config.yaml ]; then
    install -m 0640 -g kuzzle-bridge "$ROOT/config.yaml" /etc/kuzzle-bridge/config.yaml
    echo "install: wrote /etc/kuzzle-bridge/config.yaml (edit it: kafka.bootstrap_servers, kuzzle.url, topics)"
elif [ -n "$(find /etc/kuzzle-bridge/config.yaml -perm -o=r)" ]; then
    chgrp kuzzle-bridge /etc/kuzzle-bridge/config.yaml && chmod 0640 /etc/kuzzle-bridge/config.yaml
    echo "install: /etc/kuzzle-bridge/config.yaml was world-readable: now 0640 root:kuzzle-bridge"
fi
if [ ! -f /etc/kuzzle-bridge/secrets.env ]; then
    install -m 0600 /dev/null /etc/kuzzle-bridge/secrets.env
    echo "# KUZZLE_BRIDGE_KUZZLE_API_KEY=kapikey-..." > /etc/kuzzle-bridge/secrets.env
fi
sed "s#/usr/local/bin/kuzzle-bridge#$PREFIX/bin/kuzzle-bridge#g" "$ROOT/deploy/kuzzle-bridge.service" \
    > /etc/systemd/system/kuzzle-bridge.service

# TimeoutStopSec= follows shutdown.drain_timeout: a stop takes at most the drain timeout plus the daemon's fixed
# margin (20 s: final commit, leaving the group, closing the dead-letter producer), so systemd waits that long plus
# 10 s before it kills. Run this script again (or `deploy/install.sh --no-build`) after changing drain_timeout.
stop_timeout_seconds() { # prints whole seconds for a duration as check-config prints it (1h, 2m, 45s, 500ms, 10ns)
    local value="$1"
    case "$value" in
        *ms) echo $(( (${value%ms} + 999) / 1000 )) ;;
        *ns) echo 1 ;;
        *h) echo $(( ${value%h} * 3600 )) ;;
        *m) echo $(( ${value%m} * 60 )) ;;
        *s) echo "${value%s}" ;;
        *) return 1 ;;
    esac
}
DRAIN="$("$PREFIX/bin/kuzzle-bridge" check-config --config /etc/kuzzle-bridge/config.yaml 2>/dev/null \
    | grep -o 'shutdown\.drain_timeout=[^ ]*' | cut -d= -f2 || true)"
DROPIN=/etc/systemd/system/kuzzle-bridge.service.d
if [ -n "$DRAIN" ] && DRAIN_S="$(stop_timeout_seconds "$DRAIN")"; then
    install -d -m 0755 "$DROPIN"
    printf '# Written by deploy/install.sh from shutdown.drain_timeout=%s: drain + 20 s margin + 10 s.\n[Service]\nTimeoutStopSec=%ss\n' \
        "$DRAIN" "$(( DRAIN_S + 30 ))" > "$DROPIN/10-stop-timeout.conf"
    echo "install: TimeoutStopSec=$(( DRAIN_S + 30 ))s (shutdown.drain_timeout=$DRAIN)"
else
    echo "install: could not read shutdown.drain_timeout (check-config failed?): keeping the unit's TimeoutStopSec" >&2
fi
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    systemctl enable kuzzle-bridge.service
    if [ "$START" = 1 ]; then systemctl restart kuzzle-bridge.service; fi
    echo "install: done. Logs: journalctl -u kuzzle-bridge -f"
else
    echo "install: installed; systemd is not running here, so the service was not started"
fi
