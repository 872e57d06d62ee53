# Integration tests of other tools' habits: psql's connection flags, pgbench custom scripts beside
# pgbench itself, sysbench 1.0 scripts beside sysbench itself (docs/compat.md).
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import harness

PGBENCH = next((p for p in ["/usr/lib/postgresql/15/bin/pgbench", shutil.which("pgbench") or ""] if p and os.path.exists(p)), None)
SYSBENCH = shutil.which("sysbench")
SYSBENCH_DIR = "/usr/share/sysbench"

# A TPC-B-like script using the expression language, \gset and \if: both branches keep the
# invariant sum(abalance) = sum(tbalance) = sum(bbalance) = sum(history.delta).
TPCB_IF = r"""
-- tpcb-like with a twist
\set aid random(1, 100000 * :scale)
\set bid random(1, 1 * :scale)
\set tid random(1, 10 * :scale)
\set delta random_gaussian(-5000, 5000, 2.5) + :bonus
BEGIN;
UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid;
SELECT abalance AS bal FROM pgbench_accounts WHERE aid = :aid \gset
\if :bal > 0 AND :delta % 2 = 0
  UPDATE pgbench_tellers SET tbalance = tbalance + :delta WHERE tid = :tid;
  UPDATE pgbench_branches SET bbalance = bbalance + :delta WHERE bid = :bid;
\else
  UPDATE pgbench_tellers SET tbalance = tbalance + (:delta) WHERE tid = :tid;
  UPDATE pgbench_branches SET bbalance = bbalance + (:delta) WHERE bid = :bid;
\endif
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (:tid, :bid, :aid, :delta, CURRENT_TIMESTAMP);
END;
"""

# Both branches of the \if lock tellers before branches: in opposite orders the two clients could
# deadlock, and pgbench counts a 40P01 as a failed transaction (no history row) yet exits 0.

# Draws from the other random functions, logged in pgbench_history: tid = the client, bid = a
# -D constant, aid = permuted/zipfian/exponential values in range, delta = the branch taken.
DRAWS = r"""
\set z random_zipfian(1, 100, 1.5)
\set e random_exponential(1, 100, 3.0)
\set p permute(:z - 1, 100) + 1
\set big greatest(:z, :e, 0) * 2 + abs(-1) - least(1, 2)
\if :z <= 100 and :e >= 1
  \set ok 1
\elif :z > 100
  \set ok 2
\else
  \set ok 3
\endif
\sleep 1 ms
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime)
  VALUES (:client_id, :k, :p, :ok, now());
"""


def conninfo_parts(conninfo):
    return dict(re.findall(r"(\w+)=(\S+)", conninfo))


class ConnectionFlagsTest(harness.DatabaseTestCase):
    def test_host_port_dbname_flags_reach_the_database(self):
        parts = conninfo_parts(self.db.base)
        with tempfile.NamedTemporaryFile("w", suffix=".sql") as f:
            f.write("INSERT INTO flags_probe VALUES (:client_id);\n")
            f.flush()
            self.sql("CREATE TABLE flags_probe (c int)")
            args = ["run", f.name, "-c", "2", "-t", "5", "-h", parts["host"], "-p", parts.get("port", "5432"),
                    "-d", self.dbname]
            if "user" in parts:
                args += ["-U", parts["user"]]
            harness.run_stormdb(args, check_rc=0)
        self.assertEqual(self.sql("SELECT c, count(*) FROM flags_probe GROUP BY c ORDER BY c"), [["0", "5"], ["1", "5"]])


@unittest.skipUnless(PGBENCH, "pgbench not installed")
class PgbenchScriptTest(harness.DatabaseTestCase):
    def setUp(self):
        super().setUp()
        subprocess.run([PGBENCH, "-i", "-q", "-s", "1", self.url], check=True, capture_output=True)
        self.dir = tempfile.mkdtemp()
        for name, text in {"tpcb_if.sql": TPCB_IF, "draws.sql": DRAWS}.items():
            with open(os.path.join(self.dir, name), "w") as f:
                f.write(text)

    def tearDown(self):
        shutil.rmtree(self.dir)
        super().tearDown()

    def path(self, name):
        return os.path.join(self.dir, name)

    def invariant(self):
        return self.sql("SELECT (SELECT sum(abalance) FROM pgbench_accounts), (SELECT sum(tbalance) FROM pgbench_tellers), "
                        "(SELECT sum(bbalance) FROM pgbench_branches), "
                        "(SELECT coalesce(sum(delta), 0) FROM pgbench_history WHERE bid <> 7)")[0]  # 7: draws.sql's rows

    def history(self):
        return int(self.scalar("SELECT count(*) FROM pgbench_history"))

    def test_same_scripts_same_effects_as_pgbench(self):
        # pgbench first, then stormdb with the same scripts, weights, -D and client count on the same data
        pg = subprocess.run([PGBENCH, "-n", "-c", "2", "-t", "30", "-D", "bonus=1", "-D", "k=7",
                             "-f", self.path("tpcb_if.sql") + "@1", "-f", self.path("draws.sql") + "@1", self.url],
                            capture_output=True, text=True)
        self.assertEqual(pg.returncode, 0, pg.stderr)
        after_pgbench = self.history()
        self.assertEqual(after_pgbench, 60)
        inv = self.invariant()
        self.assertEqual(len(set(inv)), 1, f"pgbench broke the invariant? {inv}")
        _, result = self.stormdb_json("run", self.path("tpcb_if.sql") + "@1", "--file", self.path("draws.sql") + "@1",
                                      "-c", "2", "-j", "2", "-t", "30", "-D", "bonus=1", "-D", "k=7")
        self.assertEqual(self.history(), after_pgbench + 60)
        inv = self.invariant()
        self.assertEqual(len(set(inv)), 1, f"balances disagree with history after stormdb: {inv}")
        txns = result["transactions"]
        self.assertEqual(txns["tpcb_if"]["failed"] + txns["draws"]["failed"], 0, txns)
        self.assertEqual(txns["tpcb_if"]["committed"] + txns["draws"]["committed"], 60)
        # the draws script's rows: same predicates for both tools' rows
        rows = self.sql("SELECT count(*), min(tid), max(tid), min(bid), max(bid), min(aid), max(aid), min(delta), max(delta) "
                        "FROM pgbench_history WHERE bid = 7")
        n, tmin, tmax, bmin, bmax, amin, amax, dmin, dmax = map(int, rows[0])
        self.assertGreater(n, 10)
        self.assertEqual((tmin, tmax, bmin, bmax, dmin, dmax), (0, 1, 7, 7, 1, 1))
        self.assertTrue(1 <= amin and amax <= 100, (amin, amax))
        # per-command timings, like pgbench -r
        timings = " ".join(result.get("timings", {}))
        self.assertIn("tpcb_if:8 UPDATE pgbench_accounts", timings)
        self.assertIn("draws:13 \\sleep 1 ms", timings)

    def test_builtins_and_query_modes(self):
        before = self.history()
        for mode in ["simple", "extended", "prepared"]:
            _, result = self.stormdb_json("run", "-b", "simple-update", "-b", "select@0", "-M", mode, "-c", "2", "-j", "2",
                                          "-t", "10")
            self.assertEqual(result["transactions"]["simple_update"]["committed"], 20, mode)
            self.assertEqual(result["transactions"].get("select_only", {}).get("count", 0), 0, mode)
        self.assertEqual(self.history(), before + 60)
        # simple-update leaves tellers and branches alone: accounts agree with history
        accounts, _, _, deltas = self.invariant()
        self.assertEqual(accounts, deltas)

    def test_tpcb_like_builtin_reads_the_scale(self):
        self.sql("INSERT INTO pgbench_branches VALUES (2, 0, NULL)")  # scale 2 as pgbench would count it
        _, result = self.stormdb_json("run", "-b", "tpcb-like", "-c", "1", "-t", "200", "--seed", "3")
        self.assertEqual(result["transactions"]["tpcb_like"]["committed"], 200)
        # bid is drawn from 1..scale: with scale 2 some of 200 transactions hit branch 2
        self.assertGreater(int(self.scalar("SELECT count(*) FROM pgbench_history WHERE bid = 2")), 0)


@unittest.skipUnless(SYSBENCH and os.path.isdir(SYSBENCH_DIR), "sysbench not installed (tools/install-deps.sh)")
class SysbenchScriptTest(unittest.TestCase):
    """Each script through sysbench itself and through stormdb, in two databases, with the same
    options: the same tables, row counts, and per-table changes where the script makes them
    deterministic."""

    OPTS = ["--tables=2", "--table-size=500"]

    def setUp(self):
        self.ours, self.theirs = harness.Database("t_sb_"), harness.Database("t_sbref_")
        self.parts = conninfo_parts(self.theirs.base)

    def tearDown(self):
        self.ours.drop()
        self.theirs.drop()

    def sysbench(self, command, script, *args):
        p = subprocess.run([SYSBENCH, f"{SYSBENCH_DIR}/{script}.lua", "--db-driver=pgsql",
                            f"--pgsql-host={self.parts['host']}", f"--pgsql-port={self.parts.get('port', '5432')}",
                            f"--pgsql-user={self.parts.get('user', 'postgres')}", f"--pgsql-db={self.theirs.name}",
                            *args, command], capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, f"sysbench {script} {command}: {p.stdout}\n{p.stderr}")

    def stormdb(self, command, script, *args):
        extra = ["-q", "--pg-stats=false"] if command == "run" else []
        return self.ours.stormdb(command, f"{SYSBENCH_DIR}/{script}.lua", *args, *extra)

    def both(self, command, script, *args, events=None):
        if events is None:
            self.sysbench(command, script, *args)
            self.stormdb(command, script, *args)
        else:
            self.sysbench(command, script, *args, "--threads=1", f"--events={events}", "--time=0")
            self.stormdb(command, script, *args, "--threads=1", "-t", str(events))

    def rows_and_k(self, db):
        """(rows, sum of k) over the two tables."""
        r = db.sql("SELECT (SELECT count(*) FROM sbtest1) + (SELECT count(*) FROM sbtest2), "
                   "(SELECT sum(k) FROM sbtest1) + (SELECT sum(k) FROM sbtest2)")[0]
        return int(r[0]), int(r[1])

    def shape(self, db, table):
        cols = db.sql(f"SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '{table}' ORDER BY 1")
        idx = db.sql(f"SELECT indexname FROM pg_indexes WHERE tablename = '{table}' ORDER BY 1")
        return cols, idx

    def test_oltp_scripts_match_sysbench(self):
        self.both("prepare", "oltp_read_write", *self.OPTS)
        for t in ["sbtest1", "sbtest2"]:
            self.assertEqual(self.shape(self.ours, t), self.shape(self.theirs, t), t)
        self.assertEqual(self.rows_and_k(self.ours)[0], 1000)
        self.assertEqual(self.rows_and_k(self.theirs)[0], 1000)
        # read-only scripts change nothing (what they do under sysbench, by construction)
        before = self.rows_and_k(self.ours)
        for script in ["oltp_read_only", "oltp_point_select", "select_random_points", "select_random_ranges"]:
            opts = self.OPTS if not script.startswith("select_random") else ["--tables=1", "--table-size=500"]
            self.stormdb("run", script, *opts, "--threads=1", "-t", "10")
        self.assertEqual(self.rows_and_k(self.ours), before)
        # each tool: update_index adds exactly 1 to k per event, insert one row per event,
        # read_write and write_only keep the rows (delete+insert pairs), delete removes some
        for name, db in [("stormdb", self.ours), ("sysbench", self.theirs)]:
            setattr(self, "start_" + name, self.rows_and_k(db))
        self.both("run", "oltp_update_index", *self.OPTS, events=40)
        for name, db in [("stormdb", self.ours), ("sysbench", self.theirs)]:
            rows, k = self.rows_and_k(db)
            self.assertEqual((rows, k), (getattr(self, "start_" + name)[0], getattr(self, "start_" + name)[1] + 40), name)
        self.both("run", "oltp_insert", *self.OPTS, events=30)
        self.both("run", "oltp_read_write", *self.OPTS, events=10)
        self.stormdb("run", "oltp_write_only", *self.OPTS, "--threads=1", "-t", "10")
        self.assertEqual(self.rows_and_k(self.ours)[0], 1030)
        self.assertEqual(self.rows_and_k(self.theirs)[0], 1030)
        self.both("run", "oltp_delete", *self.OPTS, events=20)
        for name, db in [("stormdb", self.ours), ("sysbench", self.theirs)]:
            self.assertTrue(1010 <= self.rows_and_k(db)[0] < 1030, (name, self.rows_and_k(db)))
        self.stormdb("cleanup", "oltp_read_write", *self.OPTS)
        self.assertEqual(self.ours.scalar("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'sbtest%'"), "0")

    def test_bulk_insert(self):
        self.both("prepare", "bulk_insert", "--threads=2")
        self.both("run", "bulk_insert", events=300)
        self.assertEqual(self.ours.scalar("SELECT count(*) FROM sbtest1"), self.theirs.scalar("SELECT count(*) FROM sbtest1"))
        self.assertEqual(self.ours.scalar("SELECT count(*) FROM sbtest1"), "300")

    def test_options_listed_and_validated(self):
        p = harness.run_stormdb(["list", f"{SYSBENCH_DIR}/oltp_read_write.lua"], check_rc=0)
        for opt in ["--table_size=", "--skip_trx=true|false", "--range_selects=true|false", "Number of tables"]:
            self.assertIn(opt, p.stdout)
        p = harness.run_stormdb(["run", f"{SYSBENCH_DIR}/oltp_read_write.lua", "--table-sise=5", "--url", self.ours.url],
                                check_rc=2)
        self.assertIn("did you mean 'table_size'", p.stderr)
        # one client per thread, as sysbench: -c differing from --threads is refused
        p = harness.run_stormdb(["run", f"{SYSBENCH_DIR}/oltp_point_select.lua", "-c", "4", "-j", "2", "--url", self.ours.url],
                                check_rc=2)
        self.assertIn("-c/--clients and -j/--threads: workload sysbench runs one client per thread", p.stderr)


if __name__ == "__main__":
    harness.main()
