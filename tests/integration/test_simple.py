# Integration tests of workloads/simple.lua: load and indexes, each --mode's transactions, what writes did to the tables, check, cleanup.
import harness

ROWS = 20000
TABLES = 2
OPTS = [f"--rows={ROWS}", f"--tables={TABLES}"]
# Runs are a fixed number of transactions per client with a fixed --seed, not a duration: the
# mix draws the same sequence every time, so whether each transaction type ran does not depend on
# how busy the machine is, and a run takes only as long as those transactions.
RUN = ["-c", "4", "-j", "2", "--seed", "7"]
PER_CLIENT = {"read": 100, "write": 100, "mixed": 250}   # mixed: 1000 draws for the 70 % read share
MODES = {
    "read": {"point_select", "range_select"},
    "write": {"update_index", "update_non_index", "delete_insert"},
    "mixed": {"point_select", "range_select", "update_index", "update_non_index", "delete_insert"},
}
TABLE_NAMES = [f"simple_sbtest{t}" for t in range(1, TABLES + 1)]


class SimpleHelpers:
    def prepare(self):
        self.stormdb("prepare", harness.workload("simple.lua"), *OPTS)

    def checksum(self, table):
        """A digest of every row's content, to tell whether a run changed anything."""
        return self.scalar(f"SELECT md5(string_agg(id || ':' || k || ':' || c || ':' || pad, ',' ORDER BY id)) FROM {table}")

    def run_mode(self, mode):
        _, result = self.stormdb_json("run", harness.workload("simple.lua"), *OPTS, f"--mode={mode}", *RUN,
                                        "-t", str(PER_CLIENT[mode]))
        types = result["transactions"]
        for name in MODES[mode]:
            self.assertIn(name, types, f"{mode}: {name} never ran")
            self.assertGreater(types[name]["committed"], 0, f"{mode}: {name}")
            self.assertEqual(types[name]["failed"], 0, f"{mode}: {name} failures {types[name]['failures']}")
        self.assertEqual(set(n for n, s in types.items() if s["count"] > 0), MODES[mode],
                         f"{mode}: transactions outside the mode ran")
        return result

    def assert_check_passes(self):
        p = self.stormdb("check", harness.workload("simple.lua"), *OPTS)
        self.assertIn("passed", p.stdout)
        self.assertNotIn("FAILED", p.stdout)


class SimpleLoadedTest(SimpleHelpers, harness.SharedDatabaseTestCase):
    """One load shared, in order: the load itself, a read run, a write run, a mixed run and cleanup."""

    @classmethod
    def load(cls):
        cls.db.stormdb("prepare", harness.workload("simple.lua"), *OPTS)

    def test_a_prepare_loads_rows_and_indexes(self):
        for table in TABLE_NAMES:
            self.assertEqual(self.scalar(f"SELECT count(*) || ' ' || min(id) || '-' || max(id) FROM {table}"),
                             f"{ROWS} 1-{ROWS}")
            # k is drawn over the whole range, so the index on k is not trivially one value.
            self.assertGreater(int(self.scalar(f"SELECT count(DISTINCT k) FROM {table}")), ROWS // 2)
            indexes = {r[0] for r in self.sql(f"SELECT indexname FROM pg_indexes WHERE tablename = '{table}'")}
            self.assertEqual(indexes, {f"{table}_pkey", f"k_{table}"})
            self.assertEqual(self.scalar(f"SELECT reltuples::bigint FROM pg_class WHERE relname = '{table}'"),
                             str(ROWS), "ANALYZE did not run")
        self.assertEqual(self.scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'simple_sbtest3'"), "0")

    def test_b_read_mode_changes_nothing(self):
        before = {t: self.checksum(t) for t in TABLE_NAMES}
        self.run_mode("read")
        self.assertEqual({t: self.checksum(t) for t in TABLE_NAMES}, before)
        self.assert_check_passes()

    def test_c_write_mode_writes_and_keeps_ids(self):
        before = {t: self.checksum(t) for t in TABLE_NAMES}
        # Transaction ids are 32-bit in xmin and 64-bit here; on a test server far from wraparound
        # (epoch 0) the two compare directly: rows with a newer xmin were written by the run.
        xid = int(self.scalar("SELECT pg_current_xact_id()::text"))
        result = self.run_mode("write")
        writes = sum(result["transactions"][n]["committed"] for n in MODES["write"])
        changed = 0
        for table in TABLE_NAMES:
            self.assertNotEqual(self.checksum(table), before[table], f"{table} unchanged after a write run")
            changed += int(self.scalar(f"SELECT count(*) FROM {table} WHERE xmin::text::bigint > {xid}"))
        self.assertGreater(changed, 0)
        # Each write transaction leaves at most one row version, plus one per client still in flight.
        self.assertLessEqual(changed, writes + 4)
        # delete_insert keeps every id: the counts, and the workload's own check, still hold.
        for table in TABLE_NAMES:
            self.assertEqual(self.scalar(f"SELECT count(*) || ' ' || min(id) || '-' || max(id) FROM {table}"),
                             f"{ROWS} 1-{ROWS}")
        self.assert_check_passes()

    def test_d_mixed_mode_then_cleanup(self):
        result = self.run_mode("mixed")
        types = result["transactions"]
        reads = types["point_select"]["committed"] + types["range_select"]["committed"]
        share = reads / result["total"]["committed"]
        self.assertAlmostEqual(share, 0.7, delta=0.05, msg="mixed should be about 70% reads")
        self.assert_check_passes()
        self.stormdb("cleanup", harness.workload("simple.lua"))
        self.assertEqual(self.scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), "0")


class SimpleTest(SimpleHelpers, harness.DatabaseTestCase):
    def test_check_fails_when_a_row_is_missing(self):
        self.prepare()
        self.sql("DELETE FROM simple_sbtest2 WHERE id = 7")
        p = self.stormdb("check", harness.workload("simple.lua"), *OPTS, check_rc=None)
        self.assertNotEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("FAILED simple_sbtest2", p.stdout)

    def test_unknown_mode_is_rejected(self):
        p = self.stormdb("run", harness.workload("simple.lua"), "--mode=readonly", "-T", "1s", check_rc=None)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("mode", p.stderr)


if __name__ == "__main__":
    harness.main()
