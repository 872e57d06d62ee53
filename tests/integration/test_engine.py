# Engine behaviour on a real server: outcomes, retries, script errors, sleeps, -t, seeds, loaders,
# warmup and JSON, each checked against what the database saw.
import json
import os
import re
import socket
import subprocess
import tempfile
import threading
import time
import harness

PROBE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scripts", "engine_probe.lua")


class EngineTest(harness.DatabaseTestCase):
    def run_probe(self, *args):
        return self.stormdb_json("run", PROBE, "--prepare", *args)

    def test_outcomes_match_the_database(self):
        p, j = self.run_probe("-c", "4", "-j", "2", "-t", "300", "--loaders", "3")
        t = j["transactions"]
        inserted = int(self.scalar("SELECT count(*) FROM probe_log WHERE txn = 'insert'"))
        self.assertEqual(t["insert"]["committed"], inserted)
        self.assertEqual(t["rollback"]["rolled_back"], t["rollback"]["count"])
        self.assertGreater(t["rollback"]["rolled_back"], 0)
        self.assertEqual(self.scalar("SELECT count(*) FROM probe_log WHERE txn = 'rollback'"), "0")
        # -t: exactly 300 per client, 4 clients
        self.assertEqual(j["total"]["count"], 1200)
        self.assertEqual(j["counters"]["inserted"], inserted)
        # ctx:parallel: 3 parts, 1000 rows each, each told the part count
        self.assertEqual(self.sql("SELECT part, parts, count(*) FROM probe_load GROUP BY 1, 2 ORDER BY 1"),
                         [["1", "3", "1000"], ["2", "3", "1000"], ["3", "3", "1000"]])
        self.assertIn("rolled back by design", p.stdout)
        # The worker threads' CPU is reported, as the kernel counted it.
        self.assertFalse(j["client_threads"]["realtime"])
        self.assertEqual(j["client_threads"]["threads"], 2)
        self.assertGreater(j["client_threads"]["on_cpu_s"], 0)
        self.assertIn("client threads: 2, on a CPU", p.stdout)

    def test_same_seed_same_inputs(self):
        def values(seed):
            self.stormdb("run", PROBE, "--prepare", "-c", "2", "-j", "2", "-t", "50", "--seed", str(seed), "-q")
            return self.sql("SELECT client, v, s FROM probe_log WHERE txn = 'insert' ORDER BY client, v, s")
        a, b, c = values(7), values(7), values(8)
        self.assertGreater(len(a), 0)
        self.assertEqual(a, b)
        self.assertNotEqual(a, c)

    def test_serialization_failures_are_retried(self):
        p, j = self.run_probe("--scenario=retry", "-c", "6", "-j", "2", "-t", "40", "--max-tries", "10000")
        t = j["transactions"]["bump"]
        self.assertGreater(t["retries"], 0, "6 clients on one row under REPEATABLE READ must conflict")
        self.assertEqual(t["failures"], {})
        self.assertEqual(t["committed"], 240)
        # every committed bump is in the counter once: a retry re-ran the whole transaction
        self.assertEqual(int(self.scalar("SELECT n FROM probe_counter")), 240)
        # with one try, conflicts become failures classified by SQLSTATE
        p, j = self.run_probe("--scenario=retry", "-c", "6", "-j", "2", "-t", "40", "--max-tries", "1")
        t = j["transactions"]["bump"]
        self.assertEqual(t["retries"], 0)
        self.assertGreater(t["failures"].get("40001", 0), 0)
        self.assertEqual(t["committed"] + t["failed"], 240)
        self.assertEqual(int(self.scalar("SELECT n FROM probe_counter")), t["committed"])

    def test_errors_are_classified_and_the_run_goes_on(self):
        p, j = self.run_probe("--scenario=errors", "-c", "2", "-j", "1", "-t", "40")
        t = j["transactions"]["flaky"]
        self.assertEqual(t["failures"].get("22012"), 20)   # SELECT 1/0 on every 4th call, 2 clients
        self.assertEqual(t["failures"].get("script"), 20)  # the Lua error on every 4th call
        self.assertEqual(t["committed"], 40)
        self.assertIn("engine_probe.lua:", p.stderr)       # the script error names file:line
        self.assertEqual(p.stderr.count("attempt to index"), 1, "a script error is printed once")
        self.assertIn("22012", p.stdout)

    def test_sleep_does_not_block_the_thread(self):
        p, j = self.run_probe("--scenario=sleep", "-c", "2", "-j", "1", "-T", "2s")
        per_client = dict((int(c), int(n)) for c, n in self.sql("SELECT client, count(*) FROM probe_log GROUP BY 1"))
        self.assertLessEqual(per_client[0], 12)   # 200 ms per transaction over 2 s
        self.assertGreater(per_client[1], 10 * per_client[0])

    def test_keying_time_is_slept_before_and_not_measured(self):
        p, j = self.run_probe("--scenario=keyed", "-c", "2", "-j", "1", "-T", "2s")
        t = j["transactions"]["insert"]
        self.assertGreaterEqual(t["count"], 4)
        self.assertLessEqual(t["count"], 2 * 8 + 2)        # 250 ms of keying before each one
        self.assertLess(t["latency_ms"]["p50"], 100)       # ... and none of it in the latency

    def test_warmup_is_excluded(self):
        p, j = self.run_probe("-c", "2", "-j", "2", "-T", "2s", "--warmup", "1s", "-P", "0.5")
        phases = [i["phase"] for i in j["intervals"]]
        self.assertEqual(phases.count("warmup"), 2)
        self.assertEqual(phases.count("measure"), 4)
        # The measured time leaves the 1 s warmup out (3 s would mean it was counted); the margin is
        # for a loaded machine, where the run's end can trail the deadline by a scheduling delay.
        self.assertAlmostEqual(j["elapsed_s"], 2.0, delta=0.5)
        measured = sum(i["total"]["count"] for i in j["intervals"] if i["phase"] == "measure")
        self.assertEqual(measured, j["total"]["count"])
        self.assertIn("warmup:", p.stdout)
        self.assertIn("progress:", p.stdout)

    def test_check_and_json_redaction(self):
        self.stormdb("prepare", PROBE)
        p = self.stormdb("check", PROBE)
        self.assertIn("passed no rolled-back rows visible", p.stdout)
        url = self.url + " password=hunter2secret"
        p = harness.run_stormdb(["run", PROBE, "--url", url, "-c", "1", "-t", "5", "--json", "/tmp/redact-%s.json" % self.dbname],
                                check_rc=0)
        with open("/tmp/redact-%s.json" % self.dbname) as f:
            text = f.read()
        os.unlink("/tmp/redact-%s.json" % self.dbname)
        self.assertNotIn("hunter2secret", text + p.stdout + p.stderr)
        self.assertIn("password=***", json.loads(text)["config"]["conninfo"])

    def test_parallel_parts_stop_after_one_fails(self):
        # Part 1 fails 0.3 s in; part 2 would write 100 rows over 5 s. It stops at its next
        # ctx:progress instead (a TPC-C loader part went on for minutes after its partner failed).
        script = """
workload = { mix = { noop = 1 } }
function noop(ctx) end
function prepare(ctx)
  ctx.db:exec("CREATE TABLE par_log (part int, i int)")
  ctx:parallel(2, "part_fn")
end
function part_fn(ctx, part)
  if part == 1 then ctx.db:exec("SELECT pg_sleep(0.3)"); error("part one broke", 0) end
  for i = 1, 100 do
    ctx.db:exec("INSERT INTO par_log VALUES (" .. part .. ", " .. i .. ")")
    ctx.db:exec("SELECT pg_sleep(0.05)")
    ctx:progress(1)
  end
end
"""
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
            f.write(script)
        try:
            p = self.stormdb("prepare", f.name, check_rc=1)
        finally:
            os.unlink(f.name)
        self.assertIn("2 of 2 parallel parts of part_fn failed; first: part 1: part one broke", p.stderr)
        written = int(self.scalar("SELECT count(*) FROM par_log"))
        self.assertGreaterEqual(written, 1)
        self.assertLess(written, 100)

    def test_realtime_runs_the_worker_threads_under_sched_fifo(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to run threads under SCHED_FIFO (and to drop the capability below)")
        path = os.path.join(tempfile.gettempdir(), f"realtime-{self.dbname}.json")
        self.addCleanup(lambda: os.path.exists(path) and os.unlink(path))
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        p = subprocess.Popen([harness.STORMDB, "run", PROBE, "--prepare", "--scenario=sleep", "-c", "4", "-j", "2",
                              "-T", "3s", "--realtime", "--json", path, "--url", self.url],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.addCleanup(lambda proc=p: proc.poll() is None and proc.kill())
        # The kernel's word: field 41 of /proc/PID/task/TID/stat is the policy, 1 = SCHED_FIFO.
        fifo, deadline = 0, time.time() + 10
        while fifo < 2 and time.time() < deadline and p.poll() is None:
            fifo = 0
            for tid in os.listdir(f"/proc/{p.pid}/task"):
                try:
                    with open(f"/proc/{p.pid}/task/{tid}/stat") as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                fifo += fields[38] == "1"  # fields[0] is field 3 (state)
            time.sleep(0.05)
        out, err = p.communicate(timeout=30)
        self.assertEqual(p.returncode, 0, err)
        self.assertEqual(fifo, 2, "both worker threads (and only they) run under SCHED_FIFO")
        with open(path) as f:
            ct = json.load(f)["client_threads"]
        self.assertTrue(ct["realtime"])
        self.assertIn("client threads: 2 under SCHED_FIFO (--realtime), on a CPU", out)
        # Without CAP_SYS_NICE (and with ulimit -r 0) it is bad input, said before anything starts.
        p = subprocess.run(["setpriv", "--bounding-set=-sys_nice", "--inh-caps=-sys_nice", "prlimit", "--rtprio=0",
                            harness.STORMDB, "run", PROBE, "--realtime", "-T", "1s", "--url", self.url],
                           capture_output=True, text=True, env=env, timeout=60)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("--realtime: running threads under SCHED_FIFO needs root, CAP_SYS_NICE", p.stderr)


class SlowAcceptProxy:
    """A Unix-socket proxy in front of the test server that holds each new connection for
    `delay` seconds before it forwards anything, and counts how many it holds at once: the
    connection attempts a client has in flight together."""

    def __init__(self, delay):
        info = dict(kv.split("=", 1) for kv in harness.server_conninfo().split())
        self.upstream = os.path.join(info["host"], f".s.PGSQL.{info.get('port', '5432')}")
        self.dir = tempfile.mkdtemp(prefix="stormdb-proxy-")
        self.port = 6543
        self.delay = delay
        self.lock = threading.Lock()
        self.held = self.most_held = self.accepted = 0
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(os.path.join(self.dir, f".s.PGSQL.{self.port}"))
        self.listener.listen(512)
        threading.Thread(target=self.accept_loop, daemon=True).start()

    def conninfo(self, dbname):
        rest = [kv for kv in harness.server_conninfo().split() if not kv.startswith(("host=", "port=", "dbname="))]
        return " ".join([f"host={self.dir}", f"port={self.port}", f"dbname={dbname}"] + rest)

    def accept_loop(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(client,), daemon=True).start()

    def serve(self, client):
        with self.lock:
            self.accepted += 1
            self.held += 1
            self.most_held = max(self.most_held, self.held)
        time.sleep(self.delay)
        with self.lock:
            self.held -= 1
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.connect(self.upstream)
        for a, b in ((client, server), (server, client)):
            threading.Thread(target=self.pump, args=(a, b), daemon=True).start()

    @staticmethod
    def pump(src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self):
        self.listener.close()


class ConnectGateTest(harness.DatabaseTestCase):
    def test_a_thread_has_at_most_8_connection_attempts_in_flight(self):
        # Each attempt waits 0.5 s at the proxy before the server sees it. 40 clients on one
        # thread opening all their connections at once would have 40 waiting together there, and
        # with connect_timeout=2 the last ones would time out behind the others; gated, 8 wait at
        # a time and each attempt's timeout covers its own wait only.
        proxy = SlowAcceptProxy(delay=0.5)
        self.addCleanup(proxy.close)
        script = os.path.join(tempfile.mkdtemp(), "gate.lua")
        with open(script, "w") as f:
            f.write('workload = { name = "gate", mix = { one = 1 } }\n'
                    'function one(ctx) ctx.db:value("SELECT 1") end\n')
        p = harness.run_stormdb(["run", script, "--url", proxy.conninfo(self.dbname) + " connect_timeout=2",
                                 "-c", "40", "-j", "1", "-t", "1", "--pg-stats", "false"], check_rc=0)
        self.assertIn("40 committed", p.stdout)
        self.assertIn("(40 connections)", p.stdout)
        # The run's own 40, and the preflight connects before them (one at a time).
        self.assertGreaterEqual(proxy.accepted, 40)
        self.assertLessEqual(proxy.most_held, 8, f"{proxy.most_held} connection attempts waited at once")
        self.assertGreaterEqual(proxy.most_held, 2)  # the attempts do overlap: not one at a time


if __name__ == "__main__":
    harness.main()
