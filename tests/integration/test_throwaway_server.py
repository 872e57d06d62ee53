# The throwaway server the user can shape: --server-setting / server.settings reach the server, bad ones exit 2 with the server's message, -c 500 and top statements work out of the box.
# (A bad value and a --pg-bin without binaries: tests/unit/test_ephemeral_server.cpp and tests/cli.)
import json
import os
import re
import subprocess
import tempfile
import unittest

import harness

PROBE = os.path.join(harness.SOURCE_DIR, "tests", "integration", "scripts", "version_probe.lua")


def psql(conninfo, query):
    p = subprocess.run(["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-c", query],
                       capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise AssertionError(f"psql failed: {query}\n{p.stderr}")
    return p.stdout.strip()


class ThrowawayServerTest(unittest.TestCase):
    def start(self, *args, check_rc=0, env=None):
        """`stormdb server start ARGS`; returns (process, conninfo, dir) and stops the server at cleanup."""
        with tempfile.NamedTemporaryFile("r", suffix=".conninfo") as f:
            p = harness.run_stormdb(["server", "start", "--conninfo-file", f.name, *args], check_rc=check_rc, timeout=120,
                                    env=env)
            lines = f.read().splitlines()
        if p.returncode != 0:
            return p, None, None
        self.addCleanup(harness.run_stormdb, ["server", "stop", lines[1]])
        return p, lines[0], lines[1]

    def test_settings_reach_the_server_and_pg_stat_statements_is_ready(self):
        _, conninfo, _ = self.start("--server-setting", "work_mem=7MB", "--server-setting", "log_min_duration_statement=250",
                                    "--server-setting", "work_mem=9MB")
        self.assertEqual(psql(conninfo, "SHOW work_mem"), "9MB")  # the last value of a name wins
        self.assertEqual(psql(conninfo, "SHOW log_min_duration_statement"), "250ms")
        self.assertIn("pg_stat_statements", psql(conninfo, "SHOW shared_preload_libraries"))
        self.assertEqual(psql(conninfo, "SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'"), "1")

    def test_unknown_setting_is_exit_2_with_the_servers_message(self):
        with tempfile.TemporaryDirectory() as parent:
            os.chmod(parent, 0o755)  # the server user must reach it when running as root
            p, _, _ = self.start("--server-setting", "no_such_setting=1", "--server-setting", "work_mem=1MB",
                                 check_rc=2, env={"TMPDIR": parent})
            self.assertEqual(os.listdir(parent), [], "the failed start must remove its directory")
        self.assertIn("stormdb: error: --server-setting no_such_setting: ", p.stderr)  # only the option at fault
        self.assertIn('unrecognized configuration parameter "no_such_setting"', p.stderr)

    def test_yaml_server_section(self):
        bindir = subprocess.run(["sh", "-c", "ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1"],
                                capture_output=True, text=True).stdout.strip()
        with tempfile.TemporaryDirectory() as tmp:
            cfg = os.path.join(tmp, "bench.yaml")
            with open(cfg, "w") as f:
                f.write(f"server:\n  bin_dir: {bindir}\n  settings:\n    work_mem: 5MB\n    max_connections: 42\n")
            p = harness.run_stormdb(["run", PROBE, "-f", cfg, "-T", "1s", "-q", "--keep-server"], check_rc=0)
        m = re.search(r"throwaway PostgreSQL \S+ in (\S+)", p.stderr)
        self.assertIsNotNone(m, p.stderr)
        directory = m.group(1)
        self.addCleanup(harness.run_stormdb, ["server", "stop", directory])
        conninfo = f"host={directory} port=5432 user=postgres dbname=postgres"
        self.assertEqual(psql(conninfo, "SHOW work_mem"), "5MB")
        self.assertEqual(psql(conninfo, "SHOW max_connections"), "42")  # the user's setting beats the sizing
        self.assertIn(f"binaries: {bindir}", p.stdout)

    def test_500_clients_and_top_statements(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "r.json")
            # 500 backends starting at once on a busy 2-core machine can take longer than the
            # default 10 s connect timeout; that is not what this test is about.
            p = harness.run_stormdb(["run", PROBE, "-c", "500", "-j", "2", "-t", "1", "--checkpoints=false", "-q",
                                     "--json", out], check_rc=0, env={"PGCONNECT_TIMEOUT": "120"})
            with open(out) as f:
                data = json.load(f)
        self.assertEqual(data["transactions"]["write"]["committed"], 500)
        self.assertNotIn("too many clients", p.stderr)
        top = data["postgres"]["window"].get("statements", {}).get("top", [])
        self.assertTrue(any(s["query"].startswith("INSERT INTO vp_log") and s["calls"] > 0 for s in top), data["postgres"])


if __name__ == "__main__":
    harness.main()
