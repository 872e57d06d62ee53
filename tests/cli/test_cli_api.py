# CLI behaviour of issue 15 (no server needed): values of --threshold/--path never swallow the
# workload name, `NAME --help` shows the workload's options, a script beside the current folder is
# found by name, declared option types/ranges and workload.validate are enforced, prepare/cleanup refuse a
# throwaway server.
import json
import os
import subprocess
import tempfile
import unittest

STORMDB = os.environ.get("STORMDB_BIN", "stormdb")
UNREACHABLE = "host=/nonexistent-stormdb-dir port=1"

SCRIPT = """-- w.lua: a test workload with declared option types
workload = { description = "declared options",
  options = { n = { default = 4, type = "integer", min = 1, max = 10, help = "how many" },
              mode = { default = "a", choices = { "a", "b" } } },
  mix = { txn = 1 } }
function txn(ctx) end
"""


def stormdb(args, cwd=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    return subprocess.run([STORMDB] + args, capture_output=True, text=True, timeout=60, env=env, cwd=cwd)


class CliApiTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="stormdb-cli-api-")
        self.script = os.path.join(self.dir, "w.lua")
        with open(self.script, "w") as f:
            f.write(SCRIPT)
        self.addCleanup(lambda: [os.unlink(os.path.join(self.dir, x)) for x in os.listdir(self.dir)] and os.rmdir(self.dir))

    def test_threshold_and_path_take_one_value_each(self):
        p = stormdb(["run", "--threshold", "p99<20ms", os.path.join(self.dir, "nope.lua")])
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("workload '" + os.path.join(self.dir, "nope.lua") + "' not found", p.stderr)
        p = stormdb(["list", "--path", self.dir, "w"])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("w: declared options", p.stdout)
        self.assertIn("script: " + os.path.join(self.dir, "w.lua"), p.stdout)

    def test_workload_help_lists_its_options(self):
        p = stormdb(["run", self.script, "--help"])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("--clients", p.stdout)        # the engine's flags first
        self.assertIn("--n=", p.stdout)             # then the workload's own
        self.assertIn("how many [4] (integer, 1..10)", p.stdout)
        self.assertIn("(a|b)", p.stdout)

    def test_list_finds_a_script_in_the_current_folder_by_name(self):
        p = stormdb(["list", "w"], cwd=self.dir)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("script: w.lua", p.stdout)

    def test_list_shows_the_mix_a_run_uses(self):
        p = stormdb(["list", "tpcb_like"])
        self.assertEqual(p.returncode, 0, p.stderr)
        line = [x for x in p.stdout.splitlines() if "transactions:" in x][0]
        self.assertIn("tpcb_like (weight 1)", line)
        self.assertNotIn("select_only", line)

    def test_declared_type_and_range_are_enforced(self):
        for value, message in [("0", "option n must be in 1..10, not '0'"), ("11", "option n must be in 1..10, not '11'"),
                               ("2.5", "option n must be a whole number, not '2.5'")]:
            p = stormdb(["run", self.script, "--n=" + value, "--url", UNREACHABLE])
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn("--n: " + message, p.stderr)

    def test_validate_rejects_a_combination_before_connecting(self):
        with open(self.script, "a") as f:
            f.write('workload.validate = function(opt) if opt.mode == "b" and opt.n > 5 then '
                    'error("--mode=b allows --n up to 5, not " .. opt.n, 0) end end\n')
        p = stormdb(["run", self.script, "--mode=b", "--n=6", "--url", UNREACHABLE])
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn(self.script + ": --mode=b allows --n up to 5, not 6", p.stderr)
        self.assertNotIn("cannot connect", p.stderr)
        # A combination validate accepts goes on to connect (and fails there).
        p = stormdb(["run", self.script, "--mode=b", "--n=5", "--url", UNREACHABLE])
        self.assertIn("cannot connect", p.stderr)
        self.assertNotIn("allows --n", p.stderr)
        # A shipped workload: HNSW returns at most ef_search rows, so k above it is refused up front.
        p = stormdb(["run", "vector", "--k=50", "--url", UNREACHABLE])
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("--ef_search=40 is below --k=50", p.stderr)

    def test_prepare_and_cleanup_refuse_a_throwaway_server(self):
        for cmd in ("prepare", "cleanup"):
            p = stormdb([cmd, self.script])
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn("a throwaway server would be deleted right after", p.stderr)
            self.assertIn("--keep-server", p.stderr)

    def write_json(self, name, data):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            json.dump(data, f)
        return path

    def test_compare_shows_the_noise_of_each_change(self):
        def run(tps_series):
            rows = [{"count": int(t), "tps": t, "failed": 0, "latency_ms": {"p50": 1.0, "p95": 2.0, "p99": 3.0, "max": 4.0}}
                    for t in tps_series]
            mean = sum(tps_series) / len(tps_series)
            total = {"count": int(mean * len(rows)), "tps": mean, "failed": 0,
                     "latency_ms": {"p50": 1.0, "p95": 2.0, "p99": 3.0, "max": 4.0}}
            return {"schema": "stormdb.result/1", "workload": {"name": "kv"}, "config": {"clients": 2},
                    "elapsed_s": len(rows), "transactions": {"get": total}, "total": total,
                    "intervals": [{"phase": "measure", "t_s": i + 1, "span_s": 1.0, "total": r, "transactions": {"get": r}}
                                  for i, r in enumerate(rows)]}
        a = self.write_json("a.json", run([90, 100, 110]))       # mean 100, spread ±10%
        b = self.write_json("b.json", run([95, 105, 115]))       # mean 105: +5%, inside the noise
        c = self.write_json("c.json", run([180, 200, 220]))      # mean 200: +100%, outside it
        p = stormdb(["compare", a, b])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("interval tps spread ±10.0% over 3 intervals", p.stdout)
        total = [x for x in p.stdout.splitlines() if x.startswith("total ")][0]
        self.assertIn("+5.0%", total)
        self.assertIn("within noise", total)
        p = stormdb(["compare", a, c])
        total = [x for x in p.stdout.splitlines() if x.startswith("total ")][0]
        self.assertIn("+100.0%", total)
        self.assertNotIn("within noise", total)

    def test_report_of_a_progressive_run_lists_its_bands(self):
        band = lambda n, tps: {"clients": n, "elapsed_s": 1.0, "total": {"count": int(tps), "tps": tps, "failed": 0,
                                                                         "latency_ms": {"p99": 1.5}}}
        path = self.write_json("prog.json", {"schema": "stormdb.progressive/1", "workload": {"name": "kv"},
                                             "bands": [band(1, 100.0), band(2, 190.0)], "best_band": 2,
                                             "usl": {"ok": True, "lambda": 100.0, "sigma": 0.05, "kappa": 0.0, "r2": 0.99}})
        p = stormdb(["report", path])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("progressive run of kv, 2 bands", p.stdout)
        self.assertIn("2 clients: 190 transactions in 1.000 s, 190.0 tps, p99 1.500 ms, 0 failed", p.stdout)
        self.assertIn("best band: 2 clients", p.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
