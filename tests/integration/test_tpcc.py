# Integration tests of workloads/tpcc.lua: population, consistency checks, a short run, input variability, options.
"""One W=2 database is loaded once (setUpClass) and shared: the tests check the population right
after the load, the twelve 3.3.2 conditions after the load and after a 20 s run with 8 terminals,
the 5.5.1.5 input-variability figures of that run, that remote lines/payments really touch the
other warehouse, and that Order-Status reads the customer's last order (--verify). Short extra
runs cover --deferred-delivery, --isolation=serializable and --think; the last test runs cleanup.
A second database loaded with another --loaders count and the Lua generators (--loader=lua; the
first load uses the native plugin tpcc_native when it is built) proves the data depends only on
--seed, and that the native and the Lua loader write identical rows."""
import unittest

import harness

W = 2
SEED = 7
TABLES = ["warehouse", "district", "customer", "history", "orders", "new_order", "order_line", "item", "stock"]

# Digests of generated values that must not depend on --loaders (timestamps excluded).
DIGESTS = {
    "customer": "SELECT md5(string_agg(concat_ws('|', c_w_id, c_d_id, c_id, c_first, c_middle, c_last, c_street_1,"
                " c_street_2, c_city, c_state, c_zip, c_phone, c_credit, c_credit_lim, c_discount, c_balance,"
                " c_ytd_payment, c_payment_cnt, c_delivery_cnt, c_data), ',' ORDER BY c_w_id, c_d_id, c_id)) FROM customer",
    "stock": "SELECT md5(string_agg(concat_ws('|', s_w_id, s_i_id, s_quantity, s_dist_01, s_dist_02, s_dist_03,"
             " s_dist_04, s_dist_05, s_dist_06, s_dist_07, s_dist_08, s_dist_09, s_dist_10, s_ytd, s_order_cnt,"
             " s_remote_cnt, s_data), ',' ORDER BY s_w_id, s_i_id)) FROM stock",
    "history": "SELECT md5(string_agg(concat_ws('|', h_c_w_id, h_c_d_id, h_c_id, h_d_id, h_w_id, h_amount, h_data), ','"
               " ORDER BY h_c_w_id, h_c_d_id, h_c_id)) FROM history",
    "orders": "SELECT md5(string_agg(concat_ws('|', o_w_id, o_d_id, o_id, o_c_id, o_carrier_id, o_ol_cnt, o_all_local), ','"
              " ORDER BY o_w_id, o_d_id, o_id)) FROM orders",
    "order_line": "SELECT md5(string_agg(concat_ws('|', ol_w_id, ol_d_id, ol_o_id, ol_number, ol_i_id, ol_supply_w_id,"
                  " ol_delivery_d IS NULL, ol_quantity, ol_amount, ol_dist_info), ','"
                  " ORDER BY ol_w_id, ol_d_id, ol_o_id, ol_number)) FROM order_line",
    "new_order": "SELECT md5(string_agg(concat_ws('|', no_w_id, no_d_id, no_o_id), ',' ORDER BY no_w_id, no_d_id, no_o_id))"
                 " FROM new_order",
    "item": "SELECT md5(string_agg(concat_ws('|', i_id, i_im_id, i_name, i_price, i_data), ',' ORDER BY i_id)) FROM item",
}

# Population rules of 4.3.3.1, measured right after the load (the run changes some of them).
POPULATION = {
    "first_1000_names": "SELECT count(DISTINCT c_last) FROM customer WHERE c_id <= 1000",
    "name_of_372": "SELECT c_last FROM customer WHERE c_w_id = 1 AND c_d_id = 1 AND c_id = 372",
    "permuted_districts": "SELECT count(*) FROM (SELECT o_w_id, o_d_id FROM orders GROUP BY 1, 2 "
                          "HAVING count(DISTINCT o_c_id) = 3000 AND min(o_c_id) = 1 AND max(o_c_id) = 3000) x",
    "bc_pct": "SELECT 100.0 * count(*) FILTER (WHERE c_credit = 'BC') / count(*) FROM customer",
    "item_original_pct": "SELECT 100.0 * count(*) FILTER (WHERE i_data LIKE '%ORIGINAL%') / count(*) FROM item",
    "stock_original_pct": "SELECT 100.0 * count(*) FILTER (WHERE s_data LIKE '%ORIGINAL%') / count(*) FROM stock",
    "bad_carrier": "SELECT count(*) FROM orders WHERE (o_carrier_id IS NULL) <> (o_id >= 2101)",
    "bad_lines": "SELECT count(*) FROM order_line WHERE (ol_delivery_d IS NULL) <> (ol_o_id >= 2101)"
                 " OR (ol_o_id < 2101 AND ol_amount <> 0) OR (ol_o_id >= 2101 AND ol_amount = 0)",
    "new_order_range": "SELECT min(no_o_id) || '-' || max(no_o_id) FROM new_order",
    "distinct_dist": "SELECT count(DISTINCT s_dist_01) FROM stock",
    "lengths": "SELECT concat_ws(',', (SELECT min(length(c_data)) FROM customer), (SELECT max(length(c_data)) FROM customer),"
               " (SELECT min(length(s_data)) FROM stock), (SELECT max(length(s_data)) FROM stock))",
    "c_consts": "SELECT c_load || ',' || c_run FROM tpcc_meta",
}


class Db(harness.Database):
    """The shared TPC-C database of this file."""

    def __init__(self):
        super().__init__(prefix="tpcc_")

    def num(self, query):
        return float(self.scalar(query))


def summary_line(data, name):
    for s in data.get("summary", []):
        if s["name"] == name:
            return s
    raise AssertionError(f"no summary line {name!r} in {[s['name'] for s in data.get('summary', [])]}")


class TpccTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.script = harness.workload("tpcc.lua")
        cls.db = Db()
        try:
            cls._load_and_run(cls.db)
        except BaseException:
            cls.db.drop()   # tearDownClass does not run when setUpClass fails
            raise

    @classmethod
    def _load_and_run(cls, db):
        cls.prepare_log = db.stormdb("prepare", cls.script, "--warehouses", str(W), "--loaders", "2", "--seed", str(SEED),
                                     timeout=600).stderr
        cls.loaded = {t: int(db.scalar(f"SELECT count(*) FROM {t}")) for t in TABLES}
        cls.digests = {k: db.scalar(q) for k, q in DIGESTS.items()}
        cls.population = {k: db.scalar(q) for k, q in POPULATION.items()}
        cls.check_after_load = db.stormdb("check", cls.script, "--warehouses", str(W), check_rc=None)
        # The measured run every later test looks at: 8 terminals, 20 s, checks afterwards.
        cls.run_proc, cls.rundata = db.stormdb_json(
            "run", cls.script, "--warehouses", str(W), "-c", "8", "-j", "2", "-T", "20s", "--warmup", "2s",
            "--seed", str(SEED), "--verify", "--check", check_rc=None, timeout=600)

    @classmethod
    def tearDownClass(cls):
        cls.db.drop()

    # ---- population (4.3.3.1) ----------------------------------------------------------------

    def test_a_row_counts_after_load(self):
        c = self.loaded
        self.assertEqual(c["item"], 100000)
        self.assertEqual(c["warehouse"], W)
        self.assertEqual(c["district"], 10 * W)
        self.assertEqual(c["customer"], 30000 * W)
        self.assertEqual(c["history"], 30000 * W)
        self.assertEqual(c["orders"], 30000 * W)
        self.assertEqual(c["new_order"], 9000 * W)
        self.assertEqual(c["stock"], 100000 * W)
        # O_OL_CNT uniform 5..15: mean 10 per order, sd ~3.16 * sqrt(60,000) ~ 800 lines
        self.assertGreater(c["order_line"], 300000 * W - 6000)
        self.assertLess(c["order_line"], 300000 * W + 6000)

    def test_b_population_rules(self):
        p = self.population
        # C_LAST: the first 1,000 customers of each district take the 1,000 distinct names in order.
        self.assertEqual(p["first_1000_names"], "1000")
        self.assertEqual(p["name_of_372"], "PRICALLYOUGHT")
        # O_C_ID is a permutation of 1..3000 in every district.
        self.assertEqual(p["permuted_districts"], str(10 * W))
        # 10% BC credit, 10% ORIGINAL in I_DATA and S_DATA (random selection, so a band).
        for k in ["bc_pct", "item_original_pct", "stock_original_pct"]:
            self.assertTrue(9.0 < float(p[k]) < 11.0, (k, p[k]))
        # Undelivered orders: carrier and delivery date null from O_ID 2,101 on, amounts random.
        self.assertEqual(p["bad_carrier"], "0")
        self.assertEqual(p["bad_lines"], "0")
        self.assertEqual(p["new_order_range"], "2101-3000")
        # Random strings, not one repeated letter: S_DIST_01 values are all distinct.
        self.assertEqual(p["distinct_dist"], str(100000 * W))
        mn_c, mx_c, mn_s, mx_s = map(int, p["lengths"].split(","))
        self.assertTrue(300 <= mn_c and mx_c <= 500 and 26 <= mn_s and mx_s <= 50, p["lengths"])
        # C-Load and C-Run obey 2.1.6.1.
        c_load, c_run = map(int, p["c_consts"].split(","))
        delta = abs(c_run - c_load)
        self.assertTrue(65 <= delta <= 119 and delta not in (96, 112), (c_load, c_run))

    def test_c_load_is_deterministic_across_loaders_generators_and_fk(self):
        # A second database: 1 loader instead of 2, the Lua generators, the foreign keys. Same
        # --seed, same data. The first load used the native plugin (built with the engine).
        self.assertIn("(native generator)", self.prepare_log)
        other = Db()
        try:
            p = other.stormdb("prepare", self.script, "--warehouses", str(W), "--loaders", "1", "--seed", str(SEED),
                              "--fk", "--loader=lua", timeout=600)
            self.assertIn("(lua generator)", p.stderr)
            for k, q in DIGESTS.items():
                self.assertEqual(other.scalar(q), self.digests[k], f"{k} differs between native --loaders 2 and Lua 1")
            self.assertEqual(other.scalar("SELECT count(*) FROM pg_constraint WHERE contype = 'f'"), "10")
            # The transactions respect the foreign keys.
            p, data = other.stormdb_json("run", self.script, "--warehouses", str(W), "-c", "4", "-T", "3s",
                                         "--check", check_rc=None)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            self.assertEqual(sum(t["failed"] for t in data["transactions"].values()), 0, data["transactions"])
            # A broken invariant is caught, named, and makes `check` exit with status 3.
            other.sql("UPDATE warehouse SET w_ytd = w_ytd + 1 WHERE w_id = 1")
            other.sql("DELETE FROM order_line WHERE ol_w_id = 2 AND ol_d_id = 3 AND ol_o_id = 17 AND ol_number = 1")
            p = other.stormdb("check", self.script, check_rc=3)
            failed = [line for line in p.stdout.splitlines() if line.startswith("FAILED")]
            names = " ".join(failed)
            for cond in ["3.3.2.1 ", "3.3.2.4 ", "3.3.2.6 ", "3.3.2.8 "]:
                self.assertIn(cond, names, p.stdout)
            self.assertEqual(len(failed), 4, p.stdout)
            self.assertIn("w=1", names)
        finally:
            other.drop()

    # ---- consistency (3.3.2) -------------------------------------------------------------------

    def test_d_checks_after_load(self):
        p = self.check_after_load
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("12 checks, 12 passed, 0 failed", p.stdout)

    def test_e_checks_after_run(self):
        self.assertEqual(self.run_proc.returncode, 0, self.run_proc.stdout + self.run_proc.stderr)
        checks = self.rundata["checks"]
        self.assertEqual(len(checks), 12)
        for c in checks:
            self.assertTrue(c["ok"], c)
        # Deliveries happened, so condition 11 was skipped for (some) districts.
        detail = [c for c in checks if c["name"].startswith("3.3.2.11")][0]["detail"]
        self.assertTrue("skipped" in detail or "not applicable" in detail, detail)

    # ---- the run ---------------------------------------------------------------------------------

    def test_f_run_outcomes_and_tpmc(self):
        t = self.rundata["transactions"]
        for name in ["new_order", "payment", "order_status", "delivery", "stock_level"]:
            self.assertIn(name, t)
            self.assertGreater(t[name]["count"], 0, name)
            self.assertEqual(t[name]["failed"], 0, (name, t[name]))
        no = t["new_order"]
        self.assertGreater(no["rolled_back"], 0)
        tpmc = summary_line(self.rundata, "tpmC")["value"]
        expect = (no["committed"] + no["rolled_back"]) * 60 / self.rundata["elapsed_s"]
        self.assertAlmostEqual(tpmc, expect, delta=expect * 0.01 + 1)
        self.assertIn("NOT spec-paced", summary_line(self.rundata, "pacing")["note"])
        for name in ["new_order", "payment", "order_status", "delivery", "stock_level"]:
            self.assertTrue(summary_line(self.rundata, "p90 " + name)["ok"])

    def test_g_input_variability_in_bounds(self):
        # From the run's own figures (5.5.1.5) ...
        for name in ["rolled-back New-Orders", "order-lines per order", "remote order-lines", "remote Payments",
                     "customers by last name"]:
            s = summary_line(self.rundata, name)
            self.assertTrue(s["ok"], s)
        # ... and from what the database holds for the orders and payments of the run.
        db = self.db
        orders = int(db.scalar("SELECT count(*) FROM orders WHERE o_id > 3000"))
        self.assertGreater(orders, 2000)
        avg_ol = db.num("SELECT avg(o_ol_cnt) FROM orders WHERE o_id > 3000")
        self.assertTrue(9.5 <= avg_ol <= 10.5, avg_ol)
        remote_ol = db.num("SELECT 100.0 * count(*) FILTER (WHERE ol_supply_w_id <> ol_w_id) / count(*) "
                           "FROM order_line WHERE ol_o_id > 3000")
        self.assertTrue(0.95 <= remote_ol <= 1.05, remote_ol)
        remote_pay = db.num("SELECT 100.0 * count(*) FILTER (WHERE h_c_w_id <> h_w_id) / count(*) FROM history "
                            "WHERE h_date > (SELECT finished_at FROM stormdb_loads WHERE workload = 'tpcc')")
        self.assertTrue(14.0 <= remote_pay <= 16.0, remote_pay)
        no = self.rundata["transactions"]["new_order"]
        rbk = 100.0 * no["rolled_back"] / (no["committed"] + no["rolled_back"])
        self.assertTrue(0.9 <= rbk <= 1.1, rbk)

    def test_h_remote_rows_touch_other_warehouses(self):
        db = self.db
        # Remote order lines name the other warehouse and updated its stock (S_REMOTE_CNT).
        self.assertGreater(int(db.scalar("SELECT count(*) FROM order_line WHERE ol_supply_w_id <> ol_w_id "
                                         "AND ol_supply_w_id BETWEEN 1 AND 2")), 0)
        self.assertGreater(int(db.scalar("SELECT sum(s_remote_cnt) FROM stock")), 0)
        # O_ALL_LOCAL = 0 exactly for the orders with a remote line.
        self.assertEqual(db.scalar("SELECT count(*) FROM orders o WHERE o_id > 3000 AND (o_all_local = 0) <> EXISTS "
                                   "(SELECT 1 FROM order_line l WHERE l.ol_w_id = o.o_w_id AND l.ol_d_id = o.o_d_id "
                                   "AND l.ol_o_id = o.o_id AND l.ol_supply_w_id <> l.ol_w_id)"), "0")
        # Remote payments: the customer of another warehouse paid and its row changed.
        self.assertGreater(int(db.scalar("SELECT count(*) FROM history WHERE h_c_w_id <> h_w_id")), 0)
        self.assertGreater(int(db.scalar("SELECT count(*) FROM customer c WHERE c_payment_cnt > 1 AND EXISTS "
                                         "(SELECT 1 FROM history h WHERE h.h_c_w_id = c.c_w_id AND h.h_c_d_id = c.c_d_id "
                                         "AND h.h_c_id = c.c_id AND h.h_w_id <> c.c_w_id)")), 0)
        # BC customers' C_DATA got the payment prepended and stayed within 500 characters.
        self.assertGreater(int(db.scalar("SELECT count(*) FROM customer WHERE c_credit = 'BC' AND c_payment_cnt > 1 "
                                         "AND c_data ~ '^[0-9]+ [0-9]+ [0-9]+ [0-9]+ [0-9]+ [0-9.]+[|]'")), 0)
        self.assertEqual(db.scalar("SELECT count(*) FROM customer WHERE length(c_data) > 500"), "0")

    def test_i_order_status_reads_the_last_order(self):
        c = self.rundata["counters"]
        self.assertGreater(c.get("verify.order_status_ok", 0), 0)
        self.assertEqual(c.get("verify.order_status_bad", 0), 0)
        # And the database agrees with the rule Order-Status follows: a customer's newest order
        # holds exactly O_OL_CNT lines (condition 6 checks it for every order, here for one).
        row = self.db.sql("SELECT o_w_id, o_d_id, o_c_id, max(o_id) FROM orders WHERE o_id > 3000 "
                          "GROUP BY 1, 2, 3 ORDER BY 4 DESC LIMIT 1")[0]
        w, d, cid, oid = row
        self.assertEqual(self.db.scalar(f"SELECT count(*) FROM order_line WHERE ol_w_id = {w} AND ol_d_id = {d} "
                                        f"AND ol_o_id = {oid}"),
                         self.db.scalar(f"SELECT o_ol_cnt FROM orders WHERE o_w_id = {w} AND o_d_id = {d} "
                                        f"AND o_id = {oid}"))

    # ---- options ---------------------------------------------------------------------------------

    def test_j_deferred_delivery(self):
        p, data = self.db.stormdb_json("run", self.script, "--warehouses", str(W), "-c", "4", "-j", "2", "-T", "5s",
                                       "--deferred-delivery", "--check", check_rc=None)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        t = data["transactions"]
        self.assertGreater(t["delivery_deferred"]["committed"], 0)
        self.assertGreater(data["counters"].get("delivery.queued", 0), 0)
        s = summary_line(data, "deferred Delivery <= 80 s")
        self.assertTrue(s["ok"], s)
        for c in data["checks"]:
            self.assertTrue(c["ok"], c)

    def test_k_serializable_retries_and_consistency(self):
        # SERIALIZABLE on 2 warehouses with unpaced terminals aborts often (SSI pivots on the
        # warehouse/district rows): the engine must retry those 40001s, nothing else may fail,
        # and the database must stay consistent.
        p, data = self.db.stormdb_json("run", self.script, "--warehouses", str(W), "-c", "4", "-j", "2", "-T", "4s",
                                       "--isolation", "serializable", "--check", check_rc=None)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        t = data["transactions"]
        self.assertGreater(sum(t[n]["committed"] for n in t), 0)
        self.assertGreater(sum(t[n]["retries"] for n in t), 0)
        for n in t:
            self.assertTrue(set(t[n].get("failures", {})) <= {"40001", "40P01"}, (n, t[n].get("failures")))
        for c in data["checks"]:
            self.assertTrue(c["ok"], c)

    def test_l_think_times_pace_the_terminals(self):
        p, data = self.db.stormdb_json("run", self.script, "--warehouses", str(W), "-c", "4", "-j", "1", "-T", "4s",
                                       "--think", check_rc=None)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        # Keying + think times are >= 2 s, so 4 terminals finish at most a few transactions each.
        total = sum(t["count"] for t in data["transactions"].values())
        self.assertLessEqual(total, 12)
        names = [s["name"] for s in data["summary"]]
        self.assertIn("efficiency", names)
        self.assertNotIn("pacing", names)

    def test_m_wrong_warehouse_count_is_refused(self):
        p = self.db.stormdb("run", self.script, "--warehouses", "3", "-c", "1", "-T", "1s", check_rc=None)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("--warehouses 2", p.stdout + p.stderr)

    def test_z_cleanup_drops_everything(self):
        self.db.stormdb("cleanup", self.script)
        left = self.db.scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        self.assertEqual(left, "0")


if __name__ == "__main__":
    harness.main()
