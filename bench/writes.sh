#!/usr/bin/env bash
# What `synchronous=FULL` costs in writes per second (not a test): the write pattern of a report on a WAL file at
# each synchronous level, then reports per second through the release build (8 clients, 60 reports each: the
# in-memory intake limit allows 500 an hour per instance).
#   bench/writes.sh [COMMITS]
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out
mkdir -p "$out"
echo "== release build"
swift build -c release 2>&1 | tail -1
bin=.build/release/observatory
rm -f "$out"/writes.sqlite*
export DATABASE_URL="$PWD/$out/writes.sqlite" OBSERVATORY_DEMO=0 OBSERVATORY_TRUST_PROXY=1
"$bin" serve --port 8092 >/dev/null 2>&1 & pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fs http://127.0.0.1:8092/ >/dev/null 2>&1 && break; sleep 0.2; done
python3 bench/writes.py "$out" "${1:-2000}" http://127.0.0.1:8092 8 60
