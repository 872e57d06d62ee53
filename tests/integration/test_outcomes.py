# Honest outcomes: script argument errors at the script's line (not lost connections), SQLSTATEs
# as the server sent them, reconnect attempts vs successes, outages, and failing runs exiting 1.
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

import harness

PROBE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scripts", "outcomes_probe.lua")
PG_BIN = "/usr/lib/postgresql/15/bin"


def probe_line(marker):
    """Line number of the probe script's line marked `-- @marker`."""
    with open(PROBE) as f:
        for n, line in enumerate(f, 1):
            if line.rstrip().endswith("-- @" + marker):
                return n
    raise AssertionError("no marker " + marker)


class Background:
    """A stormdb run in the background writing JSON (and HTML) to a temp directory."""

    def __init__(self, url, *args):
        self.tmp = tempfile.mkdtemp(prefix="stormdb-outcomes-")
        self.json_path, self.html_path = os.path.join(self.tmp, "run.json"), os.path.join(self.tmp, "run.html")
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        self.proc = subprocess.Popen([harness.STORMDB, "run", PROBE, "--url", url, "--pg-stats=false", "--json",
                                      self.json_path, "--html", self.html_path] + list(args),
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.started = time.monotonic()

    def sleep_until(self, t):
        time.sleep(max(0.0, t - (time.monotonic() - self.started)))

    def finish(self):
        """Waits for the run; returns (exit code, stdout, stderr, json, html text)."""
        try:
            out, err = self.proc.communicate(timeout=60)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
        with open(self.json_path) as f:
            j = json.load(f)
        with open(self.html_path) as f:
            html = f.read()
        shutil.rmtree(self.tmp, ignore_errors=True)
        return self.proc.returncode, out, err, j, html


class OwnServer:
    """A throwaway server of the test's own (`stormdb server start`), which the test may stop."""

    def __init__(self):
        p = harness.run_stormdb(["server", "start"], timeout=120, check_rc=0)
        self.conninfo = p.stdout.strip().splitlines()[-1]
        self.dir = re.search(r"host=(\S+)", self.conninfo).group(1)
        self.url = self.conninfo

    def sql(self, query):
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.conninfo, "-c", query], check=True,
                       capture_output=True, timeout=60)

    def scalar(self, query):
        p = subprocess.run(["psql", "-X", "-A", "-t", "-d", self.conninfo, "-c", query], check=True, capture_output=True,
                           text=True, timeout=60)
        return p.stdout.strip()

    def pg_ctl(self, *args):
        subprocess.run(["runuser", "-u", "postgres", "--", PG_BIN + "/pg_ctl", "-D", os.path.join(self.dir, "data"),
                        "-l", os.path.join(self.dir, "server.log"), "-w", "-t", "60"] + list(args),
                       check=True, capture_output=True, timeout=90)

    def stop_for_good(self):
        harness.run_stormdb(["server", "stop", self.dir], timeout=120, check_rc=0)

    def close(self):
        if os.path.isdir(self.dir):
            harness.run_stormdb(["server", "stop", self.dir], timeout=120)


class ArgumentErrorTest(harness.DatabaseTestCase):
    def test_bad_arguments_are_script_errors_at_the_scripts_line(self):
        cases = {
            "nil_sql": "db:exec: argument 1 (SQL or prepared statement name) must be a string, got nil",
            "table_param": "db:exec: parameter $1 is a table",
            "function_param": "db:value: parameter $2 is a function",
            "too_many": "db:exec: 257 parameters, at most 256 are allowed",
        }
        for scenario, message in cases.items():
            with self.subTest(scenario=scenario):
                p, j = self.stormdb_json("run", PROBE, f"--scenario={scenario}", "-c", "2", "-j", "2", "-t", "20",
                                         "--pg-stats=false", check_rc=1)
                where = f"outcomes_probe.lua:{probe_line(scenario)}: {message}"  # Lua may shorten the path
                self.assertEqual(p.stderr.count(where), 1, p.stderr)
                self.assertNotIn("stormdb/stormdb", p.stderr)  # not positioned in stormdb's own files
                self.assertEqual(j["total"]["failures"], {"script": 40})
                self.assertEqual((j["reconnects"], j["reconnect_attempts"]), (0, 0))
                self.assertIn("no transaction completed in the measured time (40 failed: script x40)", p.stderr)


class LostConnectionTest(harness.DatabaseTestCase):
    def test_terminated_backends_count_as_57P01_and_the_run_goes_on(self):
        self.sql("CREATE TABLE outcome_log (client int)")
        run = Background(self.url, "-c", "4", "-j", "2", "-T", "5s")
        killed = 0
        for t in (1.0, 2.0):  # early enough for a loaded machine's psql to land within the run
            run.sleep_until(t)
            killed += len(self.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                   "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
        rc, out, err, j, _ = run.finish()
        self.assertEqual(rc, 0, f"--- stdout\n{out}\n--- stderr\n{err}")
        self.assertGreaterEqual(killed, 4, "the clients' backends were not running")
        failures = j["total"]["failures"]
        self.assertEqual(list(failures), ["57P01"], "the server sent 57P01 admin_shutdown before closing")
        self.assertTrue(1 <= failures["57P01"] <= killed, (failures, killed))
        # every lost connection came back at the first attempt: no outage
        self.assertGreaterEqual(j["reconnects"], failures["57P01"])
        self.assertEqual(j["reconnect_attempts"], j["reconnects"])
        self.assertEqual(j["outages"], [])
        self.assertEqual(j["clients_unable_to_reconnect"], 0)
        committed = j["total"]["committed"]
        rows = int(self.scalar("SELECT count(*) FROM outcome_log"))
        self.assertTrue(committed <= rows <= committed + failures["57P01"], (committed, rows))
        after = [iv["total"]["committed"] for iv in j["intervals"] if iv["t_s"] > 3.0]
        self.assertTrue(after and all(c > 0 for c in after), f"the run did not go on: {after}")
        self.assertIn(f"{j['reconnects']} reconnects ({j['reconnect_attempts']} attempts)", out)


class OutageTest(unittest.TestCase):
    def setUp(self):
        self.server = OwnServer()
        self.server.sql("CREATE TABLE outcome_log (client int)")

    def tearDown(self):
        self.server.close()

    def test_server_gone_for_good_is_an_open_outage_and_exit_1(self):
        run = Background(self.server.url, "-c", "2", "-j", "1", "-T", "4s")
        run.sleep_until(1.5)
        self.server.stop_for_good()
        rc, out, err, j, html = run.finish()
        self.assertEqual(rc, 1, f"--- stdout\n{out}\n--- stderr\n{err}")
        self.assertEqual(len(j["outages"]), 1, j["outages"])
        o = j["outages"][0]
        self.assertTrue(o["open"])
        self.assertIsNone(o["end_s"])
        self.assertTrue(1.0 <= o["start_s"] <= 3.5, o)
        self.assertGreater(o["duration_s"], 0.3)
        self.assertEqual(j["clients_unable_to_reconnect"], 2)
        self.assertEqual(j["reconnects"], 0)
        self.assertGreater(j["reconnect_attempts"], 2)
        self.assertEqual(list(j["total"]["failures"]), ["57P01"], "a fast shutdown sends 57P01 to every backend")
        self.assertIn("2 client(s) could not reconnect before the end of the run (the database has been unreachable "
                      f"since {o['start_s']:.3f} s)", err)
        self.assertIn(j["failure"], err)
        self.assertRegex(out, r"database unreachable: from [0-9.]+ s until the end of the run at [0-9.]+ s "
                              r"\([0-9.]+ s, still unreachable\)")
        self.assertIn("outages-table", html)
        self.assertIn("still unreachable at the end of the run", html)

    def test_server_stopped_and_restarted_is_a_closed_outage(self):
        run = Background(self.server.url, "-c", "2", "-j", "1", "-T", "8s")  # room for a slow restart
        run.sleep_until(1.5)
        self.server.pg_ctl("-m", "fast", "stop")
        run.sleep_until(2.5)
        self.server.pg_ctl("start")
        rc, out, err, j, html = run.finish()
        self.assertEqual(rc, 0, f"--- stdout\n{out}\n--- stderr\n{err}")
        self.assertEqual(len(j["outages"]), 1, j["outages"])
        o = j["outages"][0]
        self.assertFalse(o["open"])
        self.assertTrue(1.0 <= o["start_s"] < o["end_s"] < 8.0, o)
        self.assertAlmostEqual(o["duration_s"], o["end_s"] - o["start_s"], places=3)
        self.assertGreater(o["duration_s"], 0.5)  # the server was down for about a second
        self.assertEqual(j["clients_unable_to_reconnect"], 0)
        self.assertEqual(j["reconnects"], 2)
        self.assertGreater(j["reconnect_attempts"], j["reconnects"])
        self.assertIn(f"database unreachable: from {o['start_s']:.3f} s to {o['end_s']:.3f} s ({o['duration_s']:.3f} s)",
                      out)
        self.assertIn("outages-table", html)
        # The HTML prints numbers without trailing zeros (1.46, not 1.460).
        self.assertIn(f"{o['start_s']:.3f}".rstrip("0").rstrip("."), html)
        # the run went on after the restart, and the server holds what was committed
        committed = j["total"]["committed"]
        rows = int(self.server.scalar("SELECT count(*) FROM outcome_log"))
        self.assertTrue(committed <= rows <= committed + j["total"]["failed"], (committed, rows))
        after = [iv["total"]["committed"] for iv in j["intervals"] if iv["t_s"] > o["end_s"] + 1]
        self.assertTrue(after and all(c > 0 for c in after), f"nothing committed after the restart: {after}")


class FailingRunTest(harness.DatabaseTestCase):
    def test_a_run_where_every_transaction_fails_exits_1(self):
        p, j = self.stormdb_json("run", PROBE, "--scenario=missing_table", "-c", "2", "-j", "1", "-T", "1s",
                                 "--pg-stats=false", check_rc=1)
        failed = j["total"]["failed"]
        self.assertGreater(failed, 0)
        self.assertEqual(j["total"]["failures"], {"42P01": failed})
        self.assertEqual(j["total"]["count"], 0)
        self.assertIn(f"stormdb: run failed: no transaction completed in the measured time ({failed} failed: 42P01 "
                      f"x{failed})", p.stderr)
        self.assertIn("hint: a table is missing", p.stderr)
        self.assertIn("no transaction completed", j["failure"])
        self.assertIn("outcomes: 0 committed", p.stdout)  # the report is still printed


if __name__ == "__main__":
    harness.main()
