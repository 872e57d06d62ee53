# Shared set-up of the tools/bench/vs_*.sh comparisons (sourced): GNU time, a clean libpq
# environment, a work directory and one throwaway server, both removed at exit.
# After `bench_start_server`: $WORK, $SERVER_DIR, $BASE (the conninfo without dbname), $URL
# (dbname=postgres). Needs $STORMDB.

# GNU time measures one child's user+sys; bash's `times` would need a subshell per run anyway.
if [[ ! -x /usr/bin/time ]]; then
  echo "installing GNU time" >&2
  apt-get install -y time >/dev/null 2>&1 || { echo "/usr/bin/time missing (apt-get install time)" >&2; exit 1; }
fi
# The libpq PG* variables would redirect both tools away from the throwaway server.
for v in $(env | sed -n 's/^\(PG[A-Z]*\)=.*/\1/p'); do unset "$v"; done

WORK=$(mktemp -d /tmp/vs-bench.XXXXXX)
SERVER_DIR=""
bench_cleanup() {
  [[ -n "$SERVER_DIR" ]] && "$STORMDB" server stop "$SERVER_DIR" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap bench_cleanup EXIT

bench_start_server() {
  # The conninfo file holds the conninfo on line 1 and the server directory on line 2.
  "$STORMDB" server start --conninfo-file "$WORK/conninfo" >/dev/null 2>&1
  SERVER_DIR=$(sed -n 2p "$WORK/conninfo")
  BASE=$(sed -n 1p "$WORK/conninfo" | sed -E 's/(^| )dbname=[^ ]*//')
  URL="$BASE dbname=postgres"
  echo "server: $(psql -X -A -t -d "$URL" -c 'SHOW server_version'), $(nproc) CPUs shared by server and client"
}
