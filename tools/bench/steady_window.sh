#!/usr/bin/env bash
# Client cost per transaction in a steady-state window (start-up excluded): CPU (user, sys) and system calls per transaction of pgbench -S and stormdb's tpcb_like --select-only [--native], alternated.
#
# Usage: tools/bench/steady_window.sh
#   env: CLIENTS="8 64 256"  THREADS=2  PAIRS=2  TOOLS="pgbench stormdb_native" (also: stormdb)
#        WARM=10 (seconds before the window: connections, prepares, first touches of shared buffers)
#        WINDOW=8 (seconds measured)  SYSCALLS=1 (0: no perf stat; its tracepoints add a little
#        CPU to every system call, so CPU figures from SYSCALLS=1 runs are slightly high)
#        SCALE=10  URL (a server already initialised with pgbench -i; else a throwaway one is made)
#        STORMDB_BIN=build/stormdb  PGBENCH=/usr/lib/postgresql/15/bin/pgbench
#
# Why a window: vs_pgbench.sh divides the whole process's CPU (start-up included) by the run's
# transactions, and on a loaded machine 256 connections can take seconds to open. Here each tool
# runs WARM+WINDOW+4 seconds; over WINDOW seconds in the middle, the client's CPU comes from
# /proc/PID/stat (all its threads), its system calls from `perf stat -p PID` (tracepoints), and
# the transaction count from the server (pg_stat_database.xact_commit: one per select-only
# transaction for both tools), so neither tool's own counting is trusted. CPU per transaction is
# still sensitive to the machine's load (a busier machine wakes a client for fewer ready
# connections at a time); system calls per transaction much less so. Alternate and compare
# pairs, as vs_pgbench.sh does.
set -euo pipefail

CLIENTS=${CLIENTS:-"8 64 256"}
THREADS=${THREADS:-2}
PAIRS=${PAIRS:-2}
TOOLS=${TOOLS:-"pgbench stormdb_native"}
WARM=${WARM:-10}
WINDOW=${WINDOW:-8}
SYSCALLS=${SYSCALLS:-1}
SCALE=${SCALE:-10}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STORMDB=${STORMDB_BIN:-$ROOT/build/stormdb}
PGBENCH=${PGBENCH:-/usr/lib/postgresql/15/bin/pgbench}
[[ -x "$PGBENCH" ]] || PGBENCH=$(command -v pgbench)
if [[ "$SYSCALLS" == 1 ]] && ! command -v perf >/dev/null; then
  echo "perf not found (apt-get install linux-perf, or SYSCALLS=0)" >&2
  exit 1
fi

if [[ -z "${URL:-}" ]]; then
  source "$ROOT/tools/bench/common.sh"
  bench_start_server
  "$PGBENCH" -i -q -s "$SCALE" "$URL" >"$WORK/init.log" 2>&1 || { cat "$WORK/init.log" >&2; exit 1; }
  psql -X -q -d "$URL" -c "CHECKPOINT"
else
  WORK=$(mktemp -d /tmp/steady-window.XXXXXX)
  trap 'rm -rf "$WORK"' EXIT
fi

EVENTS=raw_syscalls:sys_enter,context-switches,page-faults
for s in sendto recvfrom epoll_pwait2 epoll_wait ppoll poll epoll_ctl futex; do EVENTS+=",syscalls:sys_enter_$s"; done

commits() { psql -X -A -t -d "$URL" -c "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"; }
ticks() { awk '{ print $14, $15 }' "/proc/$1/stat"; }  # user, sys (clock ticks, all threads)

window() {  # tool clients
  local tool=$1 c=$2 pid secs=$((WARM + WINDOW + 4))
  case "$tool" in
    pgbench) "$PGBENCH" -n -S -M prepared -c "$c" -j "$THREADS" -T "$secs" "$URL" >"$WORK/out" 2>&1 & ;;
    stormdb | stormdb_native)
      local native=()
      [[ "$tool" == stormdb_native ]] && native=(--native)
      "$STORMDB" run "$ROOT/workloads/tpcb_like.lua" --select-only "${native[@]}" --skip-load-check -q -c "$c" \
        -j "$THREADS" -T "${secs}s" --url "$URL" >"$WORK/out" 2>&1 & ;;
    *) echo "unknown tool $tool" >&2; exit 2 ;;
  esac
  pid=$!
  sleep "$WARM"
  local t0 x0 t1 x1
  t0=$(ticks "$pid"); x0=$(commits)
  if [[ "$SYSCALLS" == 1 ]]; then
    perf stat -x, -o "$WORK/perf" -e "$EVENTS" -p "$pid" -- sleep "$WINDOW" 2>/dev/null
  else
    : >"$WORK/perf"
    sleep "$WINDOW"
  fi
  t1=$(ticks "$pid"); x1=$(commits)
  wait "$pid" || { cat "$WORK/out" >&2; exit 1; }
  # The two xact_commit reads are transactions of their own (one inside the window).
  awk -F, -v tool="$tool" -v c="$c" -v t0="$t0" -v t1="$t1" -v n=$((x1 - x0 - 1)) -v hz="$(getconf CLK_TCK)" \
      -v load="$(cut -d' ' -f1 /proc/loadavg)" -v win="$WINDOW" '
    BEGIN { split(t0, a, " "); split(t1, b, " ")
            u = (b[1] - a[1]) / hz * 1e6 / n; s = (b[2] - a[2]) / hz * 1e6 / n
            line = sprintf("%-15s %5d %8.0f %8.2f %8.2f %8.2f", tool, c, n / win, u + s, u, s) }
    $1 ~ /^[0-9]+$/ { name = $3; sub(/.*sys_enter_?/, "", name); if (name == "") name = "all"
                      line = line sprintf(" %s=%.3f", name, $1 / n) }
    END { print line "  load=" load }' "$WORK/perf"
}

echo "window: ${WINDOW}s after ${WARM}s; threads: $THREADS; $(nproc) CPUs shared by server and client"
printf '%-15s %5s %8s %8s %8s %8s %s\n' tool clients tps "us/txn" "user" "sys" "per transaction (perf stat)"
for c in $CLIENTS; do
  for pair in $(seq 1 "$PAIRS"); do
    for tool in $TOOLS; do window "$tool" "$c"; done
  done
done
