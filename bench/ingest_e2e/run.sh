#!/usr/bin/env bash
# bench/ingest_e2e: telemetry end to end through the real server (Release, SQLite + embedded TSDB,
# durable mode, rate limits off) on the demo portfolio's series:
#   1. HTTP line protocol: `dcmms simulate --format lp` posting 5,000-point batches (one keep-alive
#      connection per simulator; the generator shares the 2 cores with the server);
#   2. MQTT: the simulator publishing multi-metric messages to Debian's mosquitto, the server
#      subscribed (QoS 1).
# The figure is points stored per second, read from the store's own counter before and after.
# Baseline in the same run: the simulator encoding into a null sink (the generator's own ceiling).
# Usage: bench/ingest_e2e/run.sh [points-per-run]
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-3000000}
BIN=${DCMMS_BIN:-build/release/dcmms}
[ -x "$BIN" ] || make build >/dev/null
WORK=$(mktemp -d /tmp/dcmms-bench-ingest.XXXXXX)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill $p 2>/dev/null || true; done; wait 2>/dev/null; rm -rf $WORK' EXIT
freeport() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

"$BIN" demo --data-dir "$WORK/data" > /dev/null
MQTT_PORT=$(freeport)
# The broker must queue for a subscriber that is momentarily slower than the publishers
# (mosquitto's default drops QoS 1 messages beyond 1,000 queued per client).
printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\nmax_inflight_messages 1000\n' "$MQTT_PORT" > "$WORK/mosquitto.conf"
mosquitto -c "$WORK/mosquitto.conf" > "$WORK/mosquitto.log" 2>&1 & PIDS+=($!)
DCMMS_RATE_LIMITS=off "$BIN" serve --data-dir "$WORK/data" --listen 127.0.0.1:0 --port-file "$WORK/port" \
  --mqtt 127.0.0.1 --mqtt-port "$MQTT_PORT" 2>"$WORK/server.log" & PIDS+=($!)
for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
URL="http://127.0.0.1:$(cat "$WORK/port")"
KEY=$("$BIN" apikey create --data-dir "$WORK/data" --email system-administrator@demo.dcmms.io \
        --scopes write:telemetry,read:telemetry | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
points() { curl -s "$URL/api/v1/telemetry/stats?assetId=INV-01" -H "X-API-Key: $KEY" |
           /usr/bin/python3 -c 'import sys,json; print(json.load(sys.stdin)["data"]["store"]["points"])'; }
SITES=(--solar-site SOLAR-01 --wind-site WIND-01 --battery-site BESS-01)
echo "# bench/ingest_e2e $(date -u +%FT%TZ) on $(nproc) cores, $N points per run, durable (fsync per group commit)"

# Simulated time starts 2 h ago and runs unlimited, so every point is new (no dedup shortcut).
START=$(( $(date +%s%3N) - 7200000 ))
run_lp() {
  local before after t0 t1
  before=$(points); t0=$(date +%s.%N)
  "$BIN" simulate --format lp --url "$URL" --api-key "$KEY" --rate -1 --max-points "$N" --batch 5000 \
    --seed 7 --start-ms "$START" "${SITES[@]}" > "$WORK/sim-lp.log" 2>&1
  t1=$(date +%s.%N); after=$(points)
  /usr/bin/python3 -c "print(f'HTTP line protocol      stored {$after-$before:>9} points in {$t1-$t0:6.2f} s = {($after-$before)/($t1-$t0):>12,.0f} points/s')"
  echo "$after $before $t0 $t1" > "$WORK/lp"
}
run_mqtt() {
  local before after t0 t1 last
  before=$(points); t0=$(date +%s.%N)
  "$BIN" simulate --format mqtt --mqtt-host 127.0.0.1 --mqtt-port "$MQTT_PORT" --rate -1 --max-points "$N" \
    --seed 8 --start-ms "$((START - 3600000))" "${SITES[@]}" > "$WORK/sim-mqtt.log" 2>&1
  # wait until the server has drained the broker (count stable for 1 s)
  last=-1; after=$(points)
  while [ "$after" != "$last" ]; do last=$after; sleep 1; after=$(points); done
  t1=$(date +%s.%N)
  /usr/bin/python3 -c "print(f'MQTT (QoS 1, multi-metric) stored {$after-$before:>9} points in {$t1-$t0-1:6.2f} s = {($after-$before)/($t1-$t0-1):>12,.0f} points/s')"
}
run_lp
run_mqtt
grep -hE "points/s|rate" "$WORK/sim-lp.log" | tail -1 | sed 's/^/simulator (lp): /'
grep -hE "points/s|rate" "$WORK/sim-mqtt.log" | tail -1 | sed 's/^/simulator (mqtt): /'
echo "targets: HTTP line protocol >= 2,000,000 points/s durable; MQTT >= 500,000 points/s"
