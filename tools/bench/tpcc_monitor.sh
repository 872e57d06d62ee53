#!/usr/bin/env bash
# TPC-C through a transaction monitor at scale (issue 14 "Scale"; not run in CI): 10 spec-paced terminals per warehouse over a small connection pool.
#
# Usage: tools/bench/tpcc_monitor.sh          env: W=100 DURATION=5m WARMUP=2m CONNECTIONS=50 LOADERS=2 LOADER=auto
#   URL=conninfo (default: a throwaway server); with PREPARED=1 the database at URL already holds W warehouses.
#
# 1. prepare W warehouses (~100 MB each), 2. run 10 x W terminals with --think --deferred-delivery
#    over CONNECTIONS pooled connections (-j 2) for DURATION after WARMUP, sampling the client
#    backends the server sees, 3. the 12 consistency conditions of 3.3.2.
# Prints tpmC with its 95 % confidence interval against 12.86 x W x efficiency (the deck's
# pacing ceiling with the run's own response times), stormdb's peak RSS (GNU time), the most
# client backends seen. Goals (issue 14): W = 100 over <= 50 connections for 5 min, 12/12 checks,
# tpmC within the CI, RSS <= 300 MB.
set -euo pipefail
W=${W:-100}
DURATION=${DURATION:-5m}
WARMUP=${WARMUP:-2m}
CONNECTIONS=${CONNECTIONS:-50}
LOADERS=${LOADERS:-2}
LOADER=${LOADER:-auto}   # --loader: auto | native | lua
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STORMDB=${STORMDB:-$ROOT/build/stormdb}
GIVEN_URL=${URL:-}
source "$ROOT/tools/bench/common.sh"
if [[ -z "$GIVEN_URL" ]]; then
  bench_start_server
  DB_URL="$BASE dbname=tpcc_monitor"
  psql -X -q -d "$URL" -c "CREATE DATABASE tpcc_monitor"
else
  DB_URL=$GIVEN_URL
fi
SCRIPT="$ROOT/workloads/tpcc.lua"
TERMINALS=$((10 * W))

if [[ "${PREPARED:-0}" != 1 ]]; then
  t0=$(date +%s)
  "$STORMDB" prepare "$SCRIPT" --warehouses "$W" --loaders "$LOADERS" --loader="$LOADER" --url "$DB_URL" >/dev/null 2>"$WORK/prepare.log" ||
    { echo "prepare failed:" >&2; tail -20 "$WORK/prepare.log" >&2; exit 1; }
  echo "prepare: W=$W in $(( $(date +%s) - t0 )) s, $(psql -X -A -t -d "$DB_URL" -c "SELECT pg_size_pretty(pg_database_size(current_database()))")"
fi

# Client backends of this database seen by the server during the run, sampled every 0.5 s.
(while true; do
   psql -X -A -t -d "$DB_URL" -c "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
     AND backend_type = 'client backend' AND pid <> pg_backend_pid()" >> "$WORK/backends" 2>/dev/null || true
   sleep 0.5
 done) &
SAMPLER=$!
/usr/bin/time -f "%M" -o "$WORK/rss" "$STORMDB" run "$SCRIPT" --url "$DB_URL" --warehouses "$W" -c "$TERMINALS" -j 2 \
  --connections "$CONNECTIONS" --think --deferred-delivery -T "$DURATION" --warmup "$WARMUP" --pg-stats false \
  --json "$WORK/r.json" -q >"$WORK/run.out" 2>&1 || { kill "$SAMPLER"; cat "$WORK/run.out"; exit 1; }
kill "$SAMPLER" 2>/dev/null || true
wait "$SAMPLER" 2>/dev/null || true
"$STORMDB" check "$SCRIPT" --url "$DB_URL" --warehouses "$W" --loaders "$LOADERS" >"$WORK/check.out" 2>&1 || true

python3 - "$WORK/r.json" "$WORK/backends" "$WORK/rss" "$WORK/check.out" "$W" "$CONNECTIONS" <<'PY'
import json, re, sys
r = json.load(open(sys.argv[1]))
backends = max(int(l) for l in open(sys.argv[2]) if l.strip())
rss_mb = int(open(sys.argv[3]).read().split()[-1]) / 1024
checks = re.search(r"(\d+) of (\d+) checked, (\d+) passed, (\d+) failed", open(sys.argv[4]).read())
W, conns = int(sys.argv[5]), int(sys.argv[6])
lines = {s["name"]: s for s in r.get("summary", [])}
t = r["transactions"]
tpmc = lines["tpmC"]["value"]
half = lines["tpmC 95% CI +/-"]["value"] if "not computed" not in lines["tpmC 95% CI +/-"]["note"] else float("inf")
# Expected tpmC: each terminal runs the 23-card deck (10/10/1/1/1); one pass takes the keying and
# mean think times of 5.2.5 plus the run's own mean response times, and yields 10 New-Orders.
KEY = {"new_order": 18, "payment": 3, "order_status": 2, "delivery": 2, "stock_level": 2}
THINK = {"new_order": 12, "payment": 12, "order_status": 10, "delivery": 5, "stock_level": 5}
DECK = {"new_order": 10, "payment": 10, "order_status": 1, "delivery": 1, "stock_level": 1}
cycle = sum(n * (KEY[k] + THINK[k] + t.get(k, {}).get("latency_ms", {}).get("mean", 0) / 1000) for k, n in DECK.items())
eff = 60 * 10 / cycle * 10 / 12.86
expected = 12.86 * W * eff
inside = abs(tpmc - expected) <= half
print(f"W={W}: {10 * W} terminals over {conns} connections, -j 2, {r['elapsed_s']:.0f} s measured")
print(f"tpmC {tpmc:.1f} +/- {half:.1f} (95% CI)   vs 12.86 x W x efficiency = 12.86 x {W} x {eff:.3f} = {expected:.1f}"
      f"   {'inside' if inside else 'OUTSIDE'} the CI")
print(f"  {lines['efficiency']['note']}")
tot = r["total"]
print(f"pool wait p50 {tot['pool_wait_ms']['p50']:.2f} ms, p99 {tot['pool_wait_ms']['p99']:.2f} ms, max "
      f"{tot['pool_wait_ms']['max']:.1f} ms; queue mean {r['pool']['queue_mean']:.2f} max {r['pool']['queue_max']}")
print("p90 response times (ms): " + ", ".join(f"{k} {t[k]['latency_ms']['p90']:.1f}" for k in DECK if k in t))
for name in ("deferred Delivery <= 80 s", "steady state drift"):
    if name in lines: print(f"{name}: {lines[name]['value']:.1f} {lines[name]['unit']}  {lines[name]['note']}")
print(f"client backends seen (max): {backends}   goal <= {conns}")
print(f"stormdb peak RSS: {rss_mb:.0f} MB   goal <= 300 MB")
print("checks: " + (f"{checks.group(1)} of {checks.group(2)} checked, {checks.group(3)} passed, {checks.group(4)} failed"
                    if checks else "no check output") + "   goal 12/12")
PY
