#!/usr/bin/env bash
# `make bench`: every benchmark that finishes within about half an hour, one after another (they
# share the 2 cores, so never in parallel), each output kept in bench/results/<UTC time>/.
# The soak and storm runs (bench/soak/run.sh 27|28|gate: 10 min, 7 min, 24 h) are started by hand.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT="bench/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
status=0
run() {  # run NAME COMMAND...
  local name=$1; shift
  echo "=== bench: $name"
  if "$@" > "$OUT/$name.txt" 2> "$OUT/$name.log"; then tail -n 25 "$OUT/$name.txt"; else echo "=== bench: $name FAILED (see $OUT/$name.log)"; status=1; fi
}
run api bench/api/run.sh
run tsdb bench/tsdb/run.sh
run ingest_e2e bench/ingest_e2e/run.sh
echo "=== bench: outputs in $OUT; figures go to docs/benchmarks.md"
exit $status
