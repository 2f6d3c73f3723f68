#!/usr/bin/env bash
# `make run`: seeds the demo portfolio (idempotent), starts the server on embedded storage and
# the plant simulator feeding it line protocol in real time. Ctrl-C stops both.
set -euo pipefail
BIN=$1 DATA=$2 LISTEN=$3
mkdir -p "$DATA"
"$BIN" demo --data-dir "$DATA"
"$BIN" serve --data-dir "$DATA" --listen "$LISTEN" --port-file "$DATA/port" 2>>"$DATA/server.log" &
SERVER=$!
SIM=""
cleanup() {
  [ -n "$SIM" ] && kill "$SIM" 2>/dev/null || true
  kill -TERM "$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
}
trap cleanup EXIT INT TERM
for _ in $(seq 200); do [ -s "$DATA/port" ] && break; sleep 0.1; done
PORT=$(cat "$DATA/port")
URL="http://${LISTEN%:*}:$PORT"
KEY=$("$BIN" apikey create --data-dir "$DATA" --email system-administrator@demo.dcmms.io --name simulator \
        --scopes write:telemetry | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
"$BIN" simulate --format lp --url "$URL" --api-key "$KEY" --solar-site SOLAR-01 --wind-site WIND-01 \
  --battery-site BESS-01 >>"$DATA/simulator.log" 2>&1 &
SIM=$!
echo
echo "dCMMS is running at $URL   (server log: $DATA/server.log, simulator: $DATA/simulator.log)"
echo "Try: curl -s -X POST $URL/api/v1/auth/login -H 'Content-Type: application/json' \\"
echo "       -d '{\"email\":\"plant-manager@demo.dcmms.io\",\"password\":\"Demo!Passw0rd#2026\"}'"
echo "OpenAPI: $URL/api/v1/openapi.json    Metrics: $URL/metrics    Stop: Ctrl-C"
wait "$SERVER"
