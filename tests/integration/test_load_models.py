# Load models beyond the closed loop: progressive scaling with a USL fit, YAML phases, and the
# connection-overhead workload (persistent vs transient connections).
import json
import os
import tempfile
import harness

POINT = harness.workload("point_select.lua")
CONNECTION = harness.workload("connection.lua")
PROBE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scripts", "engine_probe.lua")


class LoadModelTest(harness.DatabaseTestCase):
    def test_progressive_bands_and_usl_fit(self):
        self.stormdb("prepare", POINT, "--rows", "20000", "-q")
        p, j = self.stormdb_json("run", POINT, "--rows", "20000", "-j", "2", "-T", "1s", "--warmup", "200ms",
                                 "--scale-clients", "exponential:1:8", "--scale-latency-bound", "p99<1s")
        self.assertEqual(j["schema"], "stormdb.progressive/1")
        self.assertEqual([b["clients"] for b in j["bands"]], [1, 2, 4, 8])
        for b in j["bands"]:
            self.assertGreater(b["total"]["count"], 0)
            self.assertEqual(b["total"]["failed"], 0)
            self.assertAlmostEqual(b["elapsed_s"], 1.0, delta=0.1)
        usl = j["usl"]
        self.assertTrue(usl["ok"])
        self.assertGreater(usl["lambda"], 0)
        # The reported fit is the curve through these bands: its R² recomputed from the bands'
        # throughput, and its peak from σ and κ (the fit clamps σ, κ >= 0 itself, so asserting
        # that could not fail).
        lam, sig, kap = usl["lambda"], usl["sigma"], usl["kappa"]
        xs = [(b["clients"], b["total"]["tps"]) for b in j["bands"]]
        mean = sum(x for _, x in xs) / len(xs)
        sse = sum((x - lam * n / (1 + sig * (n - 1) + kap * n * (n - 1))) ** 2 for n, x in xs)
        sst = sum((x - mean) ** 2 for _, x in xs)
        self.assertAlmostEqual(usl["r2"], 1 - sse / sst, places=4)
        if sig >= 1:  # no client beyond the first adds throughput (a loaded machine can fit this)
            self.assertEqual(usl["peak_clients"], 1)
        elif kap > 0:
            self.assertAlmostEqual(usl["peak_clients"], ((1 - sig) / kap) ** 0.5, places=4)
        else:
            self.assertIsNone(usl["peak_clients"])
        best = max(j["bands"], key=lambda b: b["total"]["tps"])
        self.assertEqual(j["best_band"], best["clients"])  # every band meets p99 < 1 s here
        self.assertIn("Universal Scalability Law", p.stdout)
        self.assertIn("band 4/4: 8 clients", p.stdout)

    def test_phases_run_in_sequence_with_their_own_settings(self):
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
            f.write("phases:\n"
                    "  - name: warm\n    duration: 1s\n    clients: 1\n"
                    "  - name: writes_only\n    duration: 1s\n    clients: 3\n    mix:\n      rollback: 0\n"
                    "  - name: paced\n    duration: 2s\n    clients: 2\n    rate: 100\n")
        try:
            p, j = self.stormdb_json("run", PROBE, "--prepare", "-j", "2", "-f", f.name)
        finally:
            os.unlink(f.name)
        self.assertEqual(j["schema"], "stormdb.phases/1")
        phases = {ph["phase"]: ph for ph in j["phases"]}
        self.assertEqual(list(phases), ["warm", "writes_only", "paced"])
        self.assertEqual(phases["warm"]["config"]["clients"], 1)
        self.assertEqual(phases["writes_only"]["config"]["clients"], 3)
        self.assertGreater(phases["warm"]["transactions"]["rollback"]["count"], 0)
        self.assertEqual(phases["writes_only"]["transactions"]["rollback"]["count"], 0)
        self.assertGreater(phases["writes_only"]["transactions"]["insert"]["count"], 0)
        self.assertLess(abs(phases["paced"]["total"]["tps"] - 100) / 100, 0.25)
        inserted = int(self.scalar("SELECT count(*) FROM probe_log WHERE txn = 'insert'"))
        self.assertEqual(inserted, sum(ph["transactions"]["insert"]["committed"] for ph in j["phases"]))

    def test_connection_overhead_persistent_vs_transient(self):
        p, j = self.stormdb_json("run", CONNECTION, "--prepare", "--mode=mixed", "-c", "4", "-j", "2", "-T", "3s")
        t = j["transactions"]
        self.assertGreater(t["persistent"]["count"], 0)
        self.assertGreater(t["transient"]["count"], 0)
        self.assertLess(t["transient"]["tps"], t["persistent"]["tps"])
        connect = j["timings"]["connect"]
        self.assertEqual(connect["count"], t["transient"]["committed"])
        self.assertGreater(connect["ms"]["mean"], 0)
        self.assertGreater(t["transient"]["latency_ms"]["mean"], connect["ms"]["mean"])
        names = [s["name"] for s in j["summary"]]
        self.assertIn("connection overhead", names)
        self.assertEqual(t["persistent"]["failed"] + t["transient"]["failed"], 0)


if __name__ == "__main__":
    harness.main()
