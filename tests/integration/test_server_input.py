# Throwaway-server interruptions and up-front input checks: Ctrl-C at any moment of the server's
# start or run leaves no directory and no postmaster; `server stop` removes leftovers of an
# interrupted start; -c beyond max_connections is refused before any connection storm.
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import harness

NAP = 'workload = { name = "nap", mix = { nap = 1 } }\nfunction nap(ctx) ctx.db:exec("SELECT pg_sleep(0.05)") end\n'


def server_processes_under(parent):
    """pids of postgres/initdb/pg_ctl processes working below parent (by /proc/PID/cwd)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cwd = os.readlink(f"/proc/{pid}/cwd")
            exe = os.path.basename(os.readlink(f"/proc/{pid}/exe"))
            with open(f"/proc/{pid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if cwd.startswith(parent + "/") and exe in ("postgres", "initdb", "pg_ctl") and state != "Z":
            found.append(int(pid))
    return found


class ThrowawayServerInterruptions(unittest.TestCase):
    def setUp(self):
        # A parent directory of our own (TMPDIR) so the test sees exactly what the server left.
        self.parent = tempfile.mkdtemp(prefix="sdbi-", dir="/tmp")
        os.chmod(self.parent, 0o755)
        self.script = os.path.join(self.parent, "nap.lua")
        with open(self.script, "w") as f:
            f.write(NAP)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        self.env["TMPDIR"] = self.parent

    def tearDown(self):
        for pid in server_processes_under(self.parent):
            os.kill(pid, signal.SIGKILL)
        shutil.rmtree(self.parent, ignore_errors=True)

    def server_dirs(self):
        return [d for d in os.listdir(self.parent) if d.startswith("stormdb-")]

    def start(self, *args):
        return subprocess.Popen([harness.STORMDB, "run", self.script, "-c", "2", "-j", "1", *args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env)

    def wait_for(self, condition, what, timeout=60):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if condition():
                return
            time.sleep(0.003)
        self.fail(f"timed out waiting for {what}")

    def assert_nothing_left(self):
        self.assertEqual(self.server_dirs(), [])
        self.assertEqual(server_processes_under(self.parent), [])

    def interrupt_start_when(self, condition, what, during_start=True):
        p = self.start("-T", "30s")
        self.wait_for(condition, what)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=120)
        self.assertEqual(p.returncode, 130, err)
        if during_start:
            self.assertIn("interrupted while starting the throwaway server; stopped it and removed", err)
        self.assert_nothing_left()

    def in_server_dir(self, name):
        return lambda: any(os.path.exists(os.path.join(self.parent, d, name)) for d in self.server_dirs())

    def test_sigint_right_after_the_directory_appears(self):
        self.interrupt_start_when(lambda: self.server_dirs(), "the server directory")

    def test_sigint_while_initdb_runs(self):
        self.interrupt_start_when(self.in_server_dir("data/base"), "initdb")

    def test_sigint_while_pg_ctl_starts(self):
        self.interrupt_start_when(self.in_server_dir("server.log"), "pg_ctl start")

    def test_sigint_once_the_postmaster_runs(self):
        # On a loaded machine the signal may land just after start() returned: then the run is
        # what gets interrupted, which must leave nothing behind just the same.
        self.interrupt_start_when(self.in_server_dir("data/postmaster.pid"), "the postmaster", during_start=False)

    def test_three_sigints_during_the_run(self):
        p = self.start("-T", "60s")
        lines = []
        while not any("started a throwaway PostgreSQL" in l for l in lines):
            lines.append(p.stderr.readline())
            self.assertNotEqual(lines[-1], "", "".join(lines))
        time.sleep(1.0)  # into the measured run
        self.assertIsNone(p.poll())
        for _ in range(3):
            p.send_signal(signal.SIGINT)
            time.sleep(0.01)
        # stderr reaches EOF once the guardian, which shares it, is done.
        out, err = p.communicate(timeout=120)
        self.assertEqual(p.returncode, 130, err)
        self.assert_nothing_left()

    def test_server_stop_removes_leftovers_of_an_interrupted_start(self):
        start = subprocess.run([harness.STORMDB, "server", "start"], capture_output=True, text=True, env=self.env,
                               timeout=120)
        self.assertEqual(start.returncode, 0, start.stderr)
        (running,) = self.server_dirs()
        running = os.path.join(self.parent, running)
        with open(os.path.join(running, "data", "postmaster.pid")) as f:
            postmaster = int(f.readline())
        os.remove(os.path.join(running, "stormdb-server.json"))  # as if cut short before it was written
        stale = os.path.join(self.parent, "stormdb-Abc123")
        os.makedirs(os.path.join(stale, "data"))
        with open(os.path.join(stale, "data", "postmaster.pid"), "w") as f:
            f.write("999999\n")
        for d, said in [(running, "leftover server process(es) of an interrupted start"),
                        (stale, "no server was running")]:
            p = subprocess.run([harness.STORMDB, "server", "stop", d], capture_output=True, text=True, env=self.env,
                               timeout=120)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn(said, p.stderr)
            self.assertFalse(os.path.exists(d))
        self.assertFalse(os.path.exists(f"/proc/{postmaster}/cwd"))
        self.assert_nothing_left()


class ClientsBeyondMaxConnections(harness.DatabaseTestCase):
    def setUp(self):
        super().setUp()
        self.script = os.path.join(tempfile.mkdtemp(prefix="sdbc-"), "nap.lua")
        with open(self.script, "w") as f:
            f.write(NAP)
        self.max_connections = int(self.scalar("SHOW max_connections"))

    def refused(self, *args):
        p = self.stormdb("run", self.script, "-T", "5s", *args, check_rc=2, timeout=60)
        self.assertIn(f"max_connections {self.max_connections}", p.stderr)
        self.assertIn("ALTER SYSTEM SET max_connections", p.stderr)
        self.assertNotIn("too many clients", p.stdout + p.stderr)
        self.assertEqual(p.stdout, "")  # no report: nothing ran
        return p.stderr

    def test_clients_above_max_connections(self):
        n = self.max_connections + 100
        err = self.refused("-c", str(n), "-j", "2")
        self.assertRegex(err, rf"-c/--clients {n} needs {n + 1} connections at once \({n} clients \+ 1 for the "
                              r"pg_stat sampler\), but the server accepts only \d+ more")

    def test_largest_scale_clients_band(self):
        n = self.max_connections + 1
        err = self.refused("--scale-clients", f"1,{n},2", "--pg-stats", "false")
        self.assertIn(f"--scale-clients {n} needs {n} connections at once ({n} clients)", err)


if __name__ == "__main__":
    harness.main()
