#!/usr/bin/env bash
# Starts a throw-away clickhouse-server (Debian's 18.16) on loopback in DIR. Prints shell
# assignments:  CH_URL=http://127.0.0.1:PORT/  CH_STOP='…'
# The server is detached (own session, no inherited stdio) so callers reading this script's
# output through a pipe see EOF as soon as the server answers.
set -euo pipefail
DIR=$1
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
HTTP_PORT=${CH_HTTP_PORT:-$(free_port)}
TCP_PORT=${CH_TCP_PORT:-$(free_port)}
mkdir -p "$DIR/data" "$DIR/tmp"
DIR=$(cd "$DIR" && pwd)
cat > "$DIR/config.xml" <<XML
<yandex>
  <logger><level>warning</level><log>$DIR/server.log</log><errorlog>$DIR/error.log</errorlog></logger>
  <http_port>$HTTP_PORT</http_port>
  <tcp_port>$TCP_PORT</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>$DIR/data/</path>
  <tmp_path>$DIR/tmp/</tmp_path>
  <users_config>/etc/clickhouse-server/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
</yandex>
XML
setsid clickhouse-server --config-file="$DIR/config.xml" </dev/null >"$DIR/stdout.log" 2>&1 &
PID=$!
echo "$PID" > "$DIR/server.pid"
URL="http://127.0.0.1:$HTTP_PORT/"
for _ in $(seq 1 300); do
  if curl -sf "$URL" >/dev/null 2>&1; then
    echo "CH_URL='$URL'"
    echo "CH_STOP='kill $PID; for i in \$(seq 1 100); do kill -0 $PID 2>/dev/null || break; sleep 0.1; done'"
    exit 0
  fi
  kill -0 "$PID" 2>/dev/null || break
  sleep 0.1
done
echo "clickhouse-server did not start; see $DIR/error.log" >&2
cat "$DIR/error.log" >&2 2>/dev/null || true
kill "$PID" 2>/dev/null || true
exit 1
