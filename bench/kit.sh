#!/usr/bin/env bash
# Measure of the offline mission kit (not a test): a mission of 20 cases with 50 MB of attachments (random bytes,
# as photos do not compress) on SQLite files, with the standard scrypt cost (N = 2^16, r = 8): the kit's size and
# the export, open (unlock, a fresh local copy migrated and filled, the change log), return and merge times.
# Runs the measure kept in the test bundle (MissionKitBench, skipped unless OBSERVATORY_BENCH_KIT is set) on the
# debug build; a release build is faster.
#   bench/kit.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests 2>&1 | tail -1
OBSERVATORY_BENCH_KIT=1 .build/x86_64-unknown-linux-gnu/debug/observatoryPackageTests.xctest \
  --testing-library swift-testing --filter MissionKitBench 2>&1 | grep -E "BENCH|passed|failed|error" || true
