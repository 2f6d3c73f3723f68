#!/usr/bin/env bash
# Starts a throw-away PostgreSQL 15 on loopback in DIR. Prints shell assignments:
#   PG_URL=postgresql://…  PG_STOP='…'
# PostgreSQL refuses to run as root, so the server runs as the postgres user.
set -euo pipefail
DIR=$1
PGBIN=/usr/lib/postgresql/15/bin
PORT=${PG_PORT:-$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
mkdir -p "$DIR"
RUN=""
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$DIR"
  chmod 755 "$(dirname "$DIR")"
  RUN="runuser -u postgres --"
fi
$RUN "$PGBIN/initdb" -D "$DIR/data" -A trust -U dcmms >/dev/null
$RUN "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
$RUN "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U dcmms dcmms
echo "PG_URL='postgresql://dcmms@127.0.0.1:$PORT/dcmms'"
echo "PG_STOP='$RUN $PGBIN/pg_ctl -D $DIR/data -m fast stop'"
