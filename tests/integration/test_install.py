# Install tree and package: `cmake --install` to a temp prefix still works once moved elsewhere; the .deb holds that tree and depends on Debian 12's runtime packages.
import glob
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import harness

BUILD = os.environ.get("STORMDB_TEST_BUILD_DIR", "")
SHIPPED = ["bin/stormdb", "share/stormdb/workloads/tpcc.lua", "share/stormdb/workloads/tpcc/schema.lua",
           "share/stormdb/workloads/stormdb-pack.yaml", "share/stormdb/workloads/ecommerce/schema.lua",
           "share/stormdb/config/tpcc.yaml", "share/doc/stormdb/README.md", "share/doc/stormdb/outputs.md"]
# The shared libraries stormdb links, as Debian 12 packages them.
RUNTIME_PACKAGES = ["libluajit2-5.1-2", "libpq5", "libyaml-cpp0.7", "libfmt9", "libstdc++6", "libc6"]


def run_from(exe, args, cwd):
    """Runs an installed stormdb from cwd with no STORMDB_PATH or PG* variables in the environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG") and k != "STORMDB_PATH"}
    return subprocess.run([exe] + args, capture_output=True, text=True, timeout=300, cwd=cwd, env=env)


@unittest.skipUnless(BUILD, "STORMDB_TEST_BUILD_DIR is not set (run through ctest)")
class InstallTest(harness.DatabaseTestCase):
    def check_tree_runs(self, prefix, cwd, run=True):
        """`list` finds the shipped workloads under prefix and (with run) a short run of one works, from a
        folder without any."""
        exe = os.path.join(prefix, "bin", "stormdb")
        p = run_from(exe, ["list"], cwd)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(f"({os.path.realpath(prefix)}/share/stormdb/workloads)", p.stdout)
        for name in ("tpcc", "tpcb_like", "point_select", "ecommerce"):
            self.assertIn(name, p.stdout)
        self.assertNotIn(harness.SOURCE_DIR, p.stdout)
        if not run:
            return
        p = run_from(exe, ["run", "simple", "--rows=1000", "--prepare", "-c", "2", "-j", "1", "-T", "1s", "-q",
                           "--url", self.url], cwd)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.scalar("SELECT count(*) FROM simple_sbtest1"), "1000")

    def test_install_tree_is_relocatable(self):
        with tempfile.TemporaryDirectory() as tmp:
            prefix = os.path.join(tmp, "prefix")
            p = subprocess.run(["cmake", "--install", BUILD, "--prefix", prefix], capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            for f in SHIPPED:
                self.assertTrue(os.path.isfile(os.path.join(prefix, f)), f)
            # Moved after installing: nothing may point back at the prefix or the source tree.
            moved = os.path.join(tmp, "moved", "elsewhere")
            shutil.move(prefix, moved)
            self.check_tree_runs(moved, tmp)

    @unittest.skipUnless(shutil.which("cpack") and shutil.which("dpkg-deb"), "cpack or dpkg-deb missing")
    def test_deb_package(self):
        with tempfile.TemporaryDirectory() as tmp:
            p = subprocess.run(["cpack", "--config", os.path.join(BUILD, "CPackConfig.cmake"), "-G", "DEB", "-B", tmp],
                               capture_output=True, text=True, timeout=300)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            debs = glob.glob(os.path.join(tmp, "stormdb_*.deb"))
            self.assertEqual(len(debs), 1, os.listdir(tmp))
            contents = subprocess.run(["dpkg-deb", "-c", debs[0]], capture_output=True, text=True, check=True).stdout
            for f in SHIPPED:
                self.assertIn("./usr/" + f, contents)
            fields = subprocess.run(["dpkg-deb", "-f", debs[0], "Package", "Depends", "Recommends"],
                                    capture_output=True, text=True, check=True).stdout
            depends = next(line for line in fields.splitlines() if line.startswith("Depends:"))
            for pkg in RUNTIME_PACKAGES:
                self.assertRegex(depends, rf"[ ,]{re.escape(pkg)} ")
            self.assertRegex(fields, r"Recommends: .*\bpostgresql\b")
            # Unpacked into a root of its own (as dpkg would under /), the binary finds its workloads
            # (the install test above also runs one).
            root = os.path.join(tmp, "root")
            subprocess.run(["dpkg-deb", "-x", debs[0], root], check=True)
            self.check_tree_runs(os.path.join(root, "usr"), tmp, run=False)


if __name__ == "__main__":
    harness.main()
