# Every run ends on time and writes its results: endless loops, direct yields, a frozen server, a silent listener, a memory-hungry script, a third Ctrl-C.
"""Each case runs with a small -T and a subprocess timeout of -T + the documented bound (grace
2 s, watchdog 2 s, sampler 1.5 s) + slack: a hang fails the test instead of waiting. What is
asserted is what the user gets: the exit status, the message, the report lines and the JSON."""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

BOUND_S = 2 + 2 + 1.5 + 6  # grace + watchdog + sampler stop + slack for a loaded machine


class OnTimeTest(harness.DatabaseTestCase):
    def script(self, body):
        f = tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="ontime_", delete=False)
        f.write(body)
        f.close()
        self.addCleanup(os.unlink, f.name)
        return f.name

    def json_path(self):
        path = os.path.join(tempfile.gettempdir(), f"ontime-{self.dbname}.json")
        self.addCleanup(lambda: os.path.exists(path) and os.unlink(path))
        return path

    def run_bounded(self, script, *args, duration_s=2):
        """Runs `script` for duration_s; returns (process, parsed JSON)."""
        path = self.json_path()
        p = self.stormdb("run", script, "-T", f"{duration_s}s", "--json", path, *args, check_rc=None,
                         timeout=duration_s + BOUND_S)
        with open(path) as f:
            return p, json.load(f)

    def start(self, script, *args):
        """Starts a run in the background; returns (Popen, JSON path)."""
        path = self.json_path()
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        p = subprocess.Popen([harness.STORMDB, "run", script, "--json", path, "--url", self.url] + list(args),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.addCleanup(lambda: p.poll() is None and p.kill())
        return p, path

    def backends(self, n):
        """Pids of this database's client backends once at least n are active (waits up to 10 s)."""
        deadline = time.time() + 10
        while time.time() < deadline:
            rows = self.sql(f"SELECT pid FROM pg_stat_activity WHERE datname = '{self.dbname}' "
                            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'")
            if len(rows) >= n:
                return [int(r[0]) for r in rows]
            time.sleep(0.1)
        self.fail(f"fewer than {n} backends appeared")

    # ---- endless loops -----------------------------------------------------------------------

    # Client 0 loops for ever in its first transaction (a loop LuaJIT compiles into a trace).
    SPIN = ("workload = { mix = { event = 1 } }\n"
            "function event(ctx)\n"
            "  ctx.db:query('SELECT 1')\n"
            "  if ctx.client_id == 0 then while true do end end\n"
            "end\n")

    def test_endless_compiled_loop_is_abandoned_with_results_written(self):
        s = self.script(self.SPIN)
        html = self.json_path() + ".html"
        self.addCleanup(lambda: os.path.exists(html) and os.unlink(html))
        p, j = self.run_bounded(s, "-c", "2", "-j", "2", "--html", html)
        self.assertEqual(p.returncode, 124, p.stderr)
        with open(html) as f:
            self.assertIn("Cut short: client 0 (transaction event) did not yield", f.read())
        self.assertIn("cut short: client 0 (transaction event) did not yield", p.stdout)
        self.assertIn("its thread was abandoned", p.stdout)
        self.assertTrue(any("client 0 (transaction event) did not yield" in c for c in j["cut_short"]), j["cut_short"])
        self.assertGreater(j["total"]["count"], 0)  # client 1, on the other thread, went on

    def test_endless_interpreted_loop_becomes_a_script_error_at_its_line(self):
        s = self.script("workload = { mix = { event = 1 } }\n"
                        "local function spin() while true do end end\n"
                        "jit.off(spin)\n"
                        "function event(ctx)\n"
                        "  ctx.db:query('SELECT 1')\n"
                        "  if ctx.client_id == 0 then spin() end\n"
                        "end\n")
        p, j = self.run_bounded(s, "-c", "2", "-j", "2")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stderr, r"script error \(client 0\): .*ontime_\w+\.lua:2: did not yield for")
        self.assertEqual(j["cut_short"], [])

    # ---- direct yield --------------------------------------------------------------------------

    def test_direct_yield_is_a_script_error_and_own_coroutines_work(self):
        s = self.script("workload = { mix = { event = 1 } }\n"
                        "function event(ctx)\n"
                        "  local gen = coroutine.wrap(function() coroutine.yield(20) coroutine.yield(22) end)\n"
                        "  ctx:count('own_coroutine', gen() + gen())\n"
                        "  ctx.db:query('SELECT 1')\n"
                        "  coroutine.yield()\n"
                        "end\n")
        p, j = self.run_bounded(s, "-c", "2")
        self.assertRegex(p.stderr, r"ontime_\w+\.lua:6: coroutine.yield\(\) called in a stormdb client")
        self.assertGreater(j["total"]["failed"], 0)
        self.assertEqual(j["total"]["failures"], {"script": j["total"]["failed"]})
        own = j["counters"]["own_coroutine"]  # 20 + 22 per transaction: the script's coroutine yielded
        self.assertGreater(own, 0)
        self.assertEqual(own % 42, 0)

    # ---- frozen server -------------------------------------------------------------------------

    SLOW = ("workload = { mix = { event = 1 } }\n"
            "function event(ctx) ctx.db:query('SELECT pg_sleep(0.05)') end\n")

    def freeze_and_wait(self, p, pids, timeout):
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        try:
            out, err = p.communicate(timeout=timeout)
        finally:
            for pid in pids:
                os.kill(pid, signal.SIGCONT)
        return out, err

    def test_frozen_server_with_pg_stats_ends_on_time(self):
        p, path = self.start(self.script(self.SLOW), "-T", "3s", "-c", "2", "--pg-stats", "true")
        pids = self.backends(3)  # two clients and the sampler
        out, err = self.freeze_and_wait(p, pids, 3 + BOUND_S)
        self.assertIn("cut short: 2 request(s) still running 2 s after the end were cancelled", out, err)
        with open(path) as f:
            j = json.load(f)
        self.assertTrue(j["cut_short"][0].startswith("2 request(s)"), j["cut_short"])
        self.assertTrue(any("sampler got no answer" in n for n in j["postgres"]["notes"]), j["postgres"]["notes"])

    def test_frozen_server_first_ctrl_c_ends_within_the_grace(self):
        p, path = self.start(self.script(self.SLOW), "-T", "60s", "-c", "2", "--pg-stats", "false")
        pids = self.backends(2)
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        try:
            time.sleep(0.5)
            p.send_signal(signal.SIGINT)
            out, err = p.communicate(timeout=BOUND_S)
        finally:
            for pid in pids:
                os.kill(pid, signal.SIGCONT)
        self.assertEqual(p.returncode, 130, err)
        self.assertIn("cut short: 2 request(s)", out)
        with open(path) as f:
            self.assertTrue(json.load(f)["interrupted"])

    # ---- connecting ----------------------------------------------------------------------------

    def silent_listener(self, proxy_first=False):
        """A listener on 127.0.0.1 that accepts and never answers; with proxy_first, the first
        connection (stormdb's start-up check) is passed through to the test server."""
        srv = socket.socket()
        srv.bind(("127.0.0.1", 0))
        srv.listen(64)
        held = []

        def pipe(a, b):
            try:
                while data := a.recv(65536):
                    b.sendall(data)
            except OSError:
                pass

        def serve():
            first = True
            while True:
                try:
                    c, _ = srv.accept()
                except OSError:
                    return
                if proxy_first and first:
                    up = socket.socket(socket.AF_UNIX) if self.server_host().startswith("/") else socket.socket()
                    host = self.server_host()
                    up.connect(f"{host}/.s.PGSQL.{self.server_port()}" if host.startswith("/")
                               else (host, int(self.server_port())))
                    for a, b in ((c, up), (up, c)):
                        threading.Thread(target=pipe, args=(a, b), daemon=True).start()
                    held.append(up)
                first = False
                held.append(c)

        threading.Thread(target=serve, daemon=True).start()
        self.addCleanup(lambda: [s.close() for s in held + [srv]])
        return srv.getsockname()[1]

    def server_param(self, key, default):
        for part in harness.server_conninfo().split():
            k, _, v = part.partition("=")
            if k == key:
                return v
        return default

    def server_host(self):
        return self.server_param("host", "/tmp")

    def server_port(self):
        return self.server_param("port", "5432")

    def test_start_up_gives_up_on_a_silent_listener(self):
        port = self.silent_listener()
        s = self.script(self.SLOW)
        p = harness.run_stormdb(["run", s, "-T", "2s", "--url", f"host=127.0.0.1 port={port} dbname=x"],
                                timeout=10 + BOUND_S)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("timeout expired", p.stderr)

    def test_clients_give_up_connecting_after_connect_timeout(self):
        port = self.silent_listener(proxy_first=True)
        s = self.script(self.SLOW)
        url = f"{self.url} host=127.0.0.1 port={port} connect_timeout=2"
        p = harness.run_stormdb(["run", s, "-T", "2s", "-c", "1", "--pg-stats", "false", "--url", url],
                                timeout=2 + BOUND_S)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("could not connect: timeout expired: no answer within 2 s", p.stderr)

    # ---- memory --------------------------------------------------------------------------------

    def test_memory_limit_is_a_script_error_and_the_run_completes(self):
        s = self.script("workload = { mix = { event = 1 } }\n"
                        "local hoard = {}\n"
                        "function event(ctx)\n"
                        "  ctx.db:query('SELECT 1')\n"
                        "  if ctx.client_id == 0 then\n"
                        "    for _ = 1, 10000 do hoard[#hoard + 1] = string.rep('x', 1000) .. #hoard end\n"
                        "  end\n"
                        "end\n")
        p, j = self.run_bounded(s, "-c", "2", "-j", "2", "--lua-memory-limit", "32")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("not enough memory (this thread's Lua state reached --lua-memory-limit=32 MB)", p.stderr)
        self.assertGreater(j["total"]["failed"], 0)
        self.assertGreater(j["total"]["count"], 0)  # client 1, on the other thread, went on

    # ---- third Ctrl-C --------------------------------------------------------------------------

    def test_third_ctrl_c_still_writes_the_json(self):
        s = self.script(self.SPIN)
        p, path = self.start(s, "-T", "60s", "-c", "2", "-j", "2")
        self.backends(2)
        time.sleep(0.5)
        for _ in range(3):
            p.send_signal(signal.SIGINT)
            time.sleep(0.2)
        out, err = p.communicate(timeout=BOUND_S)
        self.assertEqual(p.returncode, 130, err)
        with open(path) as f:
            j = json.load(f)
        self.assertTrue(j["interrupted"])
        self.assertGreater(j["total"]["count"], 0)


if __name__ == "__main__":
    harness.main()
