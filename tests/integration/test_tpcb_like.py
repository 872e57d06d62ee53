# Integration tests of workloads/tpcb_like.lua: pgbench's schema and data, the TPC-B invariant, exact history counts, -S mode, pgbench -i compatibility, cleanup.
import os
import shutil
import subprocess
import time

import harness

RUN = ["-c", "4", "-j", "2"]
TABLES = {"pgbench_accounts", "pgbench_branches", "pgbench_tellers", "pgbench_history"}


def pgbench_binary():
    for path in ("/usr/lib/postgresql/15/bin/pgbench", shutil.which("pgbench")):
        if path and shutil.which(path):
            return path
    return None


class TpcbLikeTest(harness.DatabaseTestCase):
    def count(self, table):
        return int(self.scalar(f"SELECT count(*) FROM {table}"))

    def assert_check_passes(self, *args):
        p = self.stormdb("check", harness.workload("tpcb_like.lua"), *args)
        self.assertIn("passed", p.stdout)
        self.assertNotIn("FAILED", p.stdout)
        return p

    def test_prepare_matches_pgbench_init(self):
        self.stormdb("prepare", harness.workload("tpcb_like.lua"), "--scale=2")
        self.assertEqual(self.count("pgbench_branches"), 2)
        self.assertEqual(self.count("pgbench_tellers"), 20)
        self.assertEqual(self.count("pgbench_accounts"), 200000)
        self.assertEqual(self.count("pgbench_history"), 0)
        # pgbench's data: aid 1..N, bid = (aid-1)/100000+1, zero balances, filler NULL except accounts.
        self.assertEqual(self.sql("SELECT min(aid), max(aid), count(DISTINCT aid), sum(abalance), "
                                  "count(filler), max(bid) FROM pgbench_accounts")[0],
                         ["1", "200000", "200000", "0", "200000", "2"])
        self.assertEqual(self.scalar("SELECT count(*) FROM pgbench_accounts WHERE bid <> (aid - 1) / 100000 + 1"), "0")
        self.assertEqual(self.scalar("SELECT count(*) FROM pgbench_tellers WHERE bid <> (tid - 1) / 10 + 1"), "0")
        self.assertEqual(self.scalar("SELECT count(filler) FROM pgbench_tellers"), "0")
        indexes = {r[0] for r in self.sql("SELECT indexname FROM pg_indexes WHERE tablename LIKE 'pgbench%'")}
        self.assertEqual(indexes, {"pgbench_accounts_pkey", "pgbench_branches_pkey", "pgbench_tellers_pkey"})

    def test_run_history_matches_committed_and_balances_agree(self):
        self.stormdb("prepare", harness.workload("tpcb_like.lua"), "--scale=1")
        self.assertEqual(self.count("pgbench_accounts"), 100000)

        # A fixed number of transactions per client: every one is reported, so the server must
        # hold exactly one history row per committed transaction.
        _, result = self.stormdb_json("run", harness.workload("tpcb_like.lua"), *RUN, "-t", "150")
        tx = result["transactions"]["tpcb_like"]
        self.assertEqual(tx["failed"], 0, tx["failures"])
        self.assertEqual(tx["committed"], 600)
        self.assertEqual(self.count("pgbench_history"), 600)

        # A timed run: transactions still in flight at the stop time commit but are not reported,
        # at most one per client.
        _, result = self.stormdb_json("run", harness.workload("tpcb_like.lua"), *RUN, "-T", "3s")
        tx = result["transactions"]["tpcb_like"]
        self.assertGreater(tx["committed"], 0)
        self.assertEqual(tx["failed"], 0, tx["failures"])
        history = self.count("pgbench_history") - 600
        self.assertGreaterEqual(history, tx["committed"])
        self.assertLessEqual(history, tx["committed"] + 4)

        # The TPC-B invariant, checked by the server independently of the workload's check.
        sums = self.sql("SELECT (SELECT sum(abalance) FROM pgbench_accounts), (SELECT sum(tbalance) FROM pgbench_tellers),"
                        " (SELECT sum(bbalance) FROM pgbench_branches), (SELECT sum(delta) FROM pgbench_history)")[0]
        self.assertEqual(len(set(sums)), 1, f"balances disagree: {sums}")
        self.assertGreater(int(self.scalar("SELECT count(*) FROM pgbench_accounts WHERE abalance <> 0")), 0)
        p = self.assert_check_passes()
        self.assertIn(f"({self.count('pgbench_history')} rows)", p.stdout)

    def test_native_transactions_draw_and_write_like_lua(self):
        # --native runs the C transactions of plugin tpcb_native (built with the engine): one
        # client with one seed writes the same history rows as the Lua transactions.
        self.stormdb("prepare", harness.workload("tpcb_like.lua"), "--scale=1")
        history = "SELECT tid, bid, aid, delta FROM pgbench_history ORDER BY 1, 2, 3, 4"
        self.stormdb("run", harness.workload("tpcb_like.lua"), "-c", "1", "-t", "40", "--seed", "11")
        lua_rows = self.sql(history)
        # Back to the loaded state (zero balances, no history) for the same draws again.
        self.sql("TRUNCATE pgbench_history; UPDATE pgbench_accounts SET abalance = 0 WHERE abalance <> 0;"
                 " UPDATE pgbench_tellers SET tbalance = 0; UPDATE pgbench_branches SET bbalance = 0")
        _, result = self.stormdb_json("run", harness.workload("tpcb_like.lua"), "-c", "1", "-t", "40", "--seed", "11",
                                      "--native")
        self.assertEqual(result["transactions"]["tpcb_like"]["committed"], 40)
        self.assertEqual(self.sql(history), lua_rows)
        self.assertEqual(len(lua_rows), 40)
        # Many clients: every committed native transaction is one history row; balances agree.
        _, result = self.stormdb_json("run", harness.workload("tpcb_like.lua"), *RUN, "-t", "50", "--native")
        self.assertEqual(result["transactions"]["tpcb_like"]["committed"], 200)
        self.assertEqual(self.count("pgbench_history"), 240)
        self.assert_check_passes()
        _, result = self.stormdb_json("run", harness.workload("tpcb_like.lua"), *RUN, "-t", "50", "--native",
                                      "--select-only")
        self.assertEqual(result["transactions"]["select_only"]["committed"], 200)

    def test_native_failures_are_classified_and_the_mix_goes_on(self):
        # --native runs the whole mix in C; a transaction that fails goes back to the Lua client
        # loop, which rolls it back and records its SQLSTATE, and the C mix goes on. A CHECK on
        # history makes every transaction with delta >= 0 fail at its INSERT, after its UPDATEs.
        self.stormdb("prepare", harness.workload("tpcb_like.lua"), "--scale=1")
        self.sql("ALTER TABLE pgbench_history ADD CONSTRAINT negative_delta CHECK (delta < 0)")
        _, result = self.stormdb_json("run", harness.workload("tpcb_like.lua"), *RUN, "-t", "50", "--native")
        tx = result["transactions"]["tpcb_like"]
        self.assertEqual(tx["committed"] + tx["failed"], 200)
        self.assertGreater(tx["committed"], 0)
        self.assertGreater(tx["failed"], 0)
        self.assertEqual(tx["failures"], {"23514": tx["failed"]})
        self.assertEqual(self.count("pgbench_history"), tx["committed"])
        self.assertEqual(int(self.scalar("SELECT count(*) FROM pgbench_history WHERE delta >= 0")), 0)
        sums = self.sql("SELECT (SELECT sum(abalance) FROM pgbench_accounts), (SELECT sum(tbalance) FROM pgbench_tellers),"
                        " (SELECT sum(bbalance) FROM pgbench_branches), (SELECT sum(delta) FROM pgbench_history)")[0]
        self.assertEqual(len(set(sums)), 1, f"a failed transaction left a trace: {sums}")

    def test_check_detects_a_lost_update(self):
        self.stormdb("prepare", harness.workload("tpcb_like.lua"), "--scale=1")
        self.stormdb("run", harness.workload("tpcb_like.lua"), *RUN, "-t", "20")
        self.sql("UPDATE pgbench_tellers SET tbalance = tbalance + 1 WHERE tid = 3")
        p = self.stormdb("check", harness.workload("tpcb_like.lua"), check_rc=None)
        self.assertNotEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("FAILED sum(tbalance)", p.stdout)
        self.assertIn("passed sum(abalance)", p.stdout)

    def test_select_only_then_cleanup(self):
        self.stormdb("prepare", harness.workload("tpcb_like.lua"), "--scale=1")
        _, result = self.stormdb_json("run", harness.workload("tpcb_like.lua"), "--select-only", *RUN, "-t", "200")
        types = {n: s for n, s in result["transactions"].items() if s["count"] > 0}
        self.assertEqual(set(types), {"select_only"})
        self.assertGreater(types["select_only"]["committed"], 0)
        self.assertEqual(types["select_only"]["failed"], 0)
        self.assertEqual(self.count("pgbench_history"), 0)
        self.assertEqual(self.scalar("SELECT count(*) FROM pgbench_accounts WHERE abalance <> 0"), "0")
        # pgbench -S prepares its one SELECT per connection; a -S client that also prepared the
        # four TPC-B statements and counted pgbench_branches itself paid 6 round trips at start-up.
        # Six more clients: at most 6 PREPAREs and 6 count(*)s (36 statements before); autovacuum's
        # own transactions on the fresh tables may land in either count, hence 3 per client.
        per_six_clients = self.statements_per_select_only_run(8) - self.statements_per_select_only_run(2)
        self.assertLessEqual(per_six_clients, 6 * 3)

        self.stormdb("cleanup", harness.workload("tpcb_like.lua"))
        self.assertEqual(self.scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), "0")

    def statements_per_select_only_run(self, clients):
        """Transactions the server committed for one -S run of `clients` clients (each statement
        outside a transaction block, a PREPARE included, is one), minus the run's own."""
        def committed():
            for _ in range(100):  # a backend reports its counts when it exits: wait for the run's
                if self.scalar("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                               "AND pid <> pg_backend_pid()") == "0":
                    break
                time.sleep(0.1)
            return int(self.scalar("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"))
        before = committed()
        _, result = self.stormdb_json("run", harness.workload("tpcb_like.lua"), "--select-only", "-c", str(clients),
                                      "-j", "2", "-t", "5", "--pg-stats=false")
        return committed() - before - result["transactions"]["select_only"]["committed"]

    def test_runs_on_pgbench_initialised_database(self):
        pgbench = pgbench_binary()
        if not pgbench:
            self.skipTest("pgbench not installed")
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        p = subprocess.run([pgbench, "-i", "-s", "2", "-q", self.url], capture_output=True, text=True, env=env, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        # No prepare (data loaded by pgbench, so the load check is skipped) and no --scale: the
        # scale comes from pgbench_branches, so tellers 11..20 and branch 2 get traffic too.
        _, result = self.stormdb_json("run", harness.workload("tpcb_like.lua"), *RUN, "-t", "200", "--skip-load-check")
        tx = result["transactions"]["tpcb_like"]
        self.assertEqual((tx["committed"], tx["failed"]), (800, 0))
        self.assertEqual(self.count("pgbench_history"), 800)
        self.assertEqual(self.scalar("SELECT count(DISTINCT bid) FROM pgbench_history"), "2")
        self.assertGreater(int(self.scalar("SELECT max(tid) FROM pgbench_history")), 10)
        self.assert_check_passes("--skip-load-check")
        # A --scale that contradicts the tables is refused rather than benchmarking a different hot set.
        p = self.stormdb("run", harness.workload("tpcb_like.lua"), "--scale=5", *RUN, "-T", "1s", "--skip-load-check",
                         check_rc=None)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("pgbench_branches has 2 rows", p.stderr)


if __name__ == "__main__":
    harness.main()
