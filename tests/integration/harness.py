# Shared helpers for integration tests: run the stormdb binary and query the throwaway server.
"""Integration tests run against the throwaway PostgreSQL that the CTest fixture starts with
`stormdb server start`; its conninfo is in the file named by $STORMDB_TEST_SERVER_FILE.
Each test creates its own database so tests can run in parallel."""
import json
import os
import subprocess
import unittest
import uuid

STORMDB = os.environ.get("STORMDB_BIN", "stormdb")
SOURCE_DIR = os.environ.get("STORMDB_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def server_conninfo():
    path = os.environ["STORMDB_TEST_SERVER_FILE"]
    with open(path) as f:
        return f.readline().strip()


def workload(name):
    """Absolute path of a built-in workload, e.g. workload('point_select.lua')."""
    return os.path.join(SOURCE_DIR, "workloads", name)


def run_stormdb(args, timeout=300, env=None, check_rc=None):
    """Runs stormdb with args; returns CompletedProcess (text). check_rc asserts the exit code."""
    full_env = dict(os.environ)
    for k in list(full_env):
        if k.startswith("PG"):
            del full_env[k]
    if env:
        full_env.update(env)
    p = subprocess.run([STORMDB] + list(args), capture_output=True, text=True, timeout=timeout, env=full_env)
    if check_rc is not None and p.returncode != check_rc:
        raise AssertionError(f"stormdb {' '.join(args)} exited {p.returncode}, expected {check_rc}\n"
                             f"--- stdout\n{p.stdout}\n--- stderr\n{p.stderr}")
    return p


class Database:
    """A database of its own on the shared throwaway server: .url, .sql(), .stormdb()."""

    def __init__(self, prefix="t_"):
        self.base = server_conninfo()
        self.name = prefix + uuid.uuid4().hex[:12]
        self.sql("CREATE DATABASE " + self.name, dbname="postgres")
        self.url = f"{self.base} dbname={self.name}"

    def drop(self):
        self.sql(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)", dbname="postgres")

    def sql(self, query, dbname=None):
        """Runs one query with psql; returns a list of rows, each a list of strings."""
        conninfo = f"{self.base} dbname={dbname or self.name}"
        p = subprocess.run(["psql", "-X", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-c", query],
                           capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            raise AssertionError(f"psql failed: {query}\n{p.stderr}")
        return [line.split("\t") for line in p.stdout.splitlines() if line != ""]

    def scalar(self, query):
        rows = self.sql(query)
        return rows[0][0] if rows else None

    def stormdb(self, *args, check_rc=0, timeout=300, env=None):
        """Runs stormdb against this database (adds --url)."""
        return run_stormdb(list(args) + ["--url", self.url], timeout=timeout, env=env, check_rc=check_rc)

    def stormdb_json(self, *args, check_rc=0, timeout=300):
        """Runs stormdb with --json into a temp file and returns (process, parsed json)."""
        path = f"/tmp/stormdb-test-{self.name}-{uuid.uuid4().hex[:6]}.json"
        p = self.stormdb(*args, "--json", path, check_rc=check_rc, timeout=timeout)
        with open(path) as f:
            data = json.load(f)
        os.unlink(path)
        return p, data


class DatabaseTestCase(unittest.TestCase):
    """A test case with a fresh database on the shared throwaway server: self.url, self.sql()."""

    def setUp(self):
        self.db = Database()
        self.dbname, self.url = self.db.name, self.db.url

    def tearDown(self):
        self.db.drop()

    def sql(self, query, dbname=None):
        return self.db.sql(query, dbname)

    def scalar(self, query):
        return self.db.scalar(query)

    def stormdb(self, *args, check_rc=0, timeout=300, env=None):
        return self.db.stormdb(*args, check_rc=check_rc, timeout=timeout, env=env)

    def stormdb_json(self, *args, check_rc=0, timeout=300):
        return self.db.stormdb_json(*args, check_rc=check_rc, timeout=timeout)


class SharedDatabaseTestCase(DatabaseTestCase):
    """A test case whose tests share one database, made once for the class (setUpClass) and
    dropped after its last test: for tests that look at the same loaded data, so that it is
    loaded once. unittest runs the tests in name order, and each may build on what the ones
    before it did (name them test_a_..., test_b_...). Override load() to load the data."""

    @classmethod
    def setUpClass(cls):
        cls.db = Database()
        cls.dbname, cls.url = cls.db.name, cls.db.url
        try:
            cls.load()
        except BaseException:
            cls.db.drop()   # tearDownClass does not run when setUpClass fails
            raise

    @classmethod
    def load(cls):
        """Loads what the tests share into cls.db (runs once, before the first test)."""

    @classmethod
    def tearDownClass(cls):
        cls.db.drop()

    def setUp(self):
        pass

    def tearDown(self):
        pass


def main():
    unittest.main(verbosity=2)
