#!/usr/bin/env bash
# Connection pool at scale (issue 11 §1; not run in CI): CLIENTS terminals with THINK_MS think time
# over CONNECTIONS pooled connections, point selects. Prints the most client backends the server
# saw, tps beside clients / (think + service time), stormdb's peak RSS and the run's p99 timer
# lateness (actual minus intended wake-up of the sleeps). Targets: <= CONNECTIONS backends, tps
# within 5 %, RSS <= 300 MB, p99 lateness <= 1 ms.
#   tools/bench/pool_scale.sh [CLIENTS=10000] [CONNECTIONS=100] [THINK_MS=1000] [SECONDS=30]
#   env: REALTIME=1 runs stormdb with --realtime (worker threads under SCHED_FIFO). On 2 cores shared
#   with the server's 100 backends, normal threads wait for a CPU for most of the run, and that wait
#   is the timer lateness; the run's "client threads" line shows it.
set -euo pipefail
CLIENTS=${1:-10000}
CONNECTIONS=${2:-100}
THINK_MS=${3:-1000}
SECONDS_RUN=${4:-30}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STORMDB=${STORMDB:-$ROOT/build/stormdb}
source "$ROOT/tools/bench/common.sh"
bench_start_server

cat > "$WORK/paced.lua" <<LUA
-- Point selects with a think time after each: a terminal holds a pooled connection only while it queries.
workload = { name = "paced_point_select", options = { rows = { default = 10000 }, think = { default = $THINK_MS } },
  mix = { select = 1 } }
function prepare(ctx)
  ctx.db:exec("CREATE TABLE paced (id int PRIMARY KEY, c text)")
  ctx.db:exec("INSERT INTO paced SELECT g, md5(g::text) FROM generate_series(1, " .. ctx.opt.rows .. ") g")
end
function client_init(ctx) ctx.db:prepare("get", "SELECT c FROM paced WHERE id = \$1") end
function select(ctx)
  ctx.db:value("get", ctx.rand:uniform(1, ctx.opt.rows))
  ctx:think(ctx.opt.think)
end
LUA
"$STORMDB" prepare "$WORK/paced.lua" --url "$URL" >/dev/null

# Client backends seen by the server during the run, sampled every 0.2 s.
(while true; do
   psql -X -A -t -d "$URL" -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()" \
     >> "$WORK/backends" 2>/dev/null || true
   sleep 0.2
 done) &
SAMPLER=$!
trap 'kill "$SAMPLER" 2>/dev/null || true; bench_cleanup' EXIT  # a failed run must not leave the sampler behind
/usr/bin/time -f "%M" -o "$WORK/rss" "$STORMDB" run "$WORK/paced.lua" ${REALTIME:+--realtime} --url "$URL" -c "$CLIENTS" -j 2 \
  --connections "$CONNECTIONS" -T "${SECONDS_RUN}s" --warmup 5s --pg-stats false --json "$WORK/r.json" -q >/dev/null
kill "$SAMPLER" 2>/dev/null || true
wait "$SAMPLER" 2>/dev/null || true

python3 - "$WORK/r.json" "$WORK/backends" "$WORK/rss" "$CLIENTS" "$CONNECTIONS" "$THINK_MS" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
backends = max(int(l) for l in open(sys.argv[2]) if l.strip())
rss_mb = int(open(sys.argv[3]).read().split()[-1]) / 1024
clients, conns, think = int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
t = r["total"]
service = t["latency_ms"]["mean"]
expected = clients / ((think + service) / 1000)
late = r["timer_lateness"]["ms"]
verdict = lambda ok: "met" if ok else "missed"
print(f"{clients} clients, {conns} connections, think {think:.0f} ms, {r['elapsed_s']:.1f} s measured")
print(f"server client backends (max seen): {backends}   target <= {conns}: {verdict(backends <= conns)}")
print(f"tps {t['tps']:.1f} vs clients/(think+service) {expected:.1f} = {t['tps'] / expected:.3f}   target 0.95..1.05: {verdict(0.95 <= t['tps'] / expected <= 1.05)}")
print(f"latency mean {service:.3f} ms, p99 {t['latency_ms']['p99']:.3f} ms; pool wait p99 {t['pool_wait_ms']['p99']:.3f} ms; "
      f"queue mean {r['pool']['queue_mean']:.2f} max {r['pool']['queue_max']}")
print(f"stormdb peak RSS: {rss_mb:.0f} MB   target <= 300 MB: {verdict(rss_mb <= 300)}")
print(f"timer lateness: p50 {late['p50']:.3f} ms, p99 {late['p99']:.3f} ms, max {late['max']:.3f} ms "
      f"({r['timer_lateness']['wakeups']} wake-ups)   target p99 <= 1 ms: {verdict(late['p99'] <= 1)}")
ct = r["client_threads"]
if ct["on_cpu_s"] is not None:
    print(f"client threads{' (SCHED_FIFO, --realtime)' if ct['realtime'] else ''}: on a CPU {ct['on_cpu_s']:.1f} s, "
          f"waiting for one {ct['cpu_wait_s']:.1f} s ({100 * ct['cpu_wait_share']:.0f} % of their measured time)")
PY
