# Integration tests of workloads/point_select.lua: load, primary-key reads, reconnect after killed backends, cleanup.
import json
import os
import subprocess
import time

import harness

ROWS = 20000
RUN = ["-c", "4", "-j", "2", "-T", "3s"]


class PointSelectTest(harness.DatabaseTestCase):
    def prepare(self):
        self.stormdb("prepare", harness.workload("point_select.lua"), f"--rows={ROWS}")

    def wait_for(self, query, predicate, timeout=10):
        """Polls query until predicate(value) holds: a backend flushes its statistics when it exits,
        which is shortly after stormdb itself has exited."""
        deadline = time.time() + timeout
        while True:
            value = int(self.scalar(query))
            if predicate(value) or time.time() > deadline:
                return value
            time.sleep(0.2)

    def test_prepare_run_cleanup(self):
        self.prepare()
        self.assertEqual(int(self.scalar("SELECT count(*) FROM sbtest")), ROWS)
        self.assertEqual(self.scalar("SELECT indexname FROM pg_indexes WHERE tablename = 'sbtest'"), "sbtest_pkey")

        _, result = self.stormdb_json("run", harness.workload("point_select.lua"), f"--rows={ROWS}", *RUN)
        ps = result["transactions"]["point_select"]
        self.assertGreater(ps["committed"], 0)
        self.assertEqual(ps["failed"], 0)
        self.assertEqual(result["reconnects"], 0)
        # Every reported select was a primary-key lookup the server performed; the ones still in
        # flight at the stop time ran but are not reported, at most one per client.
        scans = self.wait_for("SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = 'sbtest_pkey'",
                              lambda v: v >= ps["committed"])
        self.assertGreaterEqual(scans, ps["committed"])
        self.assertLessEqual(scans, ps["committed"] + 4)
        # Reads only: the table is as loaded. (min/max are index scans too, so they come after the count above.)
        self.assertEqual(self.scalar("SELECT count(*) || ' ' || min(id) || '-' || max(id) FROM sbtest"),
                         f"{ROWS} 1-{ROWS}")

        self.stormdb("cleanup", harness.workload("point_select.lua"))
        self.assertEqual(self.scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), "0")

    def test_reconnects_after_backends_are_killed(self):
        self.prepare()
        path = f"/tmp/stormdb-test-{self.dbname}-kill.json"
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        proc = subprocess.Popen([harness.STORMDB, "run", harness.workload("point_select.lua"), f"--rows={ROWS}",
                                 "-c", "4", "-j", "2", "-T", "6s", "--json", path, "--url", self.url],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        try:
            time.sleep(2)
            killed = self.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            out, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        self.assertEqual(proc.returncode, 0, f"--- stdout\n{out}\n--- stderr\n{err}")
        self.assertGreaterEqual(len(killed), 1, "no stormdb backend was running at t=2s")
        with open(path) as f:
            result = json.load(f)
        os.unlink(path)

        self.assertGreaterEqual(result["reconnects"], 1)
        # A killed connection costs at most the one transaction it was running or about to send.
        self.assertLessEqual(result["total"]["failed"], len(killed))
        self.assertGreater(result["total"]["committed"], 0)
        after_kill = [iv["total"]["count"] for iv in result["intervals"]
                      if iv["phase"] == "measure" and iv["t_s"] > 3.0]
        self.assertTrue(after_kill, "no measured intervals after t=3s")
        self.assertGreater(sum(after_kill), 0, "no transaction committed after the backends were killed")
        self.assertTrue(all(c > 0 for c in after_kill), f"an interval after the kill committed nothing: {after_kill}")


if __name__ == "__main__":
    harness.main()
