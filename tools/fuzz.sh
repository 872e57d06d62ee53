#!/usr/bin/env bash
# libFuzzer runs of stormdb's text parsers (tests/fuzz: duration, threshold, config YAML, pack manifest).
# Usage: tools/fuzz.sh --ci               each target 10 s on its seed corpus, two at a time (CI)
#        tools/fuzz.sh [SECONDS] [NAME...]  each named target (default all) SECONDS (default 600);
#                                         what it finds stays in build-asan/fuzz-corpus/NAME
# A crash, sanitizer report or leak fails the run; the input is saved in build-asan/fuzz-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build-asan}
ci=0
seconds=600
if [ "${1:-}" = "--ci" ]; then
  ci=1
  seconds=10
  shift
elif [[ "${1:-}" =~ ^[0-9]+$ ]]; then
  seconds=$1
  shift
fi
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for d in tests/fuzz/corpus/*/; do names+=("$(basename "$d")"); done
fi

cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang -DSTORMDB_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug \
  "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -gline-tables-only" >/dev/null
cmake --build "$build" -j2 --target "${names[@]/#/fuzz_}"

artifacts="$build/fuzz-artifacts"
logs="$build/fuzz-logs"
mkdir -p "$artifacts" "$logs"
# The first corpus folder receives new inputs: a scratch one in CI, a kept one for long runs.
# The seeds in tests/fuzz/corpus are only read.
run_one() {
  local name=$1 corpus
  if [ $ci -eq 1 ]; then corpus=$(mktemp -d); else corpus="$build/fuzz-corpus/$name"; mkdir -p "$corpus"; fi
  local dict=()
  [ -f "tests/fuzz/$name.dict" ] && dict=("-dict=tests/fuzz/$name.dict")
  local rc=0
  "$build/tests/fuzz/fuzz_$name" -max_total_time="$seconds" -max_len=4096 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$artifacts/$name-" "${dict[@]}" "$corpus" "tests/fuzz/corpus/$name" \
    >"$logs/$name.log" 2>&1 || rc=$?
  [ $ci -eq 1 ] && rm -rf "$corpus"
  return $rc
}

passed=0
failed=0
# Two at a time: the machine (and CI) has two cores.
for ((i = 0; i < ${#names[@]}; i += 2)); do
  pids=()
  for name in "${names[@]:i:2}"; do
    run_one "$name" &
    pids+=("$!:$name")
  done
  for entry in "${pids[@]}"; do
    name=${entry#*:}
    if wait "${entry%%:*}"; then
      passed=$((passed + 1))
      echo "fuzz: $name ok ($(grep -E '^stat::number_of_executed_units' "$logs/$name.log" | awk '{print $2}') inputs in ${seconds} s)"
    else
      failed=$((failed + 1))
      echo "fuzz: $name FAILED, log $logs/$name.log:"
      tail -n 60 "$logs/$name.log"
    fi
  done
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
