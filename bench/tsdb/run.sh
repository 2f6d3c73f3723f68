#!/usr/bin/env bash
# Telemetry engine benchmark: builds Release, runs the reference workload (and a simulated solar
# plant day from the plant simulator, `tsdb_bench --workload solar`) through the engine
# (durable and fast mode) and through Debian's clickhouse-server (RowBinary over HTTP on
# loopback), answers the same queries on both and prints our/ClickHouse ratios.
# Then the same series end to end through the real server (Release, SQLite + embedded engine,
# durable): HTTP line protocol from 4 keep-alive connections (10,000 lines per request) against
# ClickHouse's HTTP insert of the same rows as TabSeparated text, and MQTT (QoS 1, Debian's
# mosquitto, 100 points per message).
# Usage: bench/tsdb/run.sh [--series N] [--points M] [--runs R] [--e2e-points E]
#        (defaults 1000, 86400, 3, 14400: the end-to-end runs send E seconds of every series)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SERIES=1000 POINTS=86400 RUNS=3 E2E_POINTS=14400
while [ $# -gt 0 ]; do
  case "$1" in
    --series) SERIES=$2; shift 2 ;;
    --points) POINTS=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --e2e-points) E2E_POINTS=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
BUILD="$ROOT/build/h-tsdb-rel"
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDCMMS_TESTS=OFF -DDCMMS_BENCH=ON >/dev/null
cmake --build "$BUILD" --target tsdb_bench dcmms -j2 >/dev/null
BENCH="$BUILD/bench/tsdb/tsdb_bench"
DCMMS="$BUILD/dcmms"
WORK="$(mktemp -d /tmp/tsdb-bench-XXXXXX)"
CH_PID="" SERVER_PID="" MQTT_PID=""
cleanup() {
  for p in $CH_PID $SERVER_PID $MQTT_PID; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
HTTP_PORT=$(free_port); TCP_PORT=$(free_port)
mkdir -p "$WORK/ch/data" "$WORK/ch/tmp"
cat > "$WORK/ch/config.xml" <<XML
<yandex>
  <logger><level>warning</level><log>$WORK/ch/server.log</log><errorlog>$WORK/ch/error.log</errorlog></logger>
  <http_port>$HTTP_PORT</http_port>
  <tcp_port>$TCP_PORT</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>$WORK/ch/data/</path>
  <tmp_path>$WORK/ch/tmp/</tmp_path>
  <users_config>/etc/clickhouse-server/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>536870912</mark_cache_size>
</yandex>
XML
clickhouse-server --config-file="$WORK/ch/config.xml" >/dev/null 2>&1 &
CH_PID=$!
CH="http://127.0.0.1:$HTTP_PORT/"
for _ in $(seq 1 100); do curl -sf "$CH" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf "$CH" >/dev/null || { echo "clickhouse-server did not start" >&2; cat "$WORK/ch/error.log" >&2 || true; exit 1; }
chq() { curl -sS --fail-with-body "$CH" --data-binary "$1"; }
CH_VERSION=$(chq "SELECT version()")

T0=1704067200000; T1=$((T0 + 86400000))

ch_run() {  # one ClickHouse run of $WORK/rows.bin: prints a JSON object
  chq "DROP TABLE IF EXISTS points" >/dev/null
  chq "CREATE TABLE points (series UInt32, ts UInt64, value Float64, quality UInt8, flags UInt8)
       ENGINE = MergeTree() PARTITION BY toDate(toDateTime(intDiv(ts, 1000))) ORDER BY (series, ts)" >/dev/null
  local start end ingest
  start=$(date +%s.%N)
  curl -sS --fail-with-body -X POST -T "$WORK/rows.bin" "${CH}?query=INSERT%20INTO%20points%20FORMAT%20RowBinary" >/dev/null
  end=$(date +%s.%N)
  ingest=$(python3 -c "print($end - $start)")
  chq "OPTIMIZE TABLE points FINAL" >/dev/null
  local bytes
  bytes=$(chq "SELECT sum(bytes_on_disk) FROM system.parts WHERE table = 'points' AND active")
  local rollup="SELECT intDiv(ts, 60000) * 60000 AS b, count(), sum(value), sum(value * value), min(value), max(value),
      argMin(value, ts), argMax(value, ts) FROM points WHERE series = 17 AND ts >= $T0 AND ts < $T1 GROUP BY b ORDER BY b FORMAT Null"
  local latest="SELECT series, argMax(value, ts), max(ts) FROM points GROUP BY series FORMAT Null"
  local rollup_ms latest_ms
  rollup_ms=$(python3 "$ROOT/bench/tsdb/ch_query_ms.py" "$CH" "$rollup" 50)
  latest_ms=$(python3 "$ROOT/bench/tsdb/ch_query_ms.py" "$CH" "$latest" 10)
  local rows=$(( $(stat -c %s "$WORK/rows.bin") / 22 ))  # RowBinary rows are 22 bytes
  echo "{\"ingest_s\":$ingest,\"ingest_points_per_s\":$(python3 -c "print(round($rows/$ingest))"),\"bytes\":$bytes,\"bytes_per_point\":$(python3 -c "print(round($bytes/$rows,4))"),\"rollup_1d_1m_ms\":$rollup_ms,\"latest_1000_ms\":$latest_ms}"
}

# Two workloads: the reference random walk (files durable/fast/ch.jsonl) and a simulated solar
# plant day (solar_*.jsonl; its series count comes from the plant model, ~966).
for WL in random-walk solar; do
  P=""; [ "$WL" = solar ] && P="solar_"
  echo "generating RowBinary ($WL, $POINTS seconds)..." >&2
  "$BENCH" rowbinary --workload "$WL" --series "$SERIES" --points "$POINTS" > "$WORK/rows.bin"
  : > "$WORK/${P}durable.jsonl"; : > "$WORK/${P}fast.jsonl"; : > "$WORK/${P}ch.jsonl"
  for i in $(seq 1 "$RUNS"); do
    echo "run $i/$RUNS ($WL): engine durable" >&2
    "$BENCH" engine --workload "$WL" --dir "$WORK/engine" --series "$SERIES" --points "$POINTS" >> "$WORK/${P}durable.jsonl"
    echo "run $i/$RUNS ($WL): engine fast" >&2
    "$BENCH" engine --workload "$WL" --dir "$WORK/engine" --fast --series "$SERIES" --points "$POINTS" >> "$WORK/${P}fast.jsonl"
    echo "run $i/$RUNS ($WL): clickhouse $CH_VERSION" >&2
    ch_run >> "$WORK/${P}ch.jsonl"
  done
  rm -rf "$WORK/engine" "$WORK/rows.bin"
done

# End to end: the server on the demo tenant, series s on the demo's asset s % 1000, sensor rw<s>.
MQTT_PORT=$(free_port)
printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\nmax_inflight_messages 1000\n' "$MQTT_PORT" > "$WORK/mosquitto.conf"
mosquitto -c "$WORK/mosquitto.conf" > "$WORK/mosquitto.log" 2>&1 &
MQTT_PID=$!
. "$ROOT/bench/lib/demo_server.sh"
start_demo_server "$DCMMS" "$WORK" --mqtt 127.0.0.1 --mqtt-port "$MQTT_PORT"
"$BENCH" tsv --series "$SERIES" --points "$E2E_POINTS" > "$WORK/rows.tsv"
# Each run writes its own window of recent time (inside the default 7-day max age), so no
# point is a duplicate of an earlier run.
WINDOW_MS=$(( (E2E_POINTS + 3600) * 1000 ))
BASE_MS=$(( ($(date +%s) - 6 * 86400) / 3600 * 3600 * 1000 ))
: > "$WORK/lp.jsonl"; : > "$WORK/mqtt.jsonl"; : > "$WORK/ch_text.jsonl"
for i in $(seq 1 "$RUNS"); do
  echo "run $i/$RUNS: HTTP line protocol" >&2
  "$BENCH" lp-load --port "$PORT" --api-key "$KEY" --assets "$WORK/assets.txt" --series "$SERIES" \
    --points "$E2E_POINTS" --t0-ms $((BASE_MS + (2 * i - 2) * WINDOW_MS)) >> "$WORK/lp.jsonl"
  echo "run $i/$RUNS: MQTT" >&2
  "$BENCH" mqtt-load --mqtt-port "$MQTT_PORT" --port "$PORT" --api-key "$KEY" --assets "$WORK/assets.txt" \
    --series "$SERIES" --points "$E2E_POINTS" --t0-ms $((BASE_MS + (2 * i - 1) * WINDOW_MS)) >> "$WORK/mqtt.jsonl"
  echo "run $i/$RUNS: ClickHouse HTTP insert, TabSeparated" >&2
  chq "DROP TABLE IF EXISTS points_text" >/dev/null
  chq "CREATE TABLE points_text (series UInt32, ts UInt64, value Float64, quality UInt8, flags UInt8)
       ENGINE = MergeTree() PARTITION BY toDate(toDateTime(intDiv(ts, 1000))) ORDER BY (series, ts)" >/dev/null
  start=$(date +%s.%N)
  curl -sS --fail-with-body -X POST -T "$WORK/rows.tsv" "${CH}?query=INSERT%20INTO%20points_text%20FORMAT%20TabSeparated" >/dev/null
  end=$(date +%s.%N)
  python3 -c "print('{\"points_per_s\":%d}' % round($SERIES * $E2E_POINTS / ($end - $start)))" >> "$WORK/ch_text.jsonl"
done

python3 - "$WORK" "$CH_VERSION" <<'PY'
import json, statistics, sys
work, chv = sys.argv[1], sys.argv[2]
load = lambda n: [json.loads(l) for l in open(f"{work}/{n}.jsonl") if l.strip()]
d, f, c = load("durable"), load("fast"), load("ch")
lp, mq, ct = load("lp"), load("mqtt"), load("ch_text")
med = lambda rows, k: statistics.median(r[k] for r in rows)
print(json.dumps({"durable": d, "fast": f, "clickhouse": c, "http_lp": lp, "mqtt": mq, "clickhouse_text": ct,
                  "solar_durable": load("solar_durable"), "solar_fast": load("solar_fast"), "solar_clickhouse": load("solar_ch")},
                 indent=None))
print()
def tables(title, d, f, c):
    print(f"{title}: median of {len(d)} runs; ClickHouse {chv}; {d[0]['series']} series x {d[0]['points'] // d[0]['series']:,} s")
    print(f"| metric | engine durable | engine fast | ClickHouse | durable/CH | fast/CH |")
    print(f"|---|---|---|---|---|---|")
    def row(name, k, ck, better_high=True, fmt="{:,.0f}"):
        dv, fv, cv = med(d, k), med(f, k), med(c, ck)
        r = (lambda a: a / cv) if better_high else (lambda a: cv / a)
        print(f"| {name} | {fmt.format(dv)} | {fmt.format(fv)} | {fmt.format(cv)} | {r(dv):.2f}x | {r(fv):.2f}x |")
    row("ingest points/s", "ingest_points_per_s", "ingest_points_per_s")
    row("raw bytes/point", "raw_bytes_per_point", "bytes_per_point", False, "{:.3f}")
    row("1-day 1-min roll-up query, ms", "rollup_1d_1m_ms", "rollup_1d_1m_ms", False, "{:.3f}")
    row("latest of all series, ms", "latest_1000_ms", "latest_1000_ms", False, "{:.3f}")
    print(f"| data dir bytes/point (all tiers) | {med(d,'data_dir_bytes')/med(d,'points'):.3f} | {med(f,'data_dir_bytes')/med(f,'points'):.3f} | - | | |")
    print(f"| close (final checkpoint + compaction), s | {med(d,'close_s'):.2f} | {med(f,'close_s'):.2f} | - | | |")
    print(f"| 1-day raw query (86,400 rows), ms | {med(d,'raw_1d_ms'):.2f} | {med(f,'raw_1d_ms'):.2f} | - | | |")
    print(f"| peak RSS, MB (of which engine) | {med(d,'peak_rss_mb'):.0f} ({med(d,'engine_rss_mb'):.0f}) | {med(f,'peak_rss_mb'):.0f} ({med(f,'engine_rss_mb'):.0f}) | - | | |")
    print()
tables("reference random walk", d, f, c)
tables("simulated solar day", load("solar_durable"), load("solar_fast"), load("solar_ch"))
print("| end to end (server, durable) | points/s | ClickHouse HTTP insert, TabSeparated | ratio |")
print("|---|---|---|---|")
print(f"| HTTP line protocol, {lp[0]['connections']} connections x {lp[0]['lines_per_request']:,} lines | {med(lp,'points_per_s'):,.0f} | {med(ct,'points_per_s'):,.0f} | {med(lp,'points_per_s')/med(ct,'points_per_s'):.2f}x |")
print(f"| MQTT QoS 1, {mq[0]['points_per_message']} points per message (all stored: {all(r['stored'] >= r['points'] for r in mq)}) | {med(mq,'points_per_s'):,.0f} | - | |")
print("ratios: >1 = engine better (throughput: ours/CH; sizes and latencies: CH/ours)")
PY
