#!/usr/bin/env bash
# Runs every test: installs dependencies, builds with ASan+UBSan, runs the unit tests (ctest)
# and the black-box HTTP integration suite against SQLite and PostgreSQL. Prints each stage's time.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-$(nproc)}
declare -a STAGES=()
stage() {  # stage NAME COMMAND...
  local name=$1; shift
  local t0=$SECONDS
  echo "=== stage: $name"
  "$@"
  local dt=$((SECONDS - t0))
  STAGES+=("$name: ${dt}s")
  echo "=== stage $name done in ${dt}s"
}

stage deps bash scripts/install-deps.sh
stage build-asan make --no-print-directory build-asan JOBS="$JOBS"
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
stage unit ctest --test-dir build/asan --output-on-failure -j "$JOBS"
stage fuzz bash scripts/run-fuzz.sh "${FUZZ_SECONDS:-20}"
if [ -d tests/integration ] && ls tests/integration/test_*.py >/dev/null 2>&1; then
  stage integration bash scripts/run-integration.sh build/asan/dcmms
fi
echo "=== stage times"
printf '  %s\n' "${STAGES[@]}"
