#!/usr/bin/env bash
# ASan + UBSan check: builds stormdb and unit_tests with clang into build-asan and runs the unit
# tests, the CLI tests and a short integration subset (ctest label "sanitize") under them.
# Usage: tools/sanitize.sh   (part of the README's test command; BUILD_DIR overrides build-asan)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build-asan}
# -O1 keeps the build and the instrumented runs fast; line tables are enough for report stacks.
# STORMDB_FUZZ also adds coverage hooks, so tools/fuzz.sh reuses these objects instead of a
# second instrumented build.
cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang -DSTORMDB_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug \
  "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -gline-tables-only" >/dev/null
cmake --build "$build" -j2 --target stormdb unit_tests
reports="$build/sanitizer-reports"
rm -rf "$reports" && mkdir -p "$reports"
status=0
ctest --test-dir "$build" -L sanitize -j2 --output-on-failure || status=$?
# A finding in a process whose exit status no test checked still fails the run.
if compgen -G "$reports/*" >/dev/null; then
  for f in "$reports"/*; do
    echo "== $f"
    cat "$f"
  done
  echo "sanitize: sanitizer reports above"
  status=1
fi
exit "$status"
