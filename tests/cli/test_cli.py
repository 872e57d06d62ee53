# Table-driven CLI tests: bad input must give a message naming what is wrong and where, and exit 2.
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

STORMDB = os.environ.get("STORMDB_BIN", "stormdb")
SOURCE = os.environ.get("STORMDB_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
POINT = os.path.join(SOURCE, "workloads", "point_select.lua")
UNREACHABLE = "host=/nonexistent-stormdb-dir port=1"

GOOD_SCRIPT = """
workload = { options = { rows = { default = 10 }, mode = { default = "read", choices = {"read", "write"} } },
             mix = { txn = 1 } }
function txn(ctx) end
"""

SB_SCRIPT = """
sysbench.cmdline.options = { rows = {"Number of rows", 10}, fast = {"Go fast", false} }
function event() con:query("SELECT " .. sysbench.opt.rows) end
"""

# (name, args, files {name: content}, env, exit code, [substrings of stderr])
CASES = [
    ("malformed yaml", ["run", POINT, "-f", "{dir}/bad.yaml"], {"bad.yaml": "clients: 4\n  threads: [2\n"}, {},
     2, ["bad.yaml:", "malformed YAML"]),
    ("unknown yaml key", ["run", POINT, "-f", "{dir}/c.yaml"], {"c.yaml": "threads: 2\nclinets: 4\n"}, {},
     2, ["c.yaml:2", "unknown key 'clinets'", "did you mean 'clients'"]),
    ("unknown workload option", ["run", POINT, "--rowz=5", "--url", UNREACHABLE], {}, {},
     2, ["--rowz", "no option 'rowz'", "did you mean 'rows'"]),
    ("unknown option in yaml options", ["run", POINT, "-f", "{dir}/o.yaml"], {"o.yaml": "options:\n  rws: 5\n"}, {},
     2, ["o.yaml:2", "no option 'rws'", "did you mean 'rows'"]),
    ("bad option type", ["run", POINT, "--rows=many", "--url", UNREACHABLE], {}, {},
     2, ["--rows", "must be a number", "many"]),
    ("bad choice", ["run", "{dir}/w.lua", "--mode=raed", "--url", UNREACHABLE], {"w.lua": GOOD_SCRIPT}, {},
     2, ["--mode", "one of read, write", "did you mean 'read'"]),
    ("bad duration", ["run", POINT, "-T", "tenseconds", "--url", UNREACHABLE], {}, {},
     2, ["-T", "tenseconds"]),
    ("bad duration in env", ["run", POINT, "--url", UNREACHABLE], {}, {"STORMDB_DURATION": "5 parsecs"},
     2, ["STORMDB_DURATION", "5 parsecs"]),
    ("zero clients", ["run", POINT, "-c", "0", "--url", UNREACHABLE], {}, {},
     2, ["clients must be at least 1"]),
    ("missing script", ["run", "{dir}/nope.lua"], {}, {}, 2, ["nope.lua", "not found"]),
    ("misspelled workload name", ["run", "point_selct"], {}, {}, 2, ["not found", "did you mean 'point_select'"]),
    ("script syntax error", ["run", "{dir}/syntax.lua", "--url", UNREACHABLE],
     {"syntax.lua": "workload = { mix = { a = 1 } }\nfunction a(ctx)\n  local x = = 1\nend\n"}, {},
     2, ["syntax.lua:3"]),
    ("script runtime error at top level", ["run", "{dir}/rt.lua", "--url", UNREACHABLE],
     {"rt.lua": "local x = nil\nprint(x.y)\n"}, {}, 2, ["rt.lua:2"]),
    ("mix names a missing function", ["run", "{dir}/m.lua", "--url", UNREACHABLE],
     {"m.lua": "workload = { mix = { neworder = 1 } }\n"}, {}, 2, ["neworder", "no global function"]),
    ("unset variable in yaml", ["run", POINT, "-f", "{dir}/v.yaml"], {"v.yaml": "url: host=${STORMDB_TEST_UNSET_VAR}\n"}, {},
     2, ["v.yaml:1", "STORMDB_TEST_UNSET_VAR is not set"]),
    ("unreachable server", ["run", POINT, "--url", UNREACHABLE], {}, {}, 2, ["cannot connect", "nonexistent-stormdb-dir"]),
    ("server setting without =", ["run", POINT, "--server-setting", "shared_buffers", "--url", UNREACHABLE], {}, {},
     2, ["--server-setting 'shared_buffers'", "name=value"]),
    ("server setting with a bad name", ["run", POINT, "--server-setting", "work mem=4MB"], {}, {},
     2, ["--server-setting work mem: invalid server setting \"work mem\"", "name=value"]),
    ("unknown key in yaml server", ["run", POINT, "-f", "{dir}/s.yaml"], {"s.yaml": "server:\n  setings:\n    a: 1\n"}, {},
     2, ["s.yaml:2", "unknown key 'server.setings'", "did you mean 'settings'"]),
    ("yaml server settings not a mapping", ["run", POINT, "-f", "{dir}/s.yaml"], {"s.yaml": "server:\n  settings: [a]\n"}, {},
     2, ["s.yaml:2", "server.settings", "mapping"]),
    ("server settings beside a named database", ["run", POINT, "--server-setting", "work_mem=4MB", "--url", UNREACHABLE],
     {}, {}, 2, ["warning: a database is named", "ignored", "cannot connect"]),
    ("pg-bin without server binaries", ["run", POINT, "--pg-bin", "{dir}"], {}, {},
     2, ["--pg-bin", "no PostgreSQL server binaries", "initdb"]),
    ("password never printed", ["run", POINT, "--url", "postgresql://bob:s3cr3tpw@localhost:1/db"], {}, {},
     2, ["cannot connect", "bob:***@"]),
    ("unknown flag", ["run", POINT, "-x"], {}, {}, 2, ["-x"]),
    ("zero duration", ["run", POINT, "-T", "0", "--url", UNREACHABLE], {}, {},
     2, ["-T/--duration: duration must be above 0", "-t N"]),
    ("zero duration in yaml", ["run", POINT, "-f", "{dir}/d.yaml", "--url", UNREACHABLE], {"d.yaml": "duration: 0s\n"}, {},
     2, ["d.yaml:1: duration must be above 0"]),
    ("mistyped STORMDB_ variable", ["run", POINT, "--url", UNREACHABLE], {}, {"STORMDB_CLIENT": "4"},
     2, ["warning: environment variable STORMDB_CLIENT is not a stormdb setting and is ignored",
         "did you mean STORMDB_CLIENTS?", "cannot connect"]),
    ("clients beyond the file descriptor limit", ["run", POINT, "-c", "100000000", "--url", UNREACHABLE], {}, {},
     2, ["-c/--clients 100000000 needs 100000001 connections", "may open only", "ulimit -n"]),
    ("malformed URI with a password", ["run", POINT, "--url", "postgresql://bob:s3cr3tpw@[::1/db"], {}, {},
     2, ["cannot connect", "IPv6", "bob:***@"]),
    ("bad escape in a URI password", ["run", POINT, "--url", "postgresql://bob:s3cr3tpw%zz@localhost/db"], {}, {},
     2, ["cannot connect", "invalid percent-encoded token"]),
    ("malformed conninfo with a password", ["run", POINT, "--url", "host=/nonexistent password=s3cr3tpw junk"], {},
     {}, 2, ["cannot connect", "password=***", 'missing "=" after "junk"']),
    ("yaml database password, unreachable", ["run", POINT, "-f", "{dir}/p.yaml"],
     {"p.yaml": "database:\n  host: /nonexistent-stormdb-dir\n  port: 1\n  password: s3cr3tpw\n"}, {},
     2, ["cannot connect", "password=***"]),
    ("plugin file not an ELF", ["plugin", "check", "{dir}/text.so"], {"text.so": "just text\n"}, {},
     2, ["text.so", "not a stormdb plugin: not an ELF shared object"]),
    ("plugin file missing", ["plugin", "check", "{dir}/nothing.so"], {}, {}, 2, ["nothing.so", "no such file"]),
    ("script asks for a plugin not built", ["run", "{dir}/p.lua", "--url", UNREACHABLE],
     {"p.lua": 'local n = stormdb.plugin("surely_missing")\nworkload = { mix = { t = 1 } }\nfunction t() end\n'}, {},
     2, ["p.lua:1", "plugin 'surely_missing' not found", "is it built?"]),
    ("script finds a non-ELF plugin", ["run", "{dir}/q.lua", "--url", UNREACHABLE],
     {"q.lua": 'local n = stormdb.plugin("fake")\nworkload = { mix = { t = 1 } }\nfunction t() end\n',
      "fake.so": "not a library\n"}, {},
     2, ["fake.so", "not an ELF shared object"]),
    ("pack names plugins badly", ["list", "--path", "{dir}"], {"stormdb-pack.yaml": "plugins: {a: 1}\n", "w.lua": GOOD_SCRIPT},
     {}, 2, ["stormdb-pack.yaml:1", "plugins must be a name or a list of names"]),
    # psql's connection flags build the conninfo, over --url when given (last keyword wins in libpq)
    ("-h -p -U -d build the conninfo", ["run", POINT, "-h", "/nonexistent-stormdb-dir", "-p", "1", "-U", "bob", "-d", "shop"],
     {}, {}, 2, ["cannot connect to the database (dbname='shop' host='/nonexistent-stormdb-dir' port='1' user='bob')"]),
    ("-h -p add to a --url URI", ["run", POINT, "--url", "postgresql://bob@localhost/shop", "-h", "/nonexistent-stormdb-dir",
     "--port", "1"], {}, {}, 2, ["postgresql://bob@localhost/shop?host=/nonexistent-stormdb-dir&port=1"]),
    ("-d conninfo with -p", ["run", POINT, "-d", "host=/nonexistent-stormdb-dir dbname=shop", "-p", "1"], {}, {},
     2, ["cannot connect to the database (host=/nonexistent-stormdb-dir dbname=shop port='1')"]),
    ("-d conninfo beside --url", ["run", POINT, "--url", UNREACHABLE, "-d", "host=/tmp dbname=x"], {}, {},
     2, ["-d/--dbname gives a whole conninfo and --url", "give the database in one way"]),
    ("-d password never printed", ["run", POINT, "-d", "postgresql://bob:s3cr3tpw@localhost:1/db"], {}, {},
     2, ["cannot connect", "bob:***@"]),
    ("-h needs a value", ["run", POINT, "-h"], {}, {}, 2, ["-h"]),
    # pgbench and sysbench flags that stormdb spells differently or lacks name what to use
    ("pgbench -n", ["run", POINT, "-n", "--url", UNREACHABLE], {}, {}, 2, ["'-n'", "never vacuums"]),
    ("pgbench -i", ["run", POINT, "-i", "--url", UNREACHABLE], {}, {}, 2, ["'-i'", "stormdb prepare tpcb_like --scale=N"]),
    ("pgbench --random-seed", ["run", POINT, "--random-seed=5", "--url", UNREACHABLE], {}, {},
     2, ["no option 'random_seed'", "stormdb's --seed"]),
    ("sysbench --time", ["run", POINT, "--time=10", "--url", UNREACHABLE], {}, {},
     2, ["--time: workload point_select has no option 'time'", "-T/--duration"]),
    # pgbench scripts: errors found when the scripts are loaded, before connecting
    ("-f takes YAML, not a pgbench script", ["run", "-f", "{dir}/b.sql"], {"b.sql": "SELECT 1;\n"}, {},
     2, ["-f is stormdb's YAML config", "give a pgbench script as --file", "b.sql"]),
    ("pgbench \\setshell refused", ["run", "{dir}/sh.sql", "--url", UNREACHABLE], {"sh.sql": "SELECT 1;\n\\setshell v echo 1\n"},
     {}, 2, ["sh.sql:2", "\\setshell", "--allow-shell"]),
    ("pgbench nested pipeline", ["run", "{dir}/p.sql", "-M", "extended", "--url", UNREACHABLE],
     {"p.sql": "\\startpipeline\nSELECT 1;\n\\startpipeline\n\\endpipeline\n"}, {}, 2,
     ["p.sql:3", "already in a pipeline (started at", "p.sql:1)"]),
    ("pgbench pipeline not ended", ["run", "{dir}/p.sql", "-M", "prepared", "--url", UNREACHABLE],
     {"p.sql": "\\startpipeline\nSELECT 1;\n"}, {}, 2, ["p.sql:1", "\\startpipeline without \\endpipeline"]),
    ("pgbench \\endpipeline alone", ["run", "{dir}/p.sql", "-M", "extended", "--url", UNREACHABLE],
     {"p.sql": "SELECT 1;\n\\endpipeline\n"}, {}, 2, ["p.sql:2", "\\endpipeline without a \\startpipeline"]),
    ("pgbench \\gset in a pipeline", ["run", "{dir}/p.sql", "-M", "extended", "--url", UNREACHABLE],
     {"p.sql": "\\startpipeline\nSELECT 1 AS a \\gset\n\\endpipeline\n"}, {}, 2,
     ["p.sql:2", "\\gset cannot be used inside a pipeline"]),
    ("point_select --pipeline below its min", ["run", POINT, "--pipeline=-1", "--url", UNREACHABLE], {}, {},
     2, ["--pipeline: option pipeline must be in 0..10000, not '-1'"]),
    ("tpcb_like --pipeline without --select-only",
     ["run", os.path.join(SOURCE, "workloads", "tpcb_like.lua"), "--pipeline=10", "--url", UNREACHABLE], {}, {},
     2, ["--pipeline applies to --select-only"]),
    ("pgbench bad \\set", ["run", "{dir}/s.sql", "--url", UNREACHABLE], {"s.sql": "-- x\n\\set a random(1)\nSELECT :a;\n"},
     {}, 2, ["s.sql:2", "random() takes 2 argument(s), got 1"]),
    ("pgbench unknown function", ["run", "{dir}/s.sql", "--url", UNREACHABLE], {"s.sql": "\\set a randm(1, 2)\n"},
     {}, 2, ["s.sql:1", "unknown function 'randm'"]),
    ("pgbench \\if without \\endif", ["run", "{dir}/s.sql", "--url", UNREACHABLE], {"s.sql": "\\if 1\nSELECT 1;\n"},
     {}, 2, ["s.sql:1", "\\if without \\endif"]),
    ("pgbench bad weight", ["run", "--file", "{dir}/s.sql@x", "--url", UNREACHABLE], {"s.sql": "SELECT 1;\n"}, {},
     2, ["--file", "weight after @ must be a whole number", "'x'"]),
    ("pgbench script missing", ["run", "--file", "{dir}/nope.sql", "--url", UNREACHABLE], {}, {},
     2, ["--file", "pgbench script", "nope.sql' not found"]),
    ("pgbench unknown built-in", ["run", "-b", "tpcc", "--url", UNREACHABLE], {}, {},
     2, ["-b/--builtin tpcc: no such built-in script", "tpcb-like, simple-update, select-only"]),
    ("pgbench bad query mode", ["run", "{dir}/s.sql", "-M", "prepard", "--url", UNREACHABLE], {"s.sql": "SELECT 1;\n"}, {},
     2, ["-M/--query-mode", "one of simple, extended, prepared", "did you mean 'prepared'"]),
    # the connection pool and the run-wide query mode
    ("no connections", ["run", POINT, "--connections", "0", "--url", UNREACHABLE], {}, {},
     2, ["--connections: connections must be at least 1, not 0", "one connection per client"]),
    ("negative connections", ["run", POINT, "--connections=-3", "--url", UNREACHABLE], {}, {},
     2, ["--connections: connections must be at least 1, not -3"]),
    ("connections not a number", ["run", POINT, "--connections", "ten", "--url", UNREACHABLE], {}, {},
     2, ["--connections: connections must be a whole number, not 'ten'"]),
    ("bad query mode", ["run", POINT, "--query-mode", "extnded", "--url", UNREACHABLE], {}, {},
     2, ["-M/--query-mode", "one of simple, extended, prepared", "did you mean 'extended'"]),
    ("pgbench script beside a workload", ["run", POINT, "--file", "{dir}/s.sql", "--url", UNREACHABLE], {"s.sql": "SELECT 1;\n"},
     {}, 2, ["run as the pgbench workload", "point_select.lua"]),
    ("pgbench -D without =", ["run", "{dir}/s.sql", "-D", "foo", "--url", UNREACHABLE], {"s.sql": "SELECT 1;\n"}, {},
     2, ["-D/--define foo: expected NAME=VALUE"]),
    # sysbench scripts: options from sysbench.cmdline.options, unsupported calls named at the script's line
    ("sysbench script option misspelled", ["run", "{dir}/sb.lua", "--rowz=5", "--url", UNREACHABLE], {"sb.lua": SB_SCRIPT},
     {}, 2, ["--rowz", "no option 'rowz'", "did you mean 'rows'"]),
    ("sysbench script: clients beside other threads", ["run", "{dir}/sb.lua", "-c", "4", "-j", "2", "--url", UNREACHABLE],
     {"sb.lua": SB_SCRIPT}, {}, 2, ["-c/--clients and -j/--threads", "runs one client per thread", "--threads=N alone"]),
    ("sysbench unsupported call", ["run", "{dir}/sb.lua", "--url", UNREACHABLE],
     {"sb.lua": "sysbench.cmdline.options = {}\nlocal v = sysbench.rand.poisson(1, 2)\nfunction event() end\n"},
     {}, 2, ["sb.lua:2", "sysbench.rand.poisson is not supported"]),
]


class CliTest(unittest.TestCase):
    def run_case(self, args, files, env):
        with tempfile.TemporaryDirectory() as d:
            for name, content in files.items():
                with open(os.path.join(d, name), "w") as f:
                    f.write(textwrap.dedent(content))
            full_env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
            full_env.update(env)
            argv = [a.replace("{dir}", d) for a in args]
            return subprocess.run([STORMDB] + argv, capture_output=True, text=True, timeout=60, env=full_env, cwd=d)

    def test_bad_input(self):
        for name, args, files, env, code, needles in CASES:
            with self.subTest(name):
                p = self.run_case(args, files, env)
                self.assertEqual(p.returncode, code, f"{name}: exit {p.returncode}\n{p.stderr}")
                for n in needles:
                    self.assertIn(n, p.stderr, f"{name}: '{n}' not in stderr:\n{p.stderr}")
                self.assertNotIn("s3cr3tpw", p.stdout + p.stderr)

    def test_help_and_version(self):
        p = self.run_case(["--version"], {}, {})
        self.assertEqual(p.returncode, 0)
        self.assertRegex(p.stdout, r"stormdb \d+\.\d+\.\d+")
        for sub in ["run", "prepare", "cleanup", "check", "list"]:
            p = self.run_case([sub, "--help"], {}, {})
            self.assertEqual(p.returncode, 0, sub)
            for flag in ["--clients", "--threads", "--duration", "--url", "--json", "--config", "-h,--host", "-p,--port",
                         "-U,--username", "-d,--dbname"]:
                self.assertIn(flag, p.stdout, f"{sub} --help lacks {flag}")

    def test_list_describes_options(self):
        p = self.run_case(["list", POINT], {}, {})
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("--rows", p.stdout)
        self.assertIn("point_select", p.stdout)
        self.assertIn("query mode: prepared", p.stdout)

    def test_list_shows_the_query_mode(self):
        p = self.run_case(["list"], {}, {})
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stdout, r"point_select .*\n +-M prepared --pipeline=0 --rows=100000")
        p = self.run_case(["list", "pgbench"], {}, {})
        self.assertIn("query mode: simple", p.stdout)

    def test_list_describes_sysbench_script_options(self):
        p = self.run_case(["list", "{dir}/sb.lua"], {"sb.lua": SB_SCRIPT}, {})
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("Number of rows [10]", p.stdout)
        self.assertIn("--fast=true|false", p.stdout)
        self.assertIn("--rand_type=", p.stdout)

    def test_dash_h_is_host_not_help(self):
        p = self.run_case(["run", POINT, "-h", "/nonexistent-stormdb-dir"], {}, {})
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertNotIn("Usage", p.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
