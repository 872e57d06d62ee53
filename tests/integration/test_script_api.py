# Script API of issue 15 on a real server: on_connect runs before statements are re-prepared
# (after a reconnect and after db:connect()), an unknown prepared-statement name is an error that
# says so, and transactions may live in workload.txn under any name, `select` included.
import os
import harness

PROBE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scripts", "api_probe.lua")


class ScriptApiTest(harness.DatabaseTestCase):
    def run_probe(self, scenario, *args, check_rc=0):
        return self.stormdb_json("run", PROBE, "--prepare", "--scenario=" + scenario, "-c", "1", "-j", "1",
                                 "-T", "20s", *args, check_rc=check_rc)

    def test_reconnect_runs_on_connect_before_re_preparing(self):
        p, j = self.run_probe("reconnect", "-t", "6")
        t = j["transactions"]["work"]
        self.assertEqual(j["reconnects"], 1)
        self.assertEqual(t["committed"], 5)
        self.assertEqual(t["failed"], 1)
        self.assertEqual(j["clients_unable_to_reconnect"], 0)

    def test_db_connect_runs_on_connect_then_re_prepares(self):
        p, j = self.run_probe("connect", "-t", "3")
        self.assertEqual(j["transactions"]["work"]["committed"], 3)

    def test_unknown_prepared_statement_name_is_named(self):
        p, j = self.run_probe("typo", "-t", "2", check_rc=1)
        self.assertEqual(j["transactions"]["work"]["failures"], {"script": 2})
        self.assertIn("api_probe.lua:38: db:value: no prepared statement named 'gte' on this connection", p.stderr)
        self.assertIn("did you mean 'get'?", p.stderr)

    def test_transactions_from_workload_txn(self):
        p, j = self.run_probe("txn", "-t", "3")
        self.assertEqual(j["transactions"]["select"]["committed"], 3)
        self.assertEqual(j["counters"]["args"], 9)


LONG = "a_transaction_name_longer_than_sixteen"
LONG_SCRIPT = """-- report_probe.lua: one transaction with a long name
workload = { mix = { %s = 1 }, txn = { %s = function(ctx) ctx.db:value("SELECT 1") end } }
""" % (LONG, LONG)


class ConsoleReportTest(harness.DatabaseTestCase):
    def test_mean_column_long_names_and_server_from_pg_variables(self):
        path = f"/tmp/stormdb-report-probe-{self.dbname}.lua"
        with open(path, "w") as f:
            f.write(LONG_SCRIPT)
        self.addCleanup(os.unlink, path)
        conn = dict(kv.split("=", 1) for kv in harness.server_conninfo().split())
        env = {"PGHOST": conn["host"], "PGPORT": conn["port"], "PGUSER": conn["user"], "PGDATABASE": self.dbname}
        p = harness.run_stormdb(["run", path, "-c", "1", "-t", "3"], env=env, check_rc=0)
        lines = p.stdout.splitlines()
        server = [x for x in lines if x.startswith("server: ")][0]
        self.assertIn(f"host={conn['host']} port={conn['port']} dbname={self.dbname} user={conn['user']} "
                      "(from PG* variables)", server)
        header = [x for x in lines if x.startswith("transaction ")][0]
        row = [x for x in lines if x.startswith(LONG + " ")][0]
        self.assertIn("mean ms", header)
        # the count column ends where its header does, whatever the name's length
        self.assertEqual(header.index("count") + len("count"), row.index(" 3 ") + 2)


if __name__ == "__main__":
    harness.main()
