# Script packs: a folder with stormdb-pack.yaml found through --path or STORMDB_PATH, listed with
# its workloads, run by name, and refused with a clear message when its requirements are not met.
import os
import tempfile
import textwrap
import harness

WORKLOAD = """
-- hello.lua: a pack's workload
workload = { description = "hello from a pack", options = { n = { default = 3 } }, mix = { hello = 1 } }
function hello(ctx) ctx.db:value("SELECT $1::int", ctx.opt.n) end
"""


class PackTest(harness.DatabaseTestCase):
    def make_pack(self, manifest):
        d = tempfile.mkdtemp(prefix="stormdb-pack-")
        with open(os.path.join(d, "hello.lua"), "w") as f:
            f.write(WORKLOAD)
        with open(os.path.join(d, "stormdb-pack.yaml"), "w") as f:
            f.write(textwrap.dedent(manifest))
        self.addCleanup(lambda: [os.unlink(os.path.join(d, x)) for x in os.listdir(d)] and os.rmdir(d))
        return d

    def test_pack_found_listed_and_run_by_name(self):
        d = self.make_pack("name: greetings\nversion: 1.2.0\ndescription: friendly workloads\nworkloads: [hello]\n")
        p = harness.run_stormdb(["list", "--path", d], check_rc=0)
        self.assertIn("pack greetings 1.2.0", p.stdout)
        self.assertIn("hello from a pack", p.stdout)
        self.assertIn("--n=3", p.stdout)
        self.assertIn("pack builtin", p.stdout)          # the built-in workloads are the default pack
        self.assertIn("tpcc", p.stdout)
        p, j = self.stormdb_json("run", "hello", "--path", d, "-c", "1", "-t", "5", "--n=4")
        self.assertEqual(j["transactions"]["hello"]["committed"], 5)
        # the same through STORMDB_PATH
        p = harness.run_stormdb(["run", "hello", "--url", self.url, "-c", "1", "-t", "2", "-q"],
                                env={"STORMDB_PATH": d}, check_rc=0)
        self.assertIn("hello", p.stdout)

    def test_requirements_are_checked(self):
        d = self.make_pack("name: needy\nworkloads:\n  - name: hello\n    extensions: [surely_not_an_extension]\n")
        p = self.stormdb("run", "hello", "--path", d, "-c", "1", "-t", "1", check_rc=2)
        self.assertIn("surely_not_an_extension", p.stderr)
        self.assertIn("pack needy", p.stderr)
        d = self.make_pack("name: future\nmin_stormdb_version: 99.0\n")
        p = self.stormdb("run", "hello", "--path", d, "-c", "1", "-t", "1", check_rc=2)
        self.assertIn("needs stormdb 99.0 or later", p.stderr)
        d = self.make_pack("name: typo\nworklaods: [hello]\n")
        p = harness.run_stormdb(["list", "--path", d], check_rc=2)
        self.assertIn("stormdb-pack.yaml:2: unknown key 'worklaods'", p.stderr)
        self.assertIn("did you mean 'workloads'", p.stderr)
        self.assertIn("pack builtin", p.stdout)  # one broken manifest does not hide the other packs


if __name__ == "__main__":
    harness.main()
