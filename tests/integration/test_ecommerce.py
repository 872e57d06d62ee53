# Integration tests of workloads/ecommerce.lua: load, indexes, keys and triggers, the triggers' effects, every mode's operations, check, vectors, cleanup.
import subprocess

import harness

SCALE = 2000
SCRIPT = harness.workload("ecommerce.lua")
OPTS = [f"--scale={SCALE}"]
# Runs are a fixed number of transactions per client with a fixed --seed, not a duration: the
# mix draws the same sequence every time, so whether each transaction type ran does not depend on
# how busy the machine is, and a run takes only as long as those transactions.
RUN = ["-c", "4", "-j", "2", "--seed", "7"]
# Per client; the rarest type of each mode is drawn several times (mixed: 0.75 %), write
# orders enough to cross reorder levels, analytics runs only the 7 reports.
PER_CLIENT = {"read": 75, "write": 100, "mixed": 200, "oltp": 50, "analytics": 25}
READS = {"product_by_sku", "user_by_email", "order_details", "user_orders", "products_by_category", "product_reviews",
         "product_search", "recent_activity", "vendor_products", "user_activity_summary", "product_events_daily",
         "vendor_purchase_orders", "inventory_status", "similar_users", "vendor_performance",
         "top_products_per_category", "user_spending_trend", "inventory_analysis", "stock_control_report"}
WRITES = {"create_order", "ship_order", "log_event", "add_review", "adjust_inventory", "receive_purchase_order",
          "update_loyalty", "reprice_product", "create_purchase_order", "update_vendor_rating"}
MODES = {
    "read": READS,
    "write": WRITES,
    "mixed": READS | WRITES,
    "oltp": {"user_by_email", "product_by_sku", "products_by_category", "user_orders", "order_details",
             "create_order", "ship_order", "log_event", "receive_purchase_order"},
    "analytics": {"vendor_performance", "top_products_per_category", "user_spending_trend", "inventory_analysis",
                  "stock_control_report", "sales_by_month_category", "customer_segmentation"},
}
# Operations that may end "rolled back by design": an order with an item out of stock, or no
# pending order / open purchase-order item left to process.
MAY_ROLL_BACK = {"create_order", "ship_order", "receive_purchase_order"}
COUNTS = {"users": SCALE, "vendors": SCALE // 20, "products": SCALE // 2, "inventory": SCALE // 2,
          "orders": 2 * SCALE, "reviews": SCALE, "user_sessions": 3 * SCALE, "product_analytics": 3 * SCALE,
          "purchase_orders": 20}
INDEXES = {"users_email", "users_username", "products_sku", "products_category_rating", "products_vendor",
           "products_search", "inventory_reorder", "orders_user", "orders_created_at", "orders_pending",
           "order_items_order", "order_items_product", "reviews_product", "reviews_user", "reviews_created_at",
           "user_sessions_token", "user_sessions_user", "product_analytics_product", "purchase_orders_vendor",
           "purchase_order_items_po", "purchase_order_items_product", "purchase_order_items_open"}


def vector_available():
    p = subprocess.run(["psql", "-X", "-A", "-t", "-d", harness.server_conninfo(), "-c",
                        "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'"],
                       capture_output=True, text=True, timeout=60)
    return p.stdout.strip() == "1"


class EcommerceHelpers:
    def prepare(self, *extra):
        self.stormdb("prepare", SCRIPT, *OPTS, *extra)

    def count(self, table, where="true"):
        return int(self.scalar(f"SELECT count(*) FROM ecommerce.{table} WHERE {where}"))

    def assert_check_passes(self):
        p = self.stormdb("check", SCRIPT)
        self.assertIn("5 passed", p.stdout, p.stdout)
        self.assertNotIn("FAILED", p.stdout)

    def run_mode(self, mode, *extra, expected=None):
        expected = expected or MODES[mode]
        _, result = self.stormdb_json("run", SCRIPT, *OPTS, f"--mode={mode}", *extra, *RUN,
                                        "-t", str(PER_CLIENT[mode]))
        types = result["transactions"]
        for name in sorted(expected):
            self.assertIn(name, types, f"{mode}: {name} never ran")
            self.assertGreater(types[name]["committed"], 0, f"{mode}: {name}")
            self.assertEqual(types[name]["failed"], 0, f"{mode}: {name} failures {types[name]['failures']}")
            if name not in MAY_ROLL_BACK:
                self.assertEqual(types[name]["rolled_back"], 0, f"{mode}: {name}")
        self.assertEqual({n for n, s in types.items() if s["count"] > 0}, expected, f"{mode}: other transactions ran")
        return result



class EcommerceLoadedTest(EcommerceHelpers, harness.SharedDatabaseTestCase):
    """One load shared, in order: the load itself, the stock triggers, runs in every mode, cleanup."""

    @classmethod
    def load(cls):
        cls.db.stormdb("prepare", SCRIPT, *OPTS)

    def test_a_prepare_loads_rows_indexes_keys_and_triggers(self):
        for table, n in COUNTS.items():
            self.assertEqual(self.count(table), n, table)
        items = self.count("order_items")
        self.assertTrue(2 * SCALE <= items <= 10 * SCALE, items)
        indexes = {r[0] for r in self.sql("SELECT indexname FROM pg_indexes WHERE schemaname = 'ecommerce'")}
        self.assertLessEqual(INDEXES, indexes, INDEXES - indexes)
        self.assertEqual(self.scalar("SELECT count(*) FROM pg_constraint WHERE contype = 'f' "
                                     "AND connamespace = 'ecommerce'::regnamespace"), "14")
        triggers = {r[0] for r in self.sql("SELECT tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                                           "WHERE c.relnamespace = 'ecommerce'::regnamespace AND NOT t.tgisinternal")}
        self.assertEqual(triggers, {"inventory_check_stock", "purchase_receipt"})
        # Aggregates derived at load agree with the rows (the check hook verifies the rest).
        self.assertEqual(self.count("products p", "review_count <> (SELECT count(*) FROM ecommerce.reviews r "
                                                  "WHERE r.product_id = p.product_id)"), 0)
        self.assertGreater(self.count("inventory", "quantity_reserved > 0"), 0)
        self.assertEqual(self.scalar("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'ecommerce' "
                                     "AND column_name = 'content_vector'"), "0")
        # Popular products are bought far more often than the average.
        top = int(self.scalar("SELECT max(n) FROM (SELECT count(*) AS n FROM ecommerce.order_items GROUP BY product_id) x"))
        self.assertGreater(top, 10 * items / (SCALE // 2))
        self.assert_check_passes()

    def test_b_stock_triggers(self):
        # A product with stock to spare and no purchase order open for it.
        pid, level, max_level = self.sql(
            "SELECT product_id, reorder_level, max_stock_level FROM ecommerce.inventory i WHERE auto_reorder AND NOT EXISTS ("
            " SELECT 1 FROM ecommerce.purchase_order_items p WHERE p.product_id = i.product_id"
            " AND quantity_received < quantity_ordered) ORDER BY product_id LIMIT 1")[0]
        pos = self.count("purchase_orders")
        self.sql(f"UPDATE ecommerce.inventory SET quantity_available = quantity_reserved + {level} + 1 WHERE product_id = {pid}")
        self.assertEqual(self.count("purchase_orders"), pos, "stock above the reorder level must not reorder")
        # Selling two more units crosses the level: one automatic purchase order up to max_stock_level.
        self.sql(f"UPDATE ecommerce.inventory SET quantity_available = quantity_available - 2 WHERE product_id = {pid}")
        po, qty, vendor_ok = self.sql(
            f"SELECT po.po_id, i.quantity_ordered, po.vendor_id = inv.supplier_id FROM ecommerce.purchase_orders po"
            f" JOIN ecommerce.purchase_order_items i ON i.po_id = po.po_id"
            f" JOIN ecommerce.inventory inv ON inv.product_id = i.product_id"
            f" WHERE po.auto_generated AND i.product_id = {pid} AND po.status = 'ordered'")[0]
        self.assertEqual(int(qty), int(max_level) - (int(level) - 1))
        self.assertEqual(vendor_ok, "t")
        # A further sale while that order is open does not order again.
        self.sql(f"UPDATE ecommerce.inventory SET quantity_available = quantity_available - 1 WHERE product_id = {pid}")
        self.assertEqual(self.count("purchase_orders"), pos + 1)
        # Receiving it adds the units to stock and closes the purchase order.
        before = int(self.scalar(f"SELECT quantity_available FROM ecommerce.inventory WHERE product_id = {pid}"))
        self.sql(f"UPDATE ecommerce.purchase_order_items SET quantity_received = quantity_ordered WHERE po_id = {po}")
        self.assertEqual(int(self.scalar(f"SELECT quantity_available FROM ecommerce.inventory WHERE product_id = {pid}")),
                         before + int(qty))
        self.assertEqual(self.scalar(f"SELECT status FROM ecommerce.purchase_orders WHERE po_id = {po}"), "received")
        self.assert_check_passes()

    def test_c_read_oltp_and_analytics_modes(self):
        orders = self.count("orders")
        self.run_mode("read")
        self.assertEqual(self.count("orders"), orders, "read mode wrote orders")
        self.run_mode("analytics")
        result = self.run_mode("oltp")
        created = result["transactions"]["create_order"]["committed"]
        self.assertEqual(self.count("orders"), orders + created)
        self.assert_check_passes()

    def test_d_vectors_need_a_vector_schema(self):
        p = self.stormdb("run", SCRIPT, "--vectors", "-T", "1s", check_rc=None)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("prepared without it", p.stdout + p.stderr)


    def test_e_write_and_mixed_modes_fire_the_triggers(self):
        # The newest purchase order so far (the runs before this one may have added some).
        loaded_pos = int(self.scalar("SELECT coalesce(max(po_id), 0) FROM ecommerce.purchase_orders"))
        # Bring every auto-reorder product just above its reorder level (no trigger fires for a
        # rise), so the orders of a 3-second run cross it.
        self.sql("UPDATE ecommerce.inventory SET quantity_available = quantity_reserved + reorder_level + 3 WHERE auto_reorder")
        xid = int(self.scalar("SELECT pg_current_xact_id()::text"))
        result = self.run_mode("write")
        self.assertGreater(self.count("purchase_orders", f"auto_generated AND po_id > {loaded_pos}"), 0,
                           "no automatic reorder during the write run")
        self.assertGreater(self.count("purchase_order_items", f"received_at IS NOT NULL AND xmin::text::bigint > {xid}"), 0)
        shipped = result["transactions"]["ship_order"]["committed"]
        self.assertGreaterEqual(self.count("orders", f"status = 'shipped' AND xmin::text::bigint > {xid}"), shipped)
        self.assert_check_passes()
        result = self.run_mode("mixed")
        reads = sum(result["transactions"][n]["count"] for n in READS)
        self.assertAlmostEqual(reads / result["total"]["count"], 0.75, delta=0.05)
        self.assert_check_passes()

    def test_f_cleanup_leaves_nothing(self):
        self.stormdb("cleanup", SCRIPT)
        self.assertEqual(self.scalar("SELECT count(*) FROM pg_namespace WHERE nspname = 'ecommerce'"), "0")
        self.assertEqual(self.scalar("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                                     " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"), "0")
        self.assertEqual(self.scalar("SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                                     " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')"), "0")
        p = self.stormdb("check", SCRIPT, check_rc=2)
        self.assertIn("workload ecommerce is not loaded in this database", p.stderr)


class EcommerceTest(EcommerceHelpers, harness.DatabaseTestCase):
    def test_review_vectors(self):
        if not vector_available():
            self.skipTest("the server has no 'vector' extension (pgvector): build it from source against "
                          "postgresql-server-dev-15 (git clone https://github.com/pgvector/pgvector; make && make install)")
        self.prepare("--vectors", "--vector_dims=16")
        self.assertEqual(self.count("reviews", "content_vector IS NOT NULL"), SCALE)
        self.assertIn("USING hnsw (content_vector vector_cosine_ops)",
                      self.scalar("SELECT indexdef FROM pg_indexes WHERE indexname = 'reviews_content_vector'"))
        self.run_mode("read", "--vectors", expected=READS | {"review_vector_search"})
        self.run_mode("write", expected=WRITES)
        self.assertEqual(self.count("reviews", "content_vector IS NULL"), 0, "add_review must embed new reviews too")


if __name__ == "__main__":
    harness.main()
