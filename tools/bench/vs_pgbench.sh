#!/usr/bin/env bash
# Benchmark: stormdb's tpcb_like (Lua, and --native: the C transactions) against pgbench -M prepared on the same server, tables and data: tps and client CPU per 1,000 transactions.
#
# Usage: tools/bench/vs_pgbench.sh
#   env: DURATION=20 (seconds per run; not 10: the fixed start-up of a process, connections and
#        all, is counted in its CPU, and at 64-256 clients fresh backends fault in shared buffers
#        for seconds, so 10 s runs weighed those one-off costs, and the noise in them, twice as much)  SCALE=10  PAIRS=3  CONFIGS="8:2 64:2 256:2" (clients:threads)
#        MODE=select (pgbench -S vs --select-only) | tpcb (pgbench's TPC-B-like default script)
#           | pipeline (PIPELINE=10 of -S's SELECTs per transaction in one pipeline: pgbench runs
#             them between \startpipeline and \endpipeline, stormdb --select-only --pipeline=10;
#             target, issue 11: tps ratio >= 1.0 at 8 and 64 clients)
#        TOOLS="pgbench stormdb stormdb_native sysbench" ("pgbench stormdb" with MODE=pipeline;
#        sysbench: select mode only, skipped if not installed)
#        STORMDB_BIN=build/stormdb  PGBENCH=/usr/lib/postgresql/15/bin/pgbench  SYSBENCH=sysbench
#
# One throwaway server (`stormdb server start`), initialised once with `pgbench -i -s SCALE`.
# Both clients then run pgbench's select-only transaction (SELECT abalance FROM pgbench_accounts
# WHERE aid = $1, aid uniform over the whole scale) as a prepared statement, so the server does
# the same work and the difference is the client. For each clients:threads setting, PAIRS pairs
# alternate pgbench and stormdb, so drift in the machine (caches, checkpoints, a noisy
# neighbour) hits both alike. Client CPU is user+sys of the client process (GNU time: its
# getrusage), which includes connecting and, for stormdb, loading the Lua states: each pays its
# own start-up. sysbench runs oltp_point_select's event on the same table
# (tools/bench/sysbench_point_select.lua), one OS thread per client, as a third reference.
# The last lines, one per setting and tool, are the ratios the issues name with their targets:
# issue 11 §4 (Lua: tps >= 1.0x pgbench, CPU/txn <= 1.0x), issue 10 (--native: tps >= 1.0x,
# CPU/txn <= 0.8x); against sysbench they are for information.
set -euo pipefail

DURATION=${DURATION:-20}
SCALE=${SCALE:-10}
PAIRS=${PAIRS:-3}
CONFIGS=${CONFIGS:-"8:2 64:2 256:2"}
MODE=${MODE:-select}
PIPELINE=${PIPELINE:-10}
[[ "$MODE" == pipeline ]] && TOOLS=${TOOLS:-"pgbench stormdb"}
TOOLS=${TOOLS:-"pgbench stormdb stormdb_native sysbench"}
SYSBENCH=${SYSBENCH:-$(command -v sysbench || true)}
if [[ " $TOOLS " == *" sysbench "* && ( "$MODE" != select || -z "$SYSBENCH" ) ]]; then
  TOOLS=$(echo " $TOOLS " | sed 's/ sysbench / /; s/^ *//; s/ *$//')
  echo "sysbench skipped (select mode only; tools/install-deps.sh installs it)" >&2
fi
case "$MODE" in
  select) PGBENCH_MODE=(-S); STORMDB_MODE=(--select-only) ;;
  tpcb) PGBENCH_MODE=(); STORMDB_MODE=() ;;
  pipeline) STORMDB_MODE=(--select-only --pipeline="$PIPELINE") ;;  # PGBENCH_MODE: pipeline_script below
  *) echo "MODE must be select, tpcb or pipeline" >&2; exit 2 ;;
esac
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STORMDB=${STORMDB_BIN:-$ROOT/build/stormdb}
PGBENCH=${PGBENCH:-}
if [[ -z "$PGBENCH" ]]; then
  if [[ -x /usr/lib/postgresql/15/bin/pgbench ]]; then PGBENCH=/usr/lib/postgresql/15/bin/pgbench
  else PGBENCH=$(command -v pgbench || true); fi
fi
[[ -n "$PGBENCH" ]] || { echo "pgbench not found (set PGBENCH)" >&2; exit 1; }
source "$ROOT/tools/bench/common.sh"
bench_start_server
echo "mode: $MODE; tools: $TOOLS"
echo "pgbench -i -s $SCALE ..."
"$PGBENCH" -i -q -s "$SCALE" "$URL" >"$WORK/init.log" 2>&1 || { cat "$WORK/init.log" >&2; exit 1; }
psql -X -q -d "$URL" -c "CHECKPOINT"

# MODE=pipeline: pgbench's select-only SELECT, PIPELINE times between \startpipeline and
# \endpipeline (one transaction = one pipeline, as stormdb's --pipeline); -s sets :scale.
pipeline_script() {
  {
    for i in $(seq 1 "$PIPELINE"); do echo "\\set aid$i random(1, 100000 * :scale)"; done
    echo "\\startpipeline"
    for i in $(seq 1 "$PIPELINE"); do echo "SELECT abalance FROM pgbench_accounts WHERE aid = :aid$i;"; done
    echo "\\endpipeline"
  } >"$WORK/pipeline.sql"
  PGBENCH_MODE=(-s "$SCALE" -f "$WORK/pipeline.sql")
}
[[ "$MODE" == pipeline ]] && pipeline_script

# Each run appends "tool clients threads tps txns cpu_s" to $WORK/runs.
run_pgbench() {  # clients threads
  /usr/bin/time -f "%U %S" -o "$WORK/time" \
    "$PGBENCH" -n "${PGBENCH_MODE[@]}" -M prepared -c "$1" -j "$2" -T "$DURATION" "$URL" >"$WORK/pgbench.out" 2>&1 ||
    { cat "$WORK/pgbench.out" >&2; exit 1; }
  local tps txns
  tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$WORK/pgbench.out" | tail -1)
  txns=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$WORK/pgbench.out")
  echo "pgbench $1 $2 $tps $txns $(awk '{ print $1 + $2 }' "$WORK/time")" >>"$WORK/runs"
}

run_stormdb_as() {  # name clients threads [extra args]
  local name=$1 c=$2 j=$3
  shift 3
  /usr/bin/time -f "%U %S" -o "$WORK/time" \
    "$STORMDB" run "$ROOT/workloads/tpcb_like.lua" "${STORMDB_MODE[@]}" "$@" --skip-load-check -q -c "$c" -j "$j" \
    -T "${DURATION}s" --url "$URL" --json "$WORK/stormdb.json" >"$WORK/stormdb.out" 2>&1 ||
    { cat "$WORK/stormdb.out" >&2; exit 1; }
  local stats
  stats=$(python3 -c 'import json, sys; t = json.load(open(sys.argv[1]))["total"]; print(t["tps"], t["committed"])' \
          "$WORK/stormdb.json")
  echo "$name $c $j $stats $(awk '{ print $1 + $2 }' "$WORK/time")" >>"$WORK/runs"
}
run_stormdb() { run_stormdb_as stormdb "$1" "$2"; }
run_stormdb_native() { run_stormdb_as stormdb_native "$1" "$2" --native; }

# sysbench: one OS thread per client (it has no -j), pgbench -S's statement on the same table.
run_sysbench() {  # clients threads
  local host port user txns tps
  host=$(echo "$BASE" | tr ' ' '\n' | sed -n 's/^host=//p')
  port=$(echo "$BASE" | tr ' ' '\n' | sed -n 's/^port=//p')
  user=$(echo "$BASE" | tr ' ' '\n' | sed -n 's/^user=//p')
  /usr/bin/time -f "%U %S" -o "$WORK/time" \
    "$SYSBENCH" "$ROOT/tools/bench/sysbench_point_select.lua" --accounts=$((SCALE * 100000)) --db-driver=pgsql \
    "--pgsql-host=$host" "--pgsql-port=${port:-5432}" "--pgsql-user=${user:-postgres}" --pgsql-db=postgres \
    --threads="$1" --time="$DURATION" run >"$WORK/sysbench.out" 2>&1 || { cat "$WORK/sysbench.out" >&2; exit 1; }
  txns=$(sed -n 's/^ *transactions: *\([0-9]*\) *(.*/\1/p' "$WORK/sysbench.out")
  tps=$(sed -n 's/^ *transactions: *[0-9]* *(\([0-9.]*\) per sec.*/\1/p' "$WORK/sysbench.out")
  echo "sysbench $1 $2 $tps $txns $(awk '{ print $1 + $2 }' "$WORK/time")" >>"$WORK/runs"
}

# One line per setting and stormdb variant: its tps and CPU per transaction over each reference's
# (means over the pairs), with the issue's target and whether this run met it.
print_ratios() {
  echo
  awk -v mode="$MODE" '{ k = $2 ":" $3; tps[$1, k] += $4; tx[$1, k] += $5; cpu[$1, k] += $6; n[$1, k]++; tools[$1] = 1
       if (!(k in seen)) { seen[k] = 1; order[++m] = k } }
     function verdict(tr, cr, tmin, cmax) { return (tr >= tmin && cr <= cmax) ? "met" : "missed" }
     END { for (i = 1; i <= m; i++) { k = order[i]
             for (t in tools) { if (t !~ /^stormdb/ || !n[t, k]) continue
               for (ref in tools) { if (ref ~ /^stormdb/ || !n[ref, k]) continue
                 if (!tx[t, k] || !tx[ref, k]) {  # e.g. 256 connections took the whole run to open
                   printf "RATIO %s %s %s/%s: unmeasurable (no transactions in a run; raise DURATION)\n", mode, k, t, ref
                   continue }
                 st = tps[t, k] / n[t, k]; sc = cpu[t, k] * 1e6 / tx[t, k]
                 rt = tps[ref, k] / n[ref, k]; rc = cpu[ref, k] * 1e6 / tx[ref, k]
                 line = sprintf("RATIO %s %s %s/%s: tps %.2fx, cpu/txn %.2fx (%.2f vs %.2f us)", mode, k, t, ref,
                                st / rt, sc / rc, sc, rc)
                 if (ref == "pgbench" && t == "stormdb")
                   line = line sprintf("; target tps >= 1.0x, cpu <= 1.0x (issue 11): %s", verdict(st / rt, sc / rc, 1.0, 1.0))
                 if (ref == "pgbench" && t == "stormdb_native")
                   line = line sprintf("; target tps >= 1.0x, cpu <= 0.8x (issue 10): %s", verdict(st / rt, sc / rc, 1.0, 0.8))
                 print line } } } }' "$WORK/runs"
}

: >"$WORK/runs"
printf '\n%-15s %7s %7s %4s %12s %12s %10s %14s\n' tool clients threads pair tps txns cpu_s "cpu_s/1k txn"
for cfg in $CONFIGS; do
  c=${cfg%%:*}; j=${cfg##*:}
  for pair in $(seq 1 "$PAIRS"); do
    for tool in $TOOLS; do
      "run_$tool" "$c" "$j"
      tail -1 "$WORK/runs" | awk -v p="$pair" \
        '{ printf "%-15s %7d %7d %4d %12.1f %12d %10.2f %14.5f\n", $1, $2, $3, p, $4, $5, $6, $5 ? $6 * 1000 / $5 : 0 }'
    done
  done
done

# Means over the pairs, then each stormdb variant / pgbench: tps ratio > 1 means stormdb drove
# more transactions; CPU ratio < 1 means stormdb spent less client CPU per transaction.
# Targets (issue 10) for stormdb_native: tps ratio >= 1.0 and CPU ratio <= 0.8 at every setting.
echo
printf '%-16s %-15s %12s %12s %8s %16s %16s %8s\n' "clients:threads" tool "pgbench tps" "tool tps" ratio \
  "pgbench cpu/1k" "tool cpu/1k" ratio
awk '{ k = $2 ":" $3; tps[$1, k] += $4; tx[$1, k] += $5; cpu[$1, k] += $6; n[$1, k]++; tools[$1] = 1
       if (!(k in seen)) { seen[k] = 1; order[++m] = k } }
     END { for (i = 1; i <= m; i++) { k = order[i]
             pt = tps["pgbench", k] / n["pgbench", k]; pc = tx["pgbench", k] ? cpu["pgbench", k] * 1000 / tx["pgbench", k] : 0
             for (t in tools) { if (t == "pgbench") continue
               st = tps[t, k] / n[t, k]; sc = tx[t, k] ? cpu[t, k] * 1000 / tx[t, k] : 0
               printf "%-16s %-15s %12.1f %12.1f %8.2f %16.5f %16.5f %8.2f\n", k, t, pt, st, pt ? st / pt : 0, pc, sc, pc ? sc / pc : 0 } } }' "$WORK/runs"
print_ratios
