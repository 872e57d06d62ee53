#!/usr/bin/env bash
# Benchmark: time `stormdb prepare workloads/tpcc.lua` (W warehouses, L loaders) against PostgreSQL COPYing the same rows from files.
#
# Usage: tools/bench/tpcc_load.sh [--url CONNINFO]      (default: a throwaway server)
#   env: W=10 LOADERS=2 REPEAT=3 STORMDB_BIN=build/stormdb WORKDIR=/tmp/...
#
# 1. stormdb prepare into database tpcc_bench_a (generation + COPY + keys/indexes + ANALYZE);
#    its stderr gives the COPY phase alone.
# 2. Dump every table to a file with psql \copy TO (client side, text format): the rows are
#    then "already on disk".
# 3. Baseline in database tpcc_bench_b with the same tables: the same parallelism (L psql
#    sessions, tables dealt biggest first to the least-loaded session) runs \copy FROM the files,
#    then the same keys/indexes and ANALYZE, also in L sessions.
# 4. Steps 1 and 3 are repeated REPEAT times, alternating, each after a CHECKPOINT; the best
#    time of each side is kept (timings on a busy machine only get worse, never better).
# 5. Print both times and the ratios; the target is stormdb <= 1.5 x the baseline.
set -euo pipefail
export PGOPTIONS="-c client_min_messages=warning"

W=${W:-10}
LOADERS=${LOADERS:-2}
REPEAT=${REPEAT:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STORMDB=${STORMDB_BIN:-$ROOT/build/stormdb}
URL=""
if [[ "${1:-}" == "--url" ]]; then URL=$2; fi

WORK=${WORKDIR:-$(mktemp -d /tmp/tpcc-load-bench.XXXXXX)}
mkdir -p "$WORK"
SERVER_DIR=""
cleanup() {
  [[ -n "$SERVER_DIR" ]] && "$STORMDB" server stop "$SERVER_DIR" >/dev/null 2>&1 || true
  [[ -z "${WORKDIR:-}" ]] && rm -rf "$WORK"
}
trap cleanup EXIT

if [[ -z "$URL" ]]; then
  "$STORMDB" server start --conninfo-file "$WORK/conninfo" >/dev/null
  URL=$(cat "$WORK/conninfo")
  SERVER_DIR=$(sed -n 's/.*host=\([^ ]*\).*/\1/p' <<<"$URL")
fi
BASE=$(sed -E 's/(^| )dbname=[^ ]*//' <<<"$URL")
A="$BASE dbname=tpcc_bench_a"
B="$BASE dbname=tpcc_bench_b"
q() { psql -X -q -v ON_ERROR_STOP=1 -A -t -d "$1" -c "$2"; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

for db in tpcc_bench_a tpcc_bench_b; do
  q "$BASE dbname=postgres" "DROP DATABASE IF EXISTS $db WITH (FORCE)"
  q "$BASE dbname=postgres" "CREATE DATABASE $db"
done
TABLES="warehouse district customer history orders new_order order_line item stock"

# ---- 1. stormdb ------------------------------------------------------------------------------
STORMDB_TOTAL=""; STORMDB_COPY=""
stormdb_load() {
  q "$BASE dbname=postgres" "CHECKPOINT"
  local t0 t1 total copy
  t0=$(now)
  "$STORMDB" prepare "$ROOT/workloads/tpcc.lua" --warehouses "$W" --loaders "$LOADERS" --url "$A" \
    2>"$WORK/prepare.log" >/dev/null
  t1=$(now)
  total=$(secs "$t0" "$t1")
  copy=$(sed -n 's/.*tpcc: W=[0-9]*: COPY \([0-9.]*\) s.*/\1/p' "$WORK/prepare.log" | tail -1)
  echo "  run: stormdb prepare ${total} s (COPY phase ${copy} s)"
  if [[ -z "$STORMDB_TOTAL" ]] || awk -v a="$total" -v b="$STORMDB_TOTAL" 'BEGIN { exit !(a < b) }'; then
    STORMDB_TOTAL=$total; STORMDB_COPY=$copy
  fi
}
stormdb_load

# ---- 2. dump the rows to files ----------------------------------------------------------------
for t in $TABLES; do
  psql -X -q -v ON_ERROR_STOP=1 -d "$A" -c "\\copy $t TO '$WORK/$t.copy'"
done
ROWS=$(for t in $TABLES; do q "$A" "SELECT count(*) FROM $t"; done | awk '{ s += $1 } END { print s }')
BYTES=$(cat "$WORK"/*.copy | wc -c)

# The same tables (no keys) and the same key/index DDL as the loaded database.
pg_dump --schema-only --section=pre-data -t "($(tr ' ' '|' <<<"$TABLES"))" -d "$A" >"$WORK/tables.sql"
for t in $TABLES; do
  q "$A" "SELECT 'ALTER TABLE $t ADD CONSTRAINT ' || conname || ' ' || pg_get_constraintdef(oid) || ';'
          FROM pg_constraint WHERE conrelid = '$t'::regclass AND contype = 'p'
          UNION ALL
          SELECT pg_get_indexdef(i.indexrelid) || ';' FROM pg_index i
          WHERE i.indrelid = '$t'::regclass AND NOT i.indisprimary" >"$WORK/$t.ddl"
  echo "ANALYZE $t;" >>"$WORK/$t.ddl"
done

# Deal tables to LOADERS sessions, biggest file first to the least-loaded session.
ls -S "$WORK"/*.copy | xargs -n1 basename | sed 's/\.copy$//' | while read -r t; do
  echo "$(stat -c %s "$WORK/$t.copy") $t"
done | awk -v n="$LOADERS" '{ best = 0; for (i = 1; i < n; i++) if (load[i] < load[best]) best = i;
                              load[best] += $1; print best, $2 }' >"$WORK/deal"

run_sessions() {  # $1 = copy | ddl
  local pids=()
  for s in $(seq 0 $((LOADERS - 1))); do
    (
      for t in $(awk -v s="$s" '$1 == s { print $2 }' "$WORK/deal"); do
        if [[ $1 == copy ]]; then
          psql -X -q -v ON_ERROR_STOP=1 -d "$B" -c "\\copy $t FROM '$WORK/$t.copy'"
        else
          psql -X -q -v ON_ERROR_STOP=1 -d "$B" -c "SET maintenance_work_mem = '256MB'" -f "$WORK/$t.ddl" >/dev/null
        fi
      done
    ) &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
}

# ---- 3. baseline -------------------------------------------------------------------------------
BASE_TOTAL=""; BASE_COPY=""
baseline_load() {
  q "$B" "DROP TABLE IF EXISTS $(tr ' ' ',' <<<"$TABLES")"
  psql -X -q -v ON_ERROR_STOP=1 -d "$B" -f "$WORK/tables.sql" >/dev/null
  q "$BASE dbname=postgres" "CHECKPOINT"
  local t0 t1 t2 total copy
  t0=$(now)
  run_sessions copy
  t1=$(now)
  run_sessions ddl
  t2=$(now)
  copy=$(secs "$t0" "$t1")
  total=$(secs "$t0" "$t2")
  echo "  run: psql \\copy + keys ${total} s (COPY phase ${copy} s)"
  if [[ -z "$BASE_TOTAL" ]] || awk -v a="$total" -v b="$BASE_TOTAL" 'BEGIN { exit !(a < b) }'; then
    BASE_TOTAL=$total; BASE_COPY=$copy
  fi
}
baseline_load
for _ in $(seq 2 "$REPEAT"); do
  stormdb_load
  baseline_load
done

# ---- 4. report ---------------------------------------------------------------------------------
printf 'TPC-C load, W=%s, %s loaders/sessions: %s rows, %.0f MB as COPY text\n' "$W" "$LOADERS" "$ROWS" \
  "$(awk -v b="$BYTES" 'BEGIN { print b / 1048576 }')"
echo "best of $REPEAT:"
printf '  stormdb prepare (generate + COPY + keys + ANALYZE): %8.2f s\n' "$STORMDB_TOTAL"
printf '  psql \\copy from files + same keys + ANALYZE:        %8.2f s\n' "$BASE_TOTAL"
printf '  ratio total:                                        %8.2f x  (target <= 1.5)\n' \
  "$(awk -v a="$STORMDB_TOTAL" -v b="$BASE_TOTAL" 'BEGIN { print a / b }')"
printf '  COPY phase only: stormdb %s s, psql \\copy %s s, ratio %.2f x\n' "$STORMDB_COPY" "$BASE_COPY" \
  "$(awk -v a="$STORMDB_COPY" -v b="$BASE_COPY" 'BEGIN { print (b > 0 ? a / b : 0) }')"
for db in tpcc_bench_a tpcc_bench_b; do q "$BASE dbname=postgres" "DROP DATABASE IF EXISTS $db WITH (FORCE)"; done
