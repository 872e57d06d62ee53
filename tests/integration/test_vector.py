# Integration tests of workloads/vector.lua: load, ANN indexes, recall@k against exact search, ingest/update paths, cleanup; skipped without pgvector.
import subprocess

import harness

SCRIPT = harness.workload("vector.lua")
RUN = ["-c", "4", "-j", "2", "-T", "3s"]
# 5000 vectors around 12 clusters in 32 dimensions: an IVFFlat of 50 lists cuts every cluster into
# several lists, so probing 3 of them finds most but not all true neighbours (measured 0.88-0.90
# over seeds 1-3), while an exact scan finds all of them.
BASE = ["--rows=5000", "--dims=32", "--clusters=12", "--seed=1"]


def vector_available():
    p = subprocess.run(["psql", "-X", "-A", "-t", "-d", harness.server_conninfo(), "-c",
                        "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'"],
                       capture_output=True, text=True, timeout=60)
    return p.stdout.strip() == "1"


SKIP_MESSAGE = ("the server has no 'vector' extension (pgvector): build it from source against "
                "postgresql-server-dev-15 (git clone https://github.com/pgvector/pgvector; make && make install)")


class VectorTest(harness.DatabaseTestCase):
    def setUp(self):
        super().setUp()
        if not vector_available():
            self.skipTest(SKIP_MESSAGE)

    def run_json(self, *opts, expected):
        _, result = self.stormdb_json("run", SCRIPT, *opts, *RUN)
        types = result["transactions"]
        for name in expected:
            self.assertIn(name, types, f"{name} never ran")
            self.assertGreater(types[name]["committed"], 0, name)
            self.assertEqual(types[name]["failed"], 0, f"{name} failures {types[name]['failures']}")
        self.assertEqual({n for n, s in types.items() if s["count"] > 0}, set(expected))
        return result, {s["name"]: s for s in result["summary"]}

    def count(self):
        return int(self.scalar("SELECT count(*) FROM vector_bench.items"))

    def test_exact_search_has_recall_one(self):
        opts = BASE + ["--index=none"]
        self.stormdb("prepare", *[SCRIPT], *opts)
        self.assertEqual(self.scalar("SELECT count(*) || ' ' || min(id) || '-' || max(id) FROM vector_bench.items"), "5000 1-5000")
        self.assertEqual(self.scalar("SELECT vector_dims(embedding) FROM vector_bench.items LIMIT 1"), "32")
        self.assertEqual({r[0] for r in self.sql("SELECT indexname FROM pg_indexes WHERE schemaname = 'vector_bench'")},
                         {"items_pkey"})
        result, summary = self.run_json(*opts, expected=["knn_search", "recall_check"])
        self.assertEqual(summary["recall@10"]["value"], 1.0)
        self.assertGreater(result["counters"]["recall_queries"], 20)
        # The exact scans' own cost is observed apart, one sample per recall check.
        self.assertEqual(result["timings"]["exact_scan"]["count"], result["counters"]["recall_queries"])
        self.assertNotIn("index build time", summary)
        # About one search in --recall_every=10 is a recall check.
        share = result["transactions"]["recall_check"]["count"] / result["total"]["count"]
        self.assertAlmostEqual(share, 0.1, delta=0.04)

    def test_ivfflat_recall_below_one(self):
        opts = BASE + ["--index=ivfflat", "--lists=50"]
        self.stormdb("prepare", SCRIPT, *opts)
        indexdef = self.scalar("SELECT indexdef FROM pg_indexes WHERE schemaname = 'vector_bench' AND indexname = 'items_embedding'")
        self.assertIn("USING ivfflat (embedding)", indexdef)   # vector_l2_ops is the default opclass, not shown
        self.assertIn("lists='50'", indexdef)
        # Build time and the index size are measured at prepare and kept in the meta table.
        build_ms, index_bytes, real_bytes = self.sql(
            "SELECT build_ms, index_bytes, pg_relation_size('vector_bench.items_embedding') FROM vector_bench.meta")[0]
        self.assertGreater(float(build_ms), 0)
        self.assertEqual(index_bytes, real_bytes)
        result, summary = self.run_json(*opts, "--probes=3", expected=["knn_search", "recall_check"])
        recall = summary["recall@10"]["value"]
        self.assertGreater(recall, 0.8)
        self.assertLess(recall, 1.0)
        self.assertAlmostEqual(summary["index size"]["value"], int(real_bytes) / 1048576, places=3)
        self.assertAlmostEqual(summary["index build time"]["value"], float(build_ms) / 1000, places=3)
        # More probes, better recall: all 50 lists is an exact search again.
        _, summary = self.run_json(*opts, "--probes=50", expected=["knn_search", "recall_check"])
        self.assertEqual(summary["recall@10"]["value"], 1.0)

    def test_hnsw_cosine_ingest_update_search(self):
        opts = ["--rows=2000", "--dims=16", "--metric=cosine", "--index=hnsw", "--m=12", "--ef_construction=48",
                "--batch_size=20"]
        self.stormdb("prepare", SCRIPT, *opts)
        self.assertIn("USING hnsw (embedding vector_cosine_ops) WITH (m='12', ef_construction='48')",
                      self.scalar("SELECT indexdef FROM pg_indexes WHERE indexname = 'items_embedding'"))
        for path in ["single", "batch", "copy"]:
            before = self.count()
            result, summary = self.run_json(*opts, "--mode=ingest", f"--ingest={path}", expected=[f"insert_{path}"])
            written = result["counters"]["vectors_written"]
            per_txn = 1 if path == "single" else 20
            self.assertEqual(written, result["transactions"][f"insert_{path}"]["committed"] * per_txn)
            # Warmup is 0, so every committed insert of the run is in the measured counts.
            self.assertEqual(self.count(), before + written)
        xid = int(self.scalar("SELECT pg_current_xact_id()::text"))
        result, _ = self.run_json(*opts, "--mode=update", "--ingest=batch", expected=["update_batch"])
        self.run_json(*opts, "--mode=update", "--ingest=single", expected=["update_single"])
        # Updates rewrite loaded rows only (ids 1..2000), never the ingested ones.
        self.assertEqual(self.scalar(f"SELECT count(*) FROM vector_bench.items WHERE xmin::text::bigint > {xid} AND id > 2000"), "0")
        self.assertGreater(int(self.scalar(f"SELECT count(*) FROM vector_bench.items WHERE xmin::text::bigint > {xid}")), 20)
        # After ~20,000 inserts and thousands of rewrites the graph still answers through the index
        # and finds most true neighbours (measured 0.95-0.96 at ef_search 40-400: a graph built
        # with m=12 leaves a few nodes hard to reach whatever the search width).
        _, summary = self.run_json(*opts, "--ef_search=100", expected=["knn_search", "recall_check"])
        self.assertGreater(summary["recall@10"]["value"], 0.85)

    def test_run_refuses_other_metric_and_cleanup_drops_everything(self):
        self.stormdb("prepare", SCRIPT, "--rows=500", "--dims=8", "--index=ivfflat")
        p = self.stormdb("run", SCRIPT, "--dims=8", "--index=ivfflat", "--metric=ip", "-T", "1s", check_rc=None)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("--metric=ip but vector_bench was prepared with --metric=l2", p.stdout + p.stderr)
        self.stormdb("cleanup", SCRIPT)
        self.assertEqual(self.scalar("SELECT count(*) FROM pg_namespace WHERE nspname = 'vector_bench'"), "0")
        # Only the extension's own objects remain (it is shared, so cleanup keeps it).
        self.assertEqual(self.scalar("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                                     " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"), "0")


class VectorMissingExtensionTest(harness.DatabaseTestCase):
    def test_prepare_explains_how_to_install_pgvector(self):
        if vector_available():
            self.skipTest("the server has pgvector; this checks the message given when it does not")
        p = self.stormdb("prepare", SCRIPT, "--rows=10", check_rc=None)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("pgvector", p.stderr)
        self.assertIn("make install", p.stderr)


if __name__ == "__main__":
    harness.main()
