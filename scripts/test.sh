#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 clone: installs what it needs (scripts/setup.sh: apt-get, pip),
# checks formatting, builds, starts the test brokers (librdkafka mock cluster + tansu behind our shim) on
# 127.0.0.1, runs every Swift test against them, and stops what it started.
# Usage: scripts/test.sh [extra `swift test` arguments, e.g. --filter BridgeCoreTests]
# Env:   KB_TEST_BROKERS=mock,tansu (default) selects the brokers the Kafka tests run against.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh

echo "test: checking formatting (swift format lint)"
swift format lint --strict --recursive --parallel Package.swift Sources Tests

echo "test: building"
swift build --build-tests 2>&1 | { grep -Ev '^\[[0-9]+/[0-9]+\] ' || true; } | tail -n 60   # pipefail: a build error fails here

bash scripts/brokers.sh start
trap 'bash scripts/brokers.sh stop' EXIT
set -a
# shellcheck disable=SC1091
. .run/brokers.env
set +a
export KB_BRIDGE_BINARY="$(swift build --show-bin-path)/kuzzle-bridge"

echo "test: running swift test"
swift test --skip-build "$@"
