# Integration tests of the connection pool (--connections) and the run-wide query mode (-M): what the server saw.
import os
import tempfile
import textwrap
import threading
import time
import unittest

from harness import DatabaseTestCase, Database, main, workload

# Every transaction records, from the connection it ran on, that backend's pid and the statements
# prepared there; "a" is used, "b" never is.
LAZY = textwrap.dedent("""\
    workload = { name = "lazy", mix = { use_a = 1 } }
    function client_init(ctx)
      ctx.db:prepare("a", "SELECT $1::int + 1")
      ctx.db:prepare("b", "SELECT $1::int + 2")
    end
    function use_a(ctx)
      ctx.db:begin()
      ctx.db:value("a", 1)
      ctx.db:exec("INSERT INTO seen SELECT pg_backend_pid(), coalesce(string_agg(name, ',' ORDER BY name), '') " ..
                  "FROM pg_prepared_statements")
      ctx.db:commit()
      ctx:sleep(5)
    end
    """)

# How the named statement "probe" reached the server: the query text it ran (a literal in simple
# mode, $1 otherwise) and whether it was a prepared statement of that session.
PROBE = textwrap.dedent("""\
    workload = { name = "probe", mix = { probe = 1 } }
    function client_init(ctx)
      ctx.db:prepare("probe", "SELECT current_query() AS q, " ..
        "(SELECT count(*) FROM pg_prepared_statements WHERE name = 'probe') AS n WHERE $1::int = 7")
    end
    function probe(ctx)
      local q, n = ctx.db:values("probe", 7)
      ctx.db:exec("INSERT INTO probes VALUES ($1, $2)", q, n)
    end
    """)

# A transaction that forgets its COMMIT (line 4 defines it).
OPEN_TXN = textwrap.dedent("""\
    workload = { name = "forgetful", mix = { forget = 1 } }
    local n = 0

    function forget(ctx)
      ctx.db:begin()
      ctx.db:exec("INSERT INTO kept VALUES (1)")
    end
    """)

# A statement whose SQL is wrong (line 3 prepares it).
BAD_PREPARE = textwrap.dedent("""\
    workload = { name = "badprep", mix = { q = 1 } }
    function client_init(ctx)
      ctx.db:prepare("get", "SELEC 1")
    end
    function q(ctx)
      ctx.db:value("get")
    end
    """)

# A statement that prepares in client_init, on the one connection a pooled thread checks it on,
# then cannot be prepared anywhere: the table is dropped before the start barrier.
GONE = textwrap.dedent("""\
    workload = { name = "gone", mix = { q = 1 } }
    function client_init(ctx)
      ctx.db:prepare("get", "SELECT v FROM gone")
      ctx.db:exec("DROP TABLE IF EXISTS gone")
    end
    function q(ctx)
      ctx.db:value("get")
    end
    """)


class PoolTest(DatabaseTestCase):
    def script(self, text):
        d = tempfile.mkdtemp(prefix="stormdb-pool-")
        path = os.path.join(d, "w.lua")
        with open(path, "w") as f:
            f.write(text)
        return path

    def backends(self):
        """Client backends connected to this test's database now (psql's own excluded)."""
        return int(self.scalar(f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{self.dbname}' "
                               "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"))

    def test_tpcc_100_terminals_over_10_connections(self):
        self.stormdb("prepare", workload("tpcc.lua"), "--warehouses", "1", "--loaders", "2")
        seen, stop = [], threading.Event()

        def sample():
            while not stop.is_set():
                seen.append(self.backends())
                time.sleep(0.05)

        t = threading.Thread(target=sample)
        t.start()
        try:
            _, data = self.stormdb_json("run", workload("tpcc.lua"), "--warehouses", "1", "-c", "100", "-j", "2",
                                        "--connections", "10", "-T", "4s", "--pg-stats", "false")
        finally:
            stop.set()
            t.join()
        self.assertGreater(data["total"]["committed"], 0)
        self.assertEqual(data["pool"]["connections"], 10)
        self.assertGreater(len(seen), 3)
        self.assertLessEqual(max(seen), 10, seen)
        self.assertGreater(max(seen), 1, seen)
        # 100 terminals on 10 connections, no think time: they queue, and the wait is reported per type.
        self.assertGreater(data["pool"]["queue_max"], 0)
        self.assertGreater(data["total"]["pool_wait_ms"]["p50"], 0)
        for name in ["new_order", "payment"]:
            self.assertGreater(data["transactions"][name]["pool_wait_ms"]["max"], 0, name)
        p = self.stormdb("check", workload("tpcc.lua"), "--warehouses", "1")
        # Condition 11 cannot be checked once every district had a Delivery: it is "not checked".
        self.assertRegex(p.stdout, r"(1[12]) of 12 checked, \1 passed, 0 failed")

    def test_pool_wait_under_contention_only(self):
        self.stormdb("prepare", workload("point_select.lua"), "--rows", "1000")
        _, free = self.stormdb_json("run", workload("point_select.lua"), "--rows", "1000", "-c", "4", "-j", "2",
                                    "--connections", "4", "-T", "1s", "--pg-stats", "false")
        _, busy = self.stormdb_json("run", workload("point_select.lua"), "--rows", "1000", "-c", "40", "-j", "2",
                                    "--connections", "2", "-T", "1s", "--pg-stats", "false")
        self.assertGreater(free["total"]["committed"], 0)
        self.assertGreater(busy["total"]["committed"], 0)
        # As many connections as clients: nobody ever queues.
        self.assertEqual(free["pool"]["queue_max"], 0)
        self.assertEqual(free["total"]["pool_wait_ms"]["max"], 0)
        self.assertGreater(busy["pool"]["queue_max"], 0)
        self.assertGreater(busy["total"]["pool_wait_ms"]["p50"], free["total"]["pool_wait_ms"]["p50"])
        self.assertGreater(busy["total"]["latency_ms"]["p50"], busy["total"]["pool_wait_ms"]["p50"])
        # Without --connections nothing is pooled and the JSON says so.
        _, plain = self.stormdb_json("run", workload("point_select.lua"), "--rows", "1000", "-c", "2", "-j", "1",
                                     "-T", "1s", "--pg-stats", "false")
        self.assertEqual(plain["pool"]["connections"], 0)
        self.assertIsNone(plain["total"]["pool_wait_ms"])

    def test_lost_pooled_connection_is_replaced_and_counted(self):
        self.stormdb("prepare", workload("point_select.lua"), "--rows", "1000")

        def kill_backends():
            time.sleep(1.5)
            self.sql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{self.dbname}' "
                     "AND backend_type = 'client backend' AND pid <> pg_backend_pid()")

        t = threading.Thread(target=kill_backends)
        t.start()
        _, data = self.stormdb_json("run", workload("point_select.lua"), "--rows", "1000", "-c", "8", "-j", "2",
                                    "--connections", "2", "-T", "4s", "--pg-stats", "false", check_rc=None)
        t.join()
        self.assertGreater(data["reconnects"], 0)
        self.assertEqual(data["reconnects"], data["reconnect_attempts"])
        self.assertIn("57P01", data["total"]["failures"])
        self.assertGreater(data["total"]["committed"], 0)

    def test_lazy_prepare_per_connection(self):
        self.sql("CREATE TABLE seen (pid int, names text)")
        self.stormdb("run", self.script(LAZY), "-c", "6", "-j", "1", "--connections", "2", "-T", "1s",
                     "--pg-stats", "false")
        rows = self.sql("SELECT count(DISTINCT pid), string_agg(DISTINCT names, '|' ORDER BY names) FROM seen")
        self.assertEqual(int(rows[0][0]), 2)
        # The thread's first db:prepare of each statement prepares it on one connection (to fail
        # there on bad SQL); elsewhere only the statement used on a connection is prepared there,
        # not every db:prepare of its clients.
        self.assertEqual(rows[0][1], "a|a,b")
        # Without a pool each client prepares both on its own connection, as before.
        self.sql("TRUNCATE seen")
        self.stormdb("run", self.script(LAZY), "-c", "2", "-j", "1", "-T", "1s", "--pg-stats", "false")
        self.assertEqual(self.sql("SELECT DISTINCT names FROM seen"), [["a,b"]])

    def test_query_modes_on_the_server(self):
        self.sql("CREATE TABLE probes (q text, n int)")
        expected = {"simple": ("'7'::int", 0), "extended": ("$1::int", 0), "prepared": ("$1::int", 1)}
        for pooled in [False, True]:
            for mode, (text, prepared) in expected.items():
                self.sql("TRUNCATE probes")
                extra = ["--connections", "1"] if pooled else []
                _, data = self.stormdb_json("run", self.script(PROBE), "-M", mode, "-c", "2", "-j", "1", "-t", "3",
                                            "--pg-stats", "false", *extra)
                self.assertEqual(data["query_mode"], mode)
                rows = self.sql("SELECT DISTINCT q, n FROM probes")
                self.assertEqual(len(rows), 1, (mode, pooled, rows))
                self.assertIn(text, rows[0][0], (mode, pooled))
                self.assertEqual(int(rows[0][1]), prepared, (mode, pooled))

    def test_transaction_left_open_is_rolled_back(self):
        self.sql("CREATE TABLE kept (v int)")
        p = self.stormdb("run", self.script(OPEN_TXN), "-c", "4", "-j", "1", "--connections", "2", "-t", "3",
                         "--pg-stats", "false", check_rc=None)
        self.assertIn("w.lua:4: transaction function returned inside an open transaction block (missing commit?); "
                      "rolled back", p.stderr)
        self.assertEqual(self.scalar("SELECT count(*) FROM kept"), "0")
        # The connections went back clean: no session is left idle in a transaction.
        self.assertEqual(self.scalar(f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{self.dbname}' "
                                     "AND state LIKE 'idle in transaction%'"), "0")

    def test_bad_prepare_fails_at_the_script_line_as_without_a_pool(self):
        path = self.script(BAD_PREPARE)
        plain = self.stormdb("run", path, "-c", "4", "-j", "1", "-t", "2", "--pg-stats", "false", check_rc=None)
        pooled = self.stormdb("run", path, "-c", "4", "-j", "1", "-t", "2", "--connections", "2",
                              "--pg-stats", "false", check_rc=None)
        self.assertNotEqual(plain.returncode, 0)
        self.assertEqual(pooled.returncode, plain.returncode, pooled.stderr)
        for p in [plain, pooled]:
            self.assertRegex(p.stderr, r"client_init failed: \S*w\.lua:3: syntax error at or near \"SELEC\" "
                                       r"\(SQLSTATE 42601 syntax_error\)")
        # Nothing is prepared under -M extended: each use fails, with the SQL's own SQLSTATE.
        ext = self.stormdb("run", path, "-c", "4", "-j", "1", "-t", "2", "--connections", "2", "-M", "extended",
                           "--pg-stats", "false", check_rc=None)
        self.assertNotEqual(ext.returncode, 0)
        self.assertIn("42601 x8", ext.stderr)

    def test_prepare_failing_at_first_use_reports_its_sqlstate(self):
        self.sql("CREATE TABLE gone (v int)")
        p = self.stormdb("run", self.script(GONE), "-c", "4", "-j", "1", "-t", "3", "--connections", "2",
                         "--pg-stats", "false", check_rc=None)
        self.assertNotEqual(p.returncode, 0)
        # The connection that prepared it in client_init fails to run it, the other fails to prepare it,
        # at every use: never an Execute of a statement the failed prepare did not make (26000).
        self.assertIn("(12 failed: 42P01 x12)", p.stderr)
        self.assertNotIn("26000", p.stderr)


if __name__ == "__main__":
    main()
