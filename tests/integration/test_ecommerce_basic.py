# Integration tests of workloads/ecommerce_basic.lua: load and indexes, every mode's operations, check, sharing a database with ecommerce, cleanup.
import harness

SCALE = 2000
SCRIPT = harness.workload("ecommerce_basic.lua")
OPTS = [f"--scale={SCALE}"]
# Runs are a fixed number of transactions per client with a fixed --seed, not a duration: the
# mix draws the same sequence every time, so whether each transaction type ran does not depend on
# how busy the machine is, and a run takes only as long as those transactions.
RUN = ["-c", "4", "-j", "2", "--seed", "7"]
# Per client; the rarest type of each mode is drawn several times (mixed: 0.75 %).
PER_CLIENT = {"read": 75, "write": 75, "mixed": 200, "oltp": 50, "analytics": 25}
READS = {"product_by_sku", "user_by_email", "products_by_category", "order_details", "user_orders", "product_reviews",
         "product_search", "top_rated_products", "bestsellers", "recent_reviews", "user_session_history",
         "product_view_stats", "low_stock", "search_term_stats"}
WRITES = {"log_product_view", "create_order", "create_review", "update_inventory", "update_user_info",
          "update_product_rating", "create_user", "create_product"}
MODES = {
    "read": READS,
    "write": WRITES,
    "mixed": READS | WRITES,
    "oltp": {"user_by_email", "product_by_sku", "products_by_category", "user_orders", "order_details",
             "create_order", "update_inventory", "create_review", "log_product_view"},
    "analytics": {"sales_by_month_category", "customer_segmentation", "conversion_funnel", "top_customers",
                  "category_revenue"},
}
COUNTS = {"users": SCALE, "products": SCALE // 2, "inventory": SCALE // 2, "orders": 2 * SCALE, "reviews": SCALE,
          "user_sessions": 3 * SCALE, "product_analytics": 6 * SCALE}
INDEXES = {"users_email", "users_username", "products_sku", "products_category_rating", "products_rating",
           "products_search", "inventory_low", "orders_number", "orders_user", "orders_created_at",
           "order_items_order", "order_items_product", "reviews_product", "reviews_created_at", "reviews_user",
           "user_sessions_token", "user_sessions_user", "product_analytics_product", "product_analytics_search",
           "product_analytics_created_at", "product_analytics_user"}
NOT_IN_BASIC = {"vendors", "purchase_orders", "purchase_order_items"}


class EcommerceBasicHelpers:
    def count(self, table, where="true"):
        return int(self.scalar(f"SELECT count(*) FROM ecommerce_basic.{table} WHERE {where}"))

    def assert_check_passes(self):
        p = self.stormdb("check", SCRIPT)
        self.assertIn("3 passed", p.stdout, p.stdout)

    def run_mode(self, mode):
        _, result = self.stormdb_json("run", SCRIPT, *OPTS, f"--mode={mode}", *RUN, "-t", str(PER_CLIENT[mode]))
        types = result["transactions"]
        for name in sorted(MODES[mode]):
            self.assertIn(name, types, f"{mode}: {name} never ran")
            self.assertGreater(types[name]["committed"], 0, f"{mode}: {name}")
            self.assertEqual(types[name]["failed"], 0, f"{mode}: {name} failures {types[name]['failures']}")
            if name != "create_order":   # an order for an item out of stock is rolled back by design
                self.assertEqual(types[name]["rolled_back"], 0, f"{mode}: {name}")
        self.assertEqual({n for n, s in types.items() if s["count"] > 0}, MODES[mode], f"{mode}: other transactions ran")
        return result


class EcommerceBasicTest(EcommerceBasicHelpers, harness.SharedDatabaseTestCase):
    """One load shared, in order: the load itself, then runs in every mode."""

    @classmethod
    def load(cls):
        cls.db.stormdb("prepare", SCRIPT, *OPTS)

    def test_a_prepare_loads_rows_and_indexes(self):
        for table, n in COUNTS.items():
            self.assertEqual(self.count(table), n, table)
        tables = {r[0] for r in self.sql("SELECT tablename FROM pg_tables WHERE schemaname = 'ecommerce_basic'")}
        self.assertEqual(tables & NOT_IN_BASIC, set())
        indexes = {r[0] for r in self.sql("SELECT indexname FROM pg_indexes WHERE schemaname = 'ecommerce_basic'")}
        self.assertLessEqual(INDEXES, indexes, INDEXES - indexes)
        self.assertEqual(self.scalar("SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                                     " WHERE c.relnamespace = 'ecommerce_basic'::regnamespace AND NOT t.tgisinternal"), "0")
        # The analytics search_query column the original indexed without creating exists and is used.
        self.assertGreater(self.count("product_analytics", "search_query IS NOT NULL"), 0)
        self.assert_check_passes()

    def test_b_all_modes(self):
        stock = int(self.scalar("SELECT sum(quantity) FROM ecommerce_basic.inventory"))
        self.run_mode("read")
        self.run_mode("analytics")
        self.assertEqual(int(self.scalar("SELECT sum(quantity) FROM ecommerce_basic.inventory")), stock)
        result = self.run_mode("write")
        types = result["transactions"]
        self.assertEqual(self.count("users"), SCALE + types["create_user"]["committed"])
        self.assertEqual(self.count("products"), SCALE // 2 + types["create_product"]["committed"])
        self.assertEqual(self.count("inventory"), self.count("products"))
        self.assertEqual(self.count("orders"), 2 * SCALE + types["create_order"]["committed"])
        # New users' emails follow the loaded pattern, so user_by_email finds them too.
        self.assertEqual(self.count("users", "email <> 'user' || user_id || '@example.com'"), 0)
        self.assert_check_passes()
        self.run_mode("oltp")
        result = self.run_mode("mixed")
        reads = sum(result["transactions"][n]["count"] for n in READS)
        self.assertAlmostEqual(reads / result["total"]["count"], 0.75, delta=0.05)
        self.assert_check_passes()


class EcommerceBasicOwnDatabaseTest(EcommerceBasicHelpers, harness.DatabaseTestCase):
    def test_shares_a_database_with_ecommerce(self):
        full = harness.workload("ecommerce.lua")
        self.stormdb("prepare", full, "--scale=500")
        self.stormdb("prepare", SCRIPT, "--scale=500")
        self.assertEqual(self.scalar("SELECT count(*) FROM ecommerce.users"), "500")
        self.assertEqual(self.scalar("SELECT count(*) FROM ecommerce_basic.users"), "500")
        self.stormdb("run", SCRIPT, "--mode=write", "-c", "2", "-T", "1s")
        self.stormdb("run", full, "--mode=write", "-c", "2", "-T", "1s")
        # Cleaning one up leaves the other whole.
        self.stormdb("cleanup", SCRIPT)
        self.assertEqual(self.scalar("SELECT count(*) FROM pg_namespace WHERE nspname = 'ecommerce_basic'"), "0")
        p = self.stormdb("check", full)
        self.assertIn("5 passed", p.stdout)
        self.stormdb("cleanup", full)
        self.assertEqual(self.scalar("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                                     " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"), "0")
        self.assertEqual(self.scalar("SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                                     " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')"), "0")


if __name__ == "__main__":
    harness.main()
