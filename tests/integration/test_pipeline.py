# Pipeline mode (issue 11 §2) on a real server: results in order, a failed statement reported with
# its number and SQLSTATE and the rest of its sync segment aborted, a lost connection mid-pipeline
# counted and reconnected, pipeline misuse as script errors at the script's line, and pgbench's
# \startpipeline scripts beside pgbench itself.
import os
import shutil
import subprocess
import tempfile
import time
import unittest

import harness

PGBENCH = next((p for p in ["/usr/lib/postgresql/15/bin/pgbench", shutil.which("pgbench") or ""]
                if p and os.path.exists(p)), None)

# Two inserts and a read in one pipeline, the \set between them computed on the client.
PIPE_SQL = r"""\set k random(1, 1000000000)
\startpipeline
INSERT INTO pq (c, k) VALUES (:client_id, :k);
\set k2 :k + 1
INSERT INTO pq (c, k) VALUES (:client_id, :k2);
SELECT count(*) FROM pq WHERE c = :client_id;
\endpipeline
"""

# The second insert breaks the primary key: the first is rolled back with it; after the sync
# point the third commits.
FAIL_SQL = r"""\set k random(1, 1000000000)
\startpipeline
INSERT INTO pu (k) VALUES (:k);
INSERT INTO pu (k) VALUES (:k);
\syncpipeline
INSERT INTO pu (k) VALUES (:k * -1);
\endpipeline
"""

PROBE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scripts", "pipeline_probe.lua")


class PipelineTest(harness.DatabaseTestCase):
    def run_probe(self, scenario, txns=3, check_rc=0):
        return self.stormdb_json("run", PROBE, "--prepare", "--scenario=" + scenario, "-c", "1", "-j", "1",
                                 "-t", str(txns), check_rc=check_rc)

    def test_results_in_order_and_rows_written(self):
        p, j = self.run_probe("batch")
        self.assertEqual(j["transactions"]["work"]["committed"], 3)
        # two pipelined inserts per transaction, plus one plain insert after each pipeline
        self.assertEqual(self.scalar("SELECT count(*) FROM pl_t"), "9")
        self.assertEqual(self.scalar("SELECT string_agg(v, ',' ORDER BY k) FROM pl_t WHERE k < 200"), "a,b,after")

    def test_failed_statement_named_rest_aborted_connection_usable(self):
        p, j = self.run_probe("error", check_rc=1)
        self.assertEqual(j["transactions"]["work"]["failures"], {"23505": 3})
        self.assertIn("pipeline_probe.lua:54: pipeline statement 2 of 4 (ins): duplicate key value violates unique "
                      "constraint \"pl_t_pkey\" (SQLSTATE 23505 unique_violation); 2 later statement(s) of the "
                      "pipeline aborted", p.stderr)
        # one implicit transaction up to the sync: the statement before the failure is rolled back
        self.assertEqual(self.scalar("SELECT count(*) FROM pl_t"), "0")

    def test_sync_point_ends_the_aborted_segment(self):
        p, j = self.run_probe("sync", check_rc=1)
        self.assertEqual(j["transactions"]["work"]["failures"], {"22012": 3})
        self.assertEqual(self.scalar("SELECT count(*) FROM pl_t"), "6")
        self.assertEqual(self.scalar("SELECT count(*) FROM pl_t WHERE k % 100 = 1"), "0")

    def test_lost_connection_mid_pipeline_is_counted_and_reconnected(self):
        p, j = self.run_probe("lost")
        t = j["transactions"]["work"]
        self.assertEqual(t["failures"], {"57P01": 1})
        self.assertEqual(t["committed"], 2)
        self.assertEqual(j["reconnects"], 1)
        self.assertEqual(self.scalar("SELECT count(*) FROM pl_t"), "4")

    def test_misuse_is_a_script_error_at_the_line(self):
        cases = {
            "nested": "pipeline_probe.lua:87: db:pipeline: a pipeline is already open on this connection; "
                      "pipelines do not nest",
            "commit": "pipeline_probe.lua:93: db:commit: a pipeline is open on this connection; "
                      "queue it with p:exec(\"COMMIT\") or run the pipeline (p:run()) first",
            "left_open": "a pipeline was started (db:pipeline()) but never run (p:run())",
            "after_run": "pipeline_probe.lua:104: p:exec: this pipeline was already run",
        }
        p, j = self.run_probe("misuse", txns=4, check_rc=1)
        self.assertEqual(j["transactions"]["work"]["failures"], {"script": 4})
        for scenario, message in cases.items():
            with self.subTest(scenario):
                self.assertIn(message, p.stderr)
        # the refused and never-run statements were not sent; after_run's first pipeline ran
        self.assertEqual(self.scalar("SELECT count(*) FROM pl_t"), "1")


class PipelineOptionTest(harness.DatabaseTestCase):
    def index_scans(self, index, expected):
        """idx_scan of index once it reaches expected (a backend flushes its statistics as it exits,
        shortly after stormdb has), or its value after 10 s."""
        deadline = time.time() + 10
        while True:
            v = int(self.scalar(f"SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = '{index}'"))
            if v >= expected or time.time() > deadline:
                return v
            time.sleep(0.2)

    def test_point_select_pipeline(self):
        self.stormdb("prepare", harness.workload("point_select.lua"), "--rows=1000")
        _, j = self.stormdb_json("run", harness.workload("point_select.lua"), "--rows=1000", "--pipeline=10",
                                 "-c", "2", "-j", "2", "-t", "5")
        self.assertEqual(j["transactions"]["point_select"]["committed"], 10)
        self.assertEqual(self.index_scans("sbtest_pkey", 100), 100)

    def test_pooled_clients_and_extended_mode(self):
        # 3 clients over 1 connection: each pipeline borrows it, prepares "get" there once (or, -M
        # extended, sends unnamed statements) and gives it back
        self.stormdb("prepare", harness.workload("point_select.lua"), "--rows=1000")
        for mode in ["prepared", "extended"]:
            _, j = self.stormdb_json("run", harness.workload("point_select.lua"), "--rows=1000", "--pipeline=5",
                                     "-c", "3", "-j", "1", "--connections", "1", "-M", mode, "-t", "4")
            self.assertEqual(j["transactions"]["point_select"]["committed"], 12, mode)
        self.assertEqual(self.index_scans("sbtest_pkey", 120), 120)

    def test_tpcb_like_select_only_pipeline(self):
        # pgbench's tables, empty but for the branch that gives the scale (-S reads accounts drawn
        # from 1..100000: none is there, which is no error)
        self.sql("CREATE TABLE pgbench_branches (bid int PRIMARY KEY, bbalance int);"
                 "INSERT INTO pgbench_branches VALUES (1, 0);"
                 "CREATE TABLE pgbench_accounts (aid int PRIMARY KEY, abalance int);"
                 "CREATE TABLE pgbench_tellers (tid int PRIMARY KEY, tbalance int);"
                 "CREATE TABLE pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp)")
        _, j = self.stormdb_json("run", harness.workload("tpcb_like.lua"), "--select-only", "--pipeline=4",
                                 "--skip-load-check", "-c", "1", "-t", "6")
        self.assertEqual(j["transactions"]["select_only"]["committed"], 6)
        self.assertEqual(self.index_scans("pgbench_accounts_pkey", 24), 24)


@unittest.skipUnless(PGBENCH, "pgbench not installed")
class PgbenchPipelineTest(harness.DatabaseTestCase):
    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.dir)
        for name, text in {"pipe.sql": PIPE_SQL, "fail.sql": FAIL_SQL}.items():
            with open(os.path.join(self.dir, name), "w") as f:
                f.write(text)

    def test_same_pipelined_script_same_rows_as_pgbench(self):
        self.sql("CREATE TABLE pq (c int, k bigint)")
        script = os.path.join(self.dir, "pipe.sql")
        pg = subprocess.run([PGBENCH, "-n", "-c", "2", "-t", "10", "-M", "extended", "-f", script, self.url],
                            capture_output=True, text=True)
        self.assertEqual(pg.returncode, 0, pg.stderr)
        self.assertEqual(self.scalar("SELECT count(*) FROM pq"), "40")
        for mode in ["extended", "prepared"]:
            _, j = self.stormdb_json("run", script, "-M", mode, "-c", "2", "-j", "2", "-t", "10")
            self.assertEqual(j["transactions"]["pipe"]["committed"], 20, mode)
        self.assertEqual(self.sql("SELECT c, count(*) FROM pq GROUP BY c ORDER BY c"), [["0", "60"], ["1", "60"]])
        self.assertIn("pipe:7 \\endpipeline", " ".join(j["timings"]))
        # -M simple (the default, as pgbench's) cannot be pipelined: a script error at the line
        p, j = self.stormdb_json("run", script, "-c", "1", "-t", "2", check_rc=1)
        self.assertEqual(j["transactions"]["pipe"]["failures"], {"script": 2})
        self.assertIn("pipe.sql:2: \\startpipeline: pipeline mode needs the extended or prepared query protocol", p.stderr)

    def test_failed_command_fails_the_transaction_under_its_sqlstate(self):
        self.sql("CREATE TABLE pu (k bigint PRIMARY KEY)")
        _, j = self.stormdb_json("run", os.path.join(self.dir, "fail.sql"), "-M", "prepared", "-c", "1", "-t", "4",
                                 check_rc=1)
        self.assertEqual(j["transactions"]["fail"]["failures"], {"23505": 4})
        # the segment after \syncpipeline committed, the failed one left nothing
        self.assertEqual(self.sql("SELECT count(*) FILTER (WHERE k < 0), count(*) FILTER (WHERE k > 0) FROM pu"),
                         [["4", "0"]])


if __name__ == "__main__":
    harness.main()
