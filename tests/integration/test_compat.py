# Integration tests of other tools' habits: psql's connection flags, pgbench custom scripts beside
# pgbench itself (docs/compat.md).
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import harness

PGBENCH = next((p for p in ["/usr/lib/postgresql/15/bin/pgbench", shutil.which("pgbench") or ""] if p and os.path.exists(p)), None)

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
  UPDATE pgbench_branches SET bbalance = bbalance + :delta WHERE bid = :bid;
  UPDATE pgbench_tellers SET tbalance = tbalance + :delta WHERE tid = :tid;
\endif
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (:tid, :bid, :aid, :delta, CURRENT_TIMESTAMP);
END;
"""

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


if __name__ == "__main__":
    harness.main()
