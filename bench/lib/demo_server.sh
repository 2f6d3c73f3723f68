# Sourced by the end-to-end benchmarks: starts the real server on a freshly seeded demo portfolio
# (rate limits off), with a telemetry API key and the list of the demo's first 1,000 assets.
#   start_demo_server DCMMS_BINARY DIR [serve flags...]
# sets SERVER_PID, PORT, KEY and writes DIR/assets.txt ("siteId assetId" per line); the caller
# kills SERVER_PID when done.
start_demo_server() {
  local bin=$1 dir=$2
  shift 2
  "$bin" demo --data-dir "$dir/data" >/dev/null 2>&1
  DCMMS_RATE_LIMITS=off "$bin" serve --data-dir "$dir/data" --listen 127.0.0.1:0 --port-file "$dir/port" \
    "$@" 2>"$dir/server.log" &
  SERVER_PID=$!
  for _ in $(seq 1 100); do [ -s "$dir/port" ] && break; sleep 0.1; done
  PORT=$(cat "$dir/port")
  KEY=$("$bin" apikey create --data-dir "$dir/data" --email system-administrator@demo.dcmms.io \
          --scopes write:telemetry,read:telemetry,read:assets | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
  for page in $(seq 1 10); do
    curl -sf "http://127.0.0.1:$PORT/api/v1/assets?pageSize=100&page=$page" -H "X-API-Key: $KEY"; echo
  done | python3 -c '
import sys, json
for line in sys.stdin:
    if line.strip():
        for a in json.loads(line)["data"]: print(a["siteId"], a["assetId"])' > "$dir/assets.txt"
}
