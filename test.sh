#!/usr/bin/env bash
# Runs every test: unit tests and distributed tests that start the real AppHost (Redis, PostgreSQL, the API,
# two realtime nodes and the worker). Installs missing prerequisites first. Pass a filter to run a subset,
# e.g. ./test.sh "Category=Unit".
set -uo pipefail
cd "$(dirname "$0")"
scripts/install-prerequisites.sh || exit 1

filter=()
[ $# -gt 0 ] && filter=(--filter "$1")
log=$(mktemp)
# A test that hangs is reported by name and fails the run within minutes, rather than holding CI to its limit.
dotnet test Chat.sln --nologo "${filter[@]}" --logger "console;verbosity=normal" \
  --blame-hang-timeout 10m --blame-hang-dump-type none 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# One plain summary line for CI, summed over test assemblies (vstest's closing counts: "     Passed: N").
awk '/^ +(Passed|Failed|Skipped): +[0-9]+$/ { n[$1] += $2 }
     END { printf "tests: %d passed, %d failed, %d skipped\n", n["Passed:"], n["Failed:"], n["Skipped:"] }' "$log"
rm -f "$log"
exit "$status"
