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

if [ "$#" -gt 0 ]; then
    swift test --skip-build "$@"
    exit
fi
# Three phases, so the broker-heavy suites do not compete for the two cores with everything else.
echo "test: unit and component suites"
swift test --skip-build --skip '^(RdKafkaTests|IntegrationTests)\.'
echo "test: Kafka layer against the brokers (${KB_TEST_BROKERS:-mock,tansu})"
swift test --skip-build --filter '^RdKafkaTests\.'
echo "test: end to end (the daemon process, the mock cluster, the Kuzzle stand-in)"
swift test --skip-build --filter '^IntegrationTests\.'
