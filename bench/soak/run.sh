#!/usr/bin/env bash
# Soak and storm runs of requirements 02 checks 27–28 against the real server (Release, SQLite +
# embedded engine, durable), line protocol paced by `tsdb_bench soak` over 1,000 series of the
# demo portfolio:
#   bench/soak/run.sh 27     10,000 events/s for 10 min: ≥ 99 % stored, p99 < 5 s
#   bench/soak/run.sh 28     10,000 → 30,000 for 5 min → 100,000 for 1 min with the ingest memory
#                            bound lowered to 1 MB so throttling (503 + Retry-After) engages;
#                            pass = no crash and, once drained, every event stored
#   bench/soak/run.sh gate   72,000 events/s for 24 h (the production gate; p95 < 5 s, 0 % loss)
#   bench/soak/run.sh custom PHASES [SERVER FLAGS...]   e.g. custom 20000x60,50000x30
# Rate limits are off (they are per hour and would stop a 10-minute run at 10,000 requests).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
MODE=${1:-27}; shift || true
SERVER_FLAGS=()
case "$MODE" in
  27) PHASES=10000x600 ;;
  28) PHASES=10000x60,30000x300,100000x60; SERVER_FLAGS=(--ingest-memory-mb 1) ;;
  gate) PHASES=72000x86400 ;;
  custom) PHASES=$1; shift; SERVER_FLAGS=("$@") ;;
  *) echo "usage: $0 27|28|gate|custom PHASES [server flags]" >&2; exit 2 ;;
esac
BUILD="$ROOT/build/h-tsdb-rel"
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDCMMS_TESTS=OFF -DDCMMS_BENCH=ON >/dev/null
cmake --build "$BUILD" --target tsdb_bench dcmms -j2 >/dev/null
WORK="$(mktemp -d /tmp/dcmms-soak-XXXXXX)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
. "$ROOT/bench/lib/demo_server.sh"
start_demo_server "$BUILD/dcmms" "$WORK" "${SERVER_FLAGS[@]}"
echo "# bench/soak $MODE $(date -u +%FT%TZ) on $(nproc) cores: phases $PHASES (events/s x seconds), server flags: ${SERVER_FLAGS[*]:-none}" >&2
RC=0
"$BUILD/bench/tsdb/tsdb_bench" soak --port "$PORT" --api-key "$KEY" --assets "$WORK/assets.txt" --series 1000 \
  --connections 8 --lines-per-request 1000 --phases "$PHASES" || RC=$?
kill -0 "$SERVER_PID" 2>/dev/null || { echo "server died" >&2; RC=1; }
exit $RC
