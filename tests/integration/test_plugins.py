# Native plugins: an out-of-tree plugin built with CMake against the installed header and package,
# run beside Lua transactions; the loader's refusals (exit 2 naming the file); plugin list.
import os
import shutil
import subprocess
import tempfile
import harness

PLUGIN_SRC = os.path.join(harness.SOURCE_DIR, "tests", "plugins")
BUILD_DIR = os.path.dirname(os.path.abspath(harness.STORMDB))


def sh(*cmd):
    p = subprocess.run(list(cmd), capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p


class PluginTest(harness.DatabaseTestCase):
    @classmethod
    def setUpClass(cls):
        # Install stormdb to a temporary prefix, then build tests/plugins against it as a plugin
        # author would: find_package(stormdb) from that prefix, nothing from the source tree.
        cls.tmp = tempfile.mkdtemp(prefix="stormdb-plugins-")
        prefix = os.path.join(cls.tmp, "prefix")
        sh("cmake", "--install", BUILD_DIR, "--prefix", prefix)
        cls.header = os.path.join(prefix, "include", "stormdb", "plugin.h")
        build = os.path.join(cls.tmp, "build")
        sh("cmake", "-S", PLUGIN_SRC, "-B", build, f"-DCMAKE_PREFIX_PATH={prefix}", "-DCMAKE_BUILD_TYPE=Release")
        sh("cmake", "--build", build)
        cls.plugins = build
        os.environ["STORMDB_PLUGIN_PATH"] = build   # every stormdb the tests start finds them

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def so(self, name):
        return os.path.join(self.plugins, name + ".so")

    def test_header_installed(self):
        self.assertTrue(os.path.isfile(self.header))

    def test_loader_refusals_name_the_file(self):
        not_elf = os.path.join(self.tmp, "not_elf.so")
        with open(not_elf, "w") as f:
            f.write("this is text, not a shared object\n")
        cases = [
            (not_elf, "not an ELF shared object"),
            (self.so("bad_no_entry"), "no entry point stormdb_plugin_init"),
            (self.so("bad_abi"), "built for plugin ABI 42, this stormdb speaks ABI 1"),
            (self.so("bad_symbol"), "declares function 'bad_missing_function' but does not export it"),
        ]
        for path, why in cases:
            p = harness.run_stormdb(["plugin", "check", path], check_rc=2)
            self.assertIn(path, p.stderr)
            self.assertIn(why, p.stderr)
        # The same refusal when a workload asks for the plugin by name: exit 2 before anything runs.
        script = os.path.join(self.tmp, "uses_bad.lua")
        with open(script, "w") as f:
            f.write('local native = stormdb.plugin("bad_abi")\nworkload = { mix = { t = 1 } }\n'
                    'function t(ctx) end\n')
        p = self.stormdb("run", script, "-c", "1", "-t", "1", check_rc=2)
        self.assertIn(self.so("bad_abi"), p.stderr)
        self.assertIn("built for plugin ABI 42", p.stderr)
        with open(script, "w") as f:
            f.write('local native = stormdb.plugin("no_such_plugin")\nworkload = { mix = { t = 1 } }\n'
                    'function t(ctx) end\n')
        p = self.stormdb("run", script, "-c", "1", "-t", "1", check_rc=2)
        self.assertIn("plugin 'no_such_plugin' not found", p.stderr)

    def test_plugin_list(self):
        p = harness.run_stormdb(["plugin", "list"], check_rc=0)
        self.assertIn("plugin ABI of this stormdb: 1", p.stdout)
        line = next(l for l in p.stdout.splitlines() if l.split()[:1] == ["oot_demo"])
        self.assertIn("ABI 1", line)
        self.assertIn(self.so("oot_demo"), line)
        self.assertIn("copy:kv", p.stdout)
        self.assertIn("fn:oot_add", p.stdout)
        self.assertIn("unusable", p.stdout)   # the broken ones are listed with their reason

    def test_mixed_with_lua_transactions(self):
        script = os.path.join(PLUGIN_SRC, "mixed.lua")
        self.stormdb("prepare", script, "-j", "2", "--rows=3000")
        p, j = self.stormdb_json("run", script, "-c", "4", "-j", "2", "-t", "50", "--rows=3000")
        tx = j["transactions"]
        for kind, name in (("lua", "lua_insert"), ("ffi", "ffi_insert"), ("native", "native_insert")):
            self.assertEqual(int(self.scalar(f"SELECT count(*) FROM oot_log WHERE kind = '{kind}'")),
                             tx[name]["committed"])
            self.assertGreater(tx[name]["committed"], 0)
        self.assertEqual(sum(t["committed"] for t in tx.values()), 4 * 50)
        # The plugin's own counter, reported like ctx:count's.
        self.assertEqual(j["counters"]["native_rows"], tx["native_insert"]["committed"])
        self.assertEqual(int(self.scalar("SELECT count(DISTINCT v) FROM oot_log WHERE kind = 'ffi'")), 1)
        self.assertEqual(self.scalar("SELECT min(v) FROM oot_log WHERE kind = 'ffi'"), "237")
        self.assertEqual(int(self.scalar("SELECT count(*) FROM oot_kv")), 3000)
        self.assertEqual(self.scalar("SELECT min(v) >= 1 AND max(v) <= 1000 AND min(length(note)) >= 5 "
                                     "AND max(length(note)) <= 10 FROM oot_kv"), "t")


if __name__ == "__main__":
    harness.main()
