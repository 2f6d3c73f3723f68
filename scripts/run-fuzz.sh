#!/usr/bin/env bash
# Builds the libFuzzer targets of the ingest parsers with Debian's clang (ASan + UBSan) into
# build/fuzz/ and runs each for a bounded time, seeded from tests/fuzz/corpus/<target>/.
# Fails when a target crashes, leaks, times out or breaks an invariant; the reproducer is left
# in build/fuzz/crash-<target>-*.
#   usage: scripts/run-fuzz.sh [seconds-per-target]   (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-20}
CXX=${FUZZ_CXX:-clang++}
OUT=build/fuzz
mkdir -p "$OUT"

FLAGS=(-std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -fno-omit-frame-pointer -Isrc)
ING=src/telemetry/ingest
COMMON=("$ING/batch.cpp" "$ING/units.cpp" "$ING/sensor_types.cpp" "$ING/validate.cpp" src/core/time_format.cpp)

sources() {  # sources TARGET → the .cpp files and libraries the target needs
  case $1 in
    line_protocol) echo "$ING/fuzz_line_protocol.cpp $ING/line_protocol.cpp $ING/body_codec.cpp -lz" ;;
    json_events) echo "$ING/fuzz_json_events.cpp $ING/json_events.cpp $ING/dead_letter.cpp src/core/ids.cpp -lsimdjson" ;;
    multipart) echo "src/http/fuzz_multipart.cpp src/http/multipart.cpp" ;;
  esac
}

status=0
for target in line_protocol json_events multipart; do
  bin="$OUT/fuzz_$target"
  echo "=== fuzz: building $bin"
  # shellcheck disable=SC2046
  "$CXX" "${FLAGS[@]}" $(sources "$target") "${COMMON[@]}" -o "$bin"
  corpus="$OUT/corpus/$target"  # grows across runs; the committed seeds stay read-only
  mkdir -p "$corpus"
  echo "=== fuzz: running $target for ${SECS}s"
  if ! ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      "$bin" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
      $([ -f "tests/fuzz/$target.dict" ] && echo "-dict=tests/fuzz/$target.dict") -artifact_prefix="$OUT/crash-$target-" \
      "$corpus" $([ -d "tests/fuzz/corpus/$target" ] && echo "tests/fuzz/corpus/$target") > "$OUT/$target.log" 2>&1; then
    echo "=== fuzz: $target FAILED (log: $OUT/$target.log)"
    tail -n 40 "$OUT/$target.log"
    status=1
  else
    grep -E "^stat::number_of_executed_units|^Done" "$OUT/$target.log" || true
    echo "=== fuzz: $target ok"
  fi
done
exit $status
