#!/usr/bin/env bash
# bench/api: wrk against the real server on SQLite with authentication on and rate limits off.
# Measures, in one run and beside GET /healthz as the baseline:
#   POST /api/v1/work-orders (which also fills the table to >= 10,000 work orders),
#   GET  /api/v1/work-orders?pageSize=50, GET /api/v1/work-orders/{id},
# at 256 keep-alive connections, then every endpoint at 5,000 connections (answered connections).
# Usage: bench/api/run.sh [duration-seconds]   (build/release/dcmms is built if missing)
set -euo pipefail
cd "$(dirname "$0")/../.."
DUR=${1:-10}
BIN=${DCMMS_BIN:-build/release/dcmms}
[ -x "$BIN" ] || make build >/dev/null
WORK=$(mktemp -d /tmp/dcmms-bench-api.XXXXXX)
trap 'kill $(cat $WORK/pid 2>/dev/null) 2>/dev/null || true; rm -rf $WORK' EXIT
ulimit -n $(ulimit -Hn) 2>/dev/null || true
PASS='Wrk!Passw0rd#2026'
"$BIN" user create --data-dir "$WORK/data" --email bench@bench.io --password "$PASS" --role system-administrator >/dev/null
DCMMS_RATE_LIMITS=off "$BIN" serve --data-dir "$WORK/data" --listen 127.0.0.1:0 --port-file "$WORK/port" 2>"$WORK/server.log" &
echo $! > "$WORK/pid"
for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
PORT=$(cat "$WORK/port"); URL="http://127.0.0.1:$PORT"
TOKEN=$(curl -s -XPOST "$URL/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"email\":\"bench@bench.io\",\"password\":\"$PASS\"}" | /usr/bin/python3 -c 'import sys,json;print(json.load(sys.stdin)["data"]["accessToken"])')
curl -sf -XPOST "$URL/api/v1/sites" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"siteId":"BENCH","name":"Bench","type":"solar","location":{"lat":26.9,"lon":70.9,"state":"RJ","country":"IN"},"capacityMw":50}' >/dev/null

cat > "$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $TOKEN"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"siteId":"BENCH","type":"corrective","priority":"high","title":"Inverter fault INV-07","description":"IGBT over-temperature trip"}'
LUA
cat > "$WORK/get.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA
DAY=$(date -u +%Y%m%d)
cat > "$WORK/byid.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $TOKEN"
math.randomseed(42)
request = function()
  return wrk.format("GET", string.format("/api/v1/work-orders/WO-$DAY-%04d", math.random(1, 10000)))
end
LUA

# Prints: label req/s p50 p99 non2xx errors
run() {  # run LABEL CONNS SCRIPT PATH
  local label=$1 conns=$2 script=$3 path=$4 threads=2
  local out; out=$(wrk -t$threads -c"$conns" -d"${DUR}s" --latency --timeout 10s ${script:+-s "$script"} "$URL$path" 2>&1)
  local rps p50 p99 non2xx sock
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out"); non2xx=${non2xx:-0}
  sock=$(grep -o 'Socket errors:.*' <<<"$out" || echo "Socket errors: none")
  printf '%-34s conns=%-5s req/s=%-10s p50=%-9s p99=%-9s non2xx=%-6s %s\n' "$label" "$conns" "$rps" "$p50" "$p99" "$non2xx" "$sock"
  echo "$rps" > "$WORK/last_rps"
}

echo "# bench/api $(date -u +%FT%TZ) on $(nproc) cores; SQLite WAL synchronous=NORMAL (durable on process crash; an OS crash may lose the last commits)"
COUNT=0
while [ "$COUNT" -lt 10000 ]; do  # fill the table to 10,000 work orders (the issue's dataset)
  wrk -t2 -c32 -d1s -s "$WORK/post.lua" "$URL/api/v1/work-orders" >/dev/null 2>&1
  COUNT=$(curl -s "$URL/api/v1/work-orders?pageSize=1" -H "Authorization: Bearer $TOKEN" | /usr/bin/python3 -c 'import sys,json;print(json.load(sys.stdin)["meta"]["pagination"]["totalItems"])')
done
echo "# work orders in table: $COUNT"
# Warm-up (page cache, statement caches, list totals), not measured.
wrk -t2 -c256 -d2s -s "$WORK/get.lua" "$URL/api/v1/work-orders?pageSize=50" >/dev/null 2>&1
run "GET /healthz (baseline)" 256 "" /healthz; HEALTH=$(cat "$WORK/last_rps")
run "GET /work-orders?pageSize=50" 256 "$WORK/get.lua" "/api/v1/work-orders?pageSize=50"; LIST=$(cat "$WORK/last_rps")
run "GET /work-orders/{id}" 256 "$WORK/byid.lua" /api/v1/work-orders; BYID=$(cat "$WORK/last_rps")
run "POST /work-orders" 256 "$WORK/post.lua" /api/v1/work-orders; CREATE=$(cat "$WORK/last_rps")
run "GET /healthz (baseline)" 5000 "" /healthz
run "GET /work-orders?pageSize=50" 5000 "$WORK/get.lua" "/api/v1/work-orders?pageSize=50"
run "GET /work-orders/{id}" 5000 "$WORK/byid.lua" /api/v1/work-orders
run "POST /work-orders" 5000 "$WORK/post.lua" /api/v1/work-orders
/usr/bin/python3 - "$HEALTH" "$LIST" "$BYID" "$CREATE" <<'PY'
import sys
h, l, b, c = map(float, sys.argv[1:])
print(f"ratios vs /healthz in this run: list {l/h:.3f}, by-id {b/h:.3f}, create {c/h:.3f}")
print(f"targets (256 conns): list >= 6000 ({'met' if l>=6000 else 'MISSED'}), by-id >= 40000 ({'met' if b>=40000 else 'MISSED'}), create >= 8000 ({'met' if c>=8000 else 'MISSED'})")
PY
