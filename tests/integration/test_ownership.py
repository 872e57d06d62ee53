# Integration tests of the load registry: prepare/cleanup touch only stormdb's own objects, name clashes stop prepare, partial loads are refused and recovered.
import os
import signal
import subprocess
import time

import harness

OWNED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scripts", "owned_load.lua")
TPCC = harness.workload("tpcc.lua")

# Every user-visible catalog object outside the system schemas, as comparable text.
CATALOG = """
SELECT 'rel ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
UNION ALL SELECT 'proc ' || p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
UNION ALL SELECT 'type ' || t.oid::regtype FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
UNION ALL SELECT 'con ' || conname || ' ON ' || conrelid::regclass FROM pg_constraint c
  JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
UNION ALL SELECT 'trg ' || tgname || ' ON ' || tgrelid::regclass FROM pg_trigger WHERE NOT tgisinternal
UNION ALL SELECT 'nsp ' || nspname FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname <> 'information_schema'
ORDER BY 1
"""


class OwnershipTest(harness.DatabaseTestCase):
    def catalog(self):
        return [r[0] for r in self.sql(CATALOG)]

    def loads(self):
        if self.scalar("SELECT to_regclass('stormdb_loads') IS NOT NULL") != "t":
            return []
        return self.sql("SELECT workload, state FROM stormdb_loads ORDER BY workload")

    def test_tpcc_prepare_and_cleanup_leave_user_tables_alone(self):
        self.sql("""CREATE TABLE customer (id int PRIMARY KEY, name text);
                    CREATE TABLE orders (id int, customer_id int REFERENCES customer);
                    CREATE TABLE item (id int);
                    CREATE VIEW customer_names AS SELECT name FROM customer;
                    INSERT INTO customer VALUES (1, 'ann'), (2, 'bob');
                    INSERT INTO orders VALUES (10, 1); INSERT INTO item VALUES (7)""")
        before = self.catalog()
        p = self.stormdb("prepare", TPCC, "--warehouses=1", check_rc=2)
        self.assertIn("table public.customer", p.stderr)
        self.assertIn("not created by stormdb", p.stderr)
        self.assertIn("--force", p.stderr)
        self.assertEqual(self.catalog(), before)  # warehouse/district of the attempt removed, nothing else touched
        self.assertEqual(self.sql("SELECT name FROM customer_names ORDER BY 1"), [["ann"], ["bob"]])
        self.assertEqual(self.scalar("SELECT count(*) FROM orders"), "1")
        p = self.stormdb("cleanup", TPCC)
        self.assertIn("nothing to clean up: no stormdb load of tpcc in this database", p.stderr)
        self.assertEqual(self.catalog(), before)
        self.assertEqual(self.scalar("SELECT count(*) FROM item"), "1")

    def test_late_clash_removes_everything_the_attempt_created(self):
        self.sql("CREATE TABLE user_t (id int, v text); INSERT INTO user_t VALUES (1, 'u')")
        before = self.catalog()
        p = self.stormdb("prepare", OWNED, "--clash=true", check_rc=2)
        self.assertIn("table public.user_t, not created by stormdb", p.stderr)
        self.assertEqual(self.catalog(), before)
        self.assertEqual(self.scalar("SELECT count(*) FROM user_t"), "1")

    def test_schema_workloads_leave_a_user_schema_alone(self):
        self.sql("CREATE SCHEMA sales; CREATE TABLE sales.deals (id int); INSERT INTO sales.deals VALUES (1)")
        before = self.catalog()
        p = self.stormdb("cleanup", harness.workload("ecommerce.lua"), "--schema=sales")
        self.assertIn("nothing to clean up", p.stderr)
        p = self.stormdb("prepare", harness.workload("ecommerce_basic.lua"), "--schema=sales", "--scale=100", check_rc=2)
        self.assertIn("schema sales", p.stderr)
        self.assertEqual(self.catalog(), before)
        self.assertEqual(self.scalar("SELECT count(*) FROM sales.deals"), "1")

    def test_prepare_then_cleanup_restores_the_catalog(self):
        self.sql("""CREATE TABLE simple_sbtest99 (id int); INSERT INTO simple_sbtest99 VALUES (99);
                    CREATE TABLE user_t (id int, v text); INSERT INTO user_t VALUES (1, 'u')""")
        before = self.catalog()
        self.stormdb("prepare", harness.workload("simple.lua"), "--rows=200")
        self.stormdb("prepare", OWNED, "--user_index=true")
        self.assertEqual(self.loads(), [["owned_load", "complete"], ["simple", "complete"]])
        self.assertIn("rel public.owned_on_user_t i", self.catalog())
        p = self.stormdb("cleanup", OWNED)
        for obj in ["trigger owned_t ON public.owned_a", "index public.owned_on_user_t", "view public.owned_v",
                    "table public.owned_a", "table public.owned_b",
                    "sequence public.owned_seq", "function public.owned_f(x integer)", "type public.owned_mood"]:
            self.assertIn(obj, p.stderr)
        p = self.stormdb("cleanup", harness.workload("simple.lua"))
        self.assertIn("table public.simple_sbtest1", p.stderr)
        self.assertNotIn("simple_sbtest99", p.stderr)
        self.assertEqual(self.catalog(), before)  # registry tables gone with the last load
        self.assertEqual(self.scalar("SELECT count(*) FROM simple_sbtest99"), "1")
        self.assertEqual(self.scalar("SELECT count(*) FROM user_t"), "1")

    def test_force_takes_over_and_stops_at_a_dependent(self):
        self.sql("CREATE TABLE pgbench_tellers (x int); CREATE VIEW teller_view AS SELECT x FROM pgbench_tellers")
        p = self.stormdb("prepare", harness.workload("tpcb_like.lua"), "--force", check_rc=2)
        self.assertIn("teller_view", p.stderr)  # the dependent is named, nothing dropped
        self.assertEqual(self.scalar("SELECT count(*) FROM pg_class WHERE relname IN ('teller_view', 'pgbench_tellers')"), "2")
        self.assertEqual(self.scalar("SELECT count(*) FROM pg_class WHERE relname = 'pgbench_history'"), "0")
        self.sql("DROP VIEW teller_view")
        p = self.stormdb("prepare", harness.workload("tpcb_like.lua"), check_rc=2)
        self.assertIn("table public.pgbench_tellers", p.stderr)
        p = self.stormdb("prepare", harness.workload("tpcb_like.lua"), "--force")
        self.assertIn("took over table public.pgbench_tellers", p.stderr)
        self.assertEqual(self.scalar("SELECT count(*) FROM pgbench_tellers"), "10")
        self.stormdb("cleanup", harness.workload("tpcb_like.lua"))
        self.assertEqual(self.scalar("SELECT count(*) FROM pg_class WHERE relname LIKE 'pgbench%'"), "0")

    def test_failed_prepare_is_partial_refused_and_recovered(self):
        p = self.stormdb("prepare", OWNED, "--fail=true", check_rc=1)
        self.assertIn("prepare failed on purpose", p.stderr)
        self.assertIn("partial load of owned_load", p.stderr)
        self.assertIn(f"stormdb prepare {OWNED} --fail=true", p.stderr)
        self.assertEqual(self.loads(), [["owned_load", "loading"]])
        p = self.stormdb("run", OWNED, "-T", "1s", check_rc=2)
        self.assertIn("partial load of owned_load", p.stderr)
        p = self.stormdb("check", OWNED, check_rc=2)
        self.assertIn("partial load of owned_load", p.stderr)
        p = self.stormdb("prepare", OWNED)
        self.assertIn("recovering a partial load of owned_load", p.stderr)
        self.assertEqual(self.loads(), [["owned_load", "complete"]])
        _, result = self.stormdb_json("run", OWNED, "-T", "1s")
        self.assertGreater(result["transactions"]["count"]["committed"], 0)
        p = self.stormdb("prepare", OWNED)
        self.assertIn("replacing the earlier load of owned_load", p.stderr)

    def test_run_without_a_load_names_the_prepare(self):
        p = self.stormdb("run", OWNED, "-T", "1s", "--user_index=false", check_rc=2)
        self.assertIn(f"stormdb prepare {OWNED} --user_index=false", p.stderr)
        self.assertIn("--skip-load-check", p.stderr)
        self.sql("CREATE TABLE owned_a (id int)")  # loaded by another tool
        self.stormdb("run", OWNED, "-T", "1s", "--skip-load-check")

    def test_killed_prepare_drops_what_was_recorded_and_names_the_rest(self):
        self.sql("CREATE TABLE user_t (id int, v text)")
        before = self.catalog()
        proc = subprocess.Popen([harness.STORMDB, "prepare", OWNED, "--hang=true", "--url", self.url],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:  # until the sleep runs and the load's objects are recorded (every 0.5 s while prepare runs)
            for _ in range(200):
                if (self.scalar("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%'") == "1"
                        and self.scalar("SELECT to_regclass('stormdb_objects') IS NOT NULL") == "t"
                        and int(self.scalar("SELECT count(*) FROM stormdb_objects")) >= 8):
                    break
                time.sleep(0.05)
        finally:
            proc.kill()
            proc.wait()
        self.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%'")
        self.sql("CREATE TABLE user_t2 (id int)")  # made by somebody else after the kill: not the load's
        self.assertEqual(self.loads(), [["owned_load", "loading"]])
        p = self.stormdb("cleanup", OWNED)
        self.assertIn("partial load", p.stderr)
        self.assertIn("dropped table public.owned_a", p.stderr)
        self.assertIn("left table public.user_t2", p.stderr)  # unrecorded: named, never dropped
        self.assertEqual([o for o in self.catalog() if "user_t2" not in o], before)
        self.assertEqual(self.scalar("SELECT to_regclass('user_t2') IS NOT NULL"), "t")

    def test_user_view_on_a_stormdb_table_stops_cleanup(self):
        self.stormdb("prepare", OWNED)
        self.sql("CREATE VIEW report_v AS SELECT count(*) FROM owned_b")
        p = self.stormdb("cleanup", OWNED, check_rc=1)
        self.assertIn("report_v", p.stderr)
        self.assertIn("nothing was dropped", p.stderr)
        self.assertEqual(self.scalar("SELECT * FROM report_v"), "0")
        self.assertEqual(self.scalar("SELECT count(*) FROM owned_a"), "100")
        self.assertEqual(self.loads(), [["owned_load", "complete"]])

    def test_interrupted_tpcc_prepare_is_refused_then_recovered(self):
        proc = subprocess.Popen([harness.STORMDB, "prepare", TPCC, "--warehouses=1", "--url", self.url],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(400):  # until the load is under way (stock rows arriving)
            if self.scalar("SELECT count(*) FROM pg_class WHERE relname = 'stock'") == "1":
                break
            time.sleep(0.05)
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 130, err)
        self.assertIn("partial load of tpcc", err)
        self.assertEqual(self.loads(), [["tpcc", "loading"]])
        p = self.stormdb("run", TPCC, "-T", "1s", check_rc=2)
        self.assertIn("partial load of tpcc", p.stderr)
        p = self.stormdb("cleanup", TPCC)
        self.assertIn("table public.stock", p.stderr)
        self.assertEqual(self.scalar("SELECT count(*) FROM pg_class WHERE relname IN ('stock', 'warehouse', 'tpcc_meta')"), "0")


if __name__ == "__main__":
    harness.main()
