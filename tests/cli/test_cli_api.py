# CLI behaviour of issue 15 (no server needed): values of --threshold/--path never swallow the
# workload name, `NAME --help` shows the workload's options, a script beside the current folder is
# found by name, declared option types/ranges are enforced, prepare/cleanup refuse a throwaway server.
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

    def test_prepare_and_cleanup_refuse_a_throwaway_server(self):
        for cmd in ("prepare", "cleanup"):
            p = stormdb([cmd, self.script])
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn("a throwaway server would be deleted right after", p.stderr)
            self.assertIn("--keep-server", p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
