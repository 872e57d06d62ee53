#!/usr/bin/env bash
# Benchmark: a sysbench 1.0 script run by sysbench and by stormdb on the same server, tables and options: tps and client CPU per 1,000 transactions.
#
# Usage: tools/bench/vs_sysbench.sh
#   env: DURATION=10 (seconds per run)  SCRIPT=oltp_read_only  TABLES=4  TABLE_SIZE=100000  PAIRS=3
#        THREADS="2 8"  STORMDB_BIN=build/stormdb  SYSBENCH=sysbench  SYSBENCH_DIR=/usr/share/sysbench
#
# One throwaway server (`stormdb server start`), loaded once by `sysbench SCRIPT prepare`. Both
# tools then run the same script file with the same options and thread count, so the server does
# the same work and the difference is the client (sysbench's C + LuaJIT per thread against
# stormdb's engine + LuaJIT per thread through the compatibility layer). For each thread count,
# PAIRS pairs alternate sysbench and stormdb. Client CPU is user+sys of the client process (GNU
# time), start-up included. One sysbench event is one stormdb transaction.
set -euo pipefail

DURATION=${DURATION:-10}
SCRIPT=${SCRIPT:-oltp_read_only}
TABLES=${TABLES:-4}
TABLE_SIZE=${TABLE_SIZE:-100000}
PAIRS=${PAIRS:-3}
THREADS=${THREADS:-"2 8"}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STORMDB=${STORMDB_BIN:-$ROOT/build/stormdb}
SYSBENCH=${SYSBENCH:-$(command -v sysbench || true)}
SYSBENCH_DIR=${SYSBENCH_DIR:-/usr/share/sysbench}
[[ -n "$SYSBENCH" ]] || { echo "sysbench not found (tools/install-deps.sh installs it)" >&2; exit 1; }
source "$ROOT/tools/bench/common.sh"
bench_start_server
kw() { sed -n 1p "$WORK/conninfo" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
HOST=$(kw host); PORT=$(kw port); USER_=$(kw user); USER_=${USER_:-postgres}
OPTS=("$SYSBENCH_DIR/$SCRIPT.lua" "--tables=$TABLES" "--table-size=$TABLE_SIZE")
SB_CONN=(--db-driver=pgsql "--pgsql-host=$HOST" "--pgsql-port=${PORT:-5432}" "--pgsql-user=$USER_" --pgsql-db=postgres)

echo "sysbench $SCRIPT prepare --tables=$TABLES --table-size=$TABLE_SIZE ..."
"$SYSBENCH" "${OPTS[@]}" "${SB_CONN[@]}" --threads="$TABLES" prepare >"$WORK/prepare.log" 2>&1 || { cat "$WORK/prepare.log" >&2; exit 1; }
psql -X -q -d "$URL" -c "VACUUM ANALYZE" -c "CHECKPOINT"

# Each run appends "tool threads tps txns cpu_s" to $WORK/runs.
run_sysbench() {  # threads
  /usr/bin/time -f "%U %S" -o "$WORK/time" \
    "$SYSBENCH" "${OPTS[@]}" "${SB_CONN[@]}" --threads="$1" --time="$DURATION" run >"$WORK/sysbench.out" 2>&1 ||
    { cat "$WORK/sysbench.out" >&2; exit 1; }
  local tps txns
  txns=$(sed -n 's/^ *transactions: *\([0-9]*\) *(\([0-9.]*\) per sec.*/\1/p' "$WORK/sysbench.out")
  tps=$(sed -n 's/^ *transactions: *[0-9]* *(\([0-9.]*\) per sec.*/\1/p' "$WORK/sysbench.out")
  echo "sysbench $1 $tps $txns $(awk '{ print $1 + $2 }' "$WORK/time")" >>"$WORK/runs"
}

run_stormdb() {  # threads
  /usr/bin/time -f "%U %S" -o "$WORK/time" \
    "$STORMDB" run "${OPTS[@]}" --skip-load-check -q --threads="$1" -T "${DURATION}s" --pg-stats=false \
    --url "$URL" --json "$WORK/stormdb.json" >"$WORK/stormdb.out" 2>&1 ||
    { cat "$WORK/stormdb.out" >&2; exit 1; }
  local stats
  stats=$(python3 -c 'import json, sys; t = json.load(open(sys.argv[1]))["total"]; print(t["tps"], t["committed"])' \
          "$WORK/stormdb.json")
  echo "stormdb $1 $stats $(awk '{ print $1 + $2 }' "$WORK/time")" >>"$WORK/runs"
}

: >"$WORK/runs"
printf '\n%-9s %7s %4s %12s %12s %10s %14s\n' tool threads pair tps txns cpu_s "cpu_s/1k txn"
for j in $THREADS; do
  for pair in $(seq 1 "$PAIRS"); do
    for tool in sysbench stormdb; do
      "run_$tool" "$j"
      tail -1 "$WORK/runs" | awk -v p="$pair" \
        '{ printf "%-9s %7d %4d %12.1f %12d %10.2f %14.5f\n", $1, $2, p, $3, $4, $5, $5 * 1000 / $4 }'
    done
  done
done

# Means over the pairs, then stormdb / sysbench: tps ratio > 1 means stormdb drove more
# transactions; CPU ratio < 1 means stormdb spent less client CPU per transaction.
echo
printf '%-8s %13s %13s %8s %17s %17s %8s\n' threads "sysbench tps" "stormdb tps" ratio "sysbench cpu/1k" "stormdb cpu/1k" ratio
awk '{ k = $2; tps[$1, k] += $3; tx[$1, k] += $4; cpu[$1, k] += $5; n[$1, k]++; if (!(k in seen)) { seen[k] = 1; order[++m] = k } }
     END { for (i = 1; i <= m; i++) { k = order[i]
             pt = tps["sysbench", k] / n["sysbench", k]; st = tps["stormdb", k] / n["stormdb", k]
             pc = cpu["sysbench", k] * 1000 / tx["sysbench", k]; sc = cpu["stormdb", k] * 1000 / tx["stormdb", k]
             printf "%-8s %13.1f %13.1f %8.2f %17.5f %17.5f %8.2f\n", k, pt, st, st / pt, pc, sc, sc / pc } }' "$WORK/runs"
