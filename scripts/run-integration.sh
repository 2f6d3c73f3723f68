#!/usr/bin/env bash
# Black-box HTTP suite: starts PostgreSQL on loopback in a temp dir, then runs pytest against
# the dcmms binary once per storage backend (sqlite, postgres).
set -euo pipefail
BIN=$(realpath "$1"); shift  # the remaining arguments go to pytest
cd "$(dirname "$0")/.."
WORK=$(mktemp -d /tmp/dcmms-it.XXXXXX)
cleanup() {
  [ -n "${PG_STOP:-}" ] && eval "$PG_STOP" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
eval "$(bash scripts/start-postgres.sh "$WORK/pg")"
export DCMMS_BIN="$BIN" DCMMS_PG_URL="$PG_URL"
/usr/bin/python3 -m pytest -q -p no:cacheprovider tests/integration "$@"
