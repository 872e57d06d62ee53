# Outputs people read and gate on: CSV interval series, OpenMetrics during a run, thresholds and
# their exit code, compare and report on saved runs.
import csv
import json
import os
import subprocess
import time
import urllib.request
import harness

POINT = harness.workload("point_select.lua")


class OutputsTest(harness.DatabaseTestCase):
    def setUp(self):
        super().setUp()
        self.stormdb("prepare", POINT, "--rows", "20000", "-q")
        self.tmp = f"/tmp/stormdb-outputs-{self.dbname}"

    def tearDown(self):
        for ext in (".json", ".csv", "-b.json"):
            if os.path.exists(self.tmp + ext):
                os.unlink(self.tmp + ext)
        super().tearDown()

    def test_csv_matches_the_run(self):
        self.stormdb("run", POINT, "--rows", "20000", "-c", "2", "-j", "2", "-T", "3s", "--warmup", "1s", "-P", "0.5",
                     "--json", self.tmp + ".json", "--csv", self.tmp + ".csv", "-q")
        with open(self.tmp + ".json") as f:
            j = json.load(f)
        with open(self.tmp + ".csv") as f:
            rows = list(csv.DictReader(f))
        totals = [r for r in rows if r["type"] == "total"]
        self.assertEqual(len(totals), len(j["intervals"]))
        self.assertEqual(sum(1 for r in totals if r["phase"] == "warmup"), 2)
        measured = sum(int(r["count"]) for r in totals if r["phase"] == "measure")
        self.assertEqual(measured, j["total"]["count"])
        per_type = sum(int(r["count"]) for r in rows if r["type"] == "point_select" and r["phase"] == "measure")
        self.assertEqual(per_type, j["transactions"]["point_select"]["count"])

    def test_postgres_statistics_follow_the_run(self):
        tpcb = harness.workload("tpcb_like.lua")
        self.stormdb("prepare", tpcb, "-q")
        p = self.stormdb("run", tpcb, "-c", "2", "-j", "2", "-T", "3s", "-P", "1", "-q",
                         "--json", self.tmp + ".json", "--csv", self.tmp + ".csv")
        with open(self.tmp + ".json") as f:
            j = json.load(f)
        pg = j["postgres"]
        w = pg["window"]
        committed = j["transactions"]["tpcb_like"]["committed"]
        # every committed transaction is a commit the server counted, plus a few of the sampler's
        # polls and the clients' statement preparations (5 each, each its own implicit transaction)
        self.assertGreaterEqual(w["database"]["xact_commit"], committed)
        self.assertLessEqual(w["database"]["xact_commit"], committed + 40)
        self.assertGreaterEqual(w["database"]["hit_ratio"], 0)
        self.assertLessEqual(w["database"]["hit_ratio"], 1)
        self.assertGreater(w["wal"]["wal_bytes"], 0)
        self.assertEqual(w["database"]["tup_inserted"], committed)  # one history row per transaction
        self.assertTrue(any("pg_stat_statements" in n for n in pg["notes"]))
        self.assertGreaterEqual(len([i for i in pg["intervals"] if i["phase"] == "measure"]), 2)
        self.assertIn("PostgreSQL (measured time):", p.stdout)
        with open(self.tmp + ".csv") as f:
            totals = [r for r in csv.DictReader(f) if r["type"] == "total"]
        self.assertTrue(any(r["pg_wal_bytes"] not in ("", "0") for r in totals))
        for r in totals:
            if r["pg_hit_ratio"]:
                self.assertTrue(0 <= float(r["pg_hit_ratio"]) <= 1)

    def test_metrics_endpoint_answers_and_counters_rise(self):
        port = 19000 + os.getpid() % 1000
        proc = subprocess.Popen([harness.STORMDB, "run", POINT, "--rows", "20000", "--url", self.url, "-c", "2", "-j", "2",
                                 "-T", "8s", "-P", "0.5", "-q", "--metrics-listen", f"127.0.0.1:{port}"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            def committed():
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
                    self.assertIn("openmetrics-text", r.headers["Content-Type"])
                    text = r.read().decode()
                self.assertTrue(text.endswith("# EOF\n"))
                for line in text.splitlines():
                    if line.startswith('stormdb_transactions_total{type="point_select",outcome="committed"}'):
                        return int(line.split()[-1]), text
                return 0, text
            # The first count appears once the clients have connected and a progress interval has
            # passed: on a busy CI machine that can take more than a second or two.
            deadline = time.monotonic() + 6
            first, text = 0, ""
            while time.monotonic() < deadline:
                time.sleep(0.25)
                try:
                    first, text = committed()
                except OSError:  # the endpoint is not listening yet
                    continue
                if first > 0:
                    break
            time.sleep(1.5)
            second, _ = committed()
            self.assertGreater(first, 0)
            self.assertGreater(second, first)
            self.assertIn('stormdb_latency_seconds_bucket{type="point_select",le="+Inf"}', text)
        finally:
            _, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 0, err)

    def test_thresholds_gate_the_exit_code(self):
        p = self.stormdb("run", POINT, "--rows", "20000", "-c", "2", "-T", "1s", "-q", "--json", self.tmp + ".json",
                         "--threshold", "p99<10s", "--threshold", "errors<0.1%", check_rc=0)
        self.assertIn("threshold p99<10s", p.stdout)
        self.assertEqual(p.stdout.count("passed"), 2)
        p = self.stormdb("run", POINT, "--rows", "20000", "-c", "2", "-T", "1s", "-q",
                         "--threshold", "p50<1us", "--threshold", "tps>1", check_rc=99)
        self.assertIn("FAILED", p.stdout)
        self.assertIn("passed", p.stdout)
        # the same gate on a saved run
        r = harness.run_stormdb(["report", self.tmp + ".json", "--threshold", "point_select.p50<1us"], check_rc=99)
        self.assertIn("point_select.p50", r.stdout)
        harness.run_stormdb(["report", self.tmp + ".json", "--threshold", "tps>1"], check_rc=0)
        r = harness.run_stormdb(["report", self.tmp + ".json", "--threshold", "p98<1ms"], check_rc=2)
        self.assertIn("expected [type.]metric<value", r.stderr)

    def test_compare_two_runs(self):
        self.stormdb("run", POINT, "--rows", "20000", "-c", "1", "-T", "1s", "-q", "--json", self.tmp + ".json")
        self.stormdb("run", POINT, "--rows", "20000", "-c", "2", "-T", "1s", "-q", "--json", self.tmp + "-b.json")
        p = harness.run_stormdb(["compare", self.tmp + ".json", self.tmp + "-b.json"], check_rc=0)
        with open(self.tmp + ".json") as f:
            a = json.load(f)
        self.assertIn("point_select", p.stdout)
        self.assertIn(f"{a['total']['tps']:.1f}", p.stdout)
        self.assertRegex(p.stdout, r"[+-]\d+\.\d%")
        r = harness.run_stormdb(["compare", self.tmp + ".json", "/nonexistent.json"], check_rc=2)
        self.assertIn("cannot read", r.stderr)


if __name__ == "__main__":
    harness.main()
