# PostgreSQL 13-18 matrix: per major version, a throwaway server from tools/fetch-pg.sh's cache (--pg-bin), a short write run, the sampler's per-version views.
"""Each available version gets one short run (writes plus requested checkpoints) on its own
throwaway server, two versions at a time. The assertions follow docs/outputs.md: which sections
each version has, what the pre-14/16/17 fallbacks note, and that the deltas agree with what the
run did. Versions that cannot be fetched (no npm, no network, not linux x86-64) are skipped with
the reason; the binaries live in a cache outside the repository."""
import concurrent.futures
import json
import os
import subprocess
import tempfile
import unittest

import harness

VERSIONS = [13, 14, 15, 16, 17, 18]
PROBE = os.path.join(harness.SOURCE_DIR, "tests", "integration", "scripts", "version_probe.lua")
BLOCK = 8192


def fetch():
    """{major: bindir} from tools/fetch-pg.sh (which fetches what the cache lacks), and its stderr."""
    script = os.path.join(harness.SOURCE_DIR, "tools", "fetch-pg.sh")
    p = subprocess.run([script] + [str(v) for v in VERSIONS], capture_output=True, text=True, timeout=900)
    found = {}
    for line in p.stdout.splitlines():
        major, bindir = line.split(" ", 1)
        found[int(major)] = bindir
    return found, p.stderr.strip()


def run_version(bindir):
    """One short run on a throwaway server of bindir's version; returns (process, result JSON or None)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "result.json")
        p = harness.run_stormdb(["run", PROBE, "--pg-bin", bindir, "-c", "2", "-j", "1", "-T", "1s",
                                 "--pg-stats-interval", "0.25s", "-q", "--json", out], timeout=300)
        data = None
        if os.path.exists(out):
            with open(out) as f:
                data = json.load(f)
        return p, data


class PgVersionsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bindirs, cls.fetch_log = fetch()
        cls.results = {}
        if not cls.bindirs:
            return
        # Two versions at a time: each has its own server, so their statistics cannot mix.
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            futures = {v: pool.submit(run_version, d) for v, d in cls.bindirs.items()}
            cls.results = {v: f.result() for v, f in futures.items()}

    def result(self, major):
        if major not in self.bindirs:
            self.skipTest(f"PostgreSQL {major} binaries not available: {self.fetch_log or 'tools/fetch-pg.sh found none'}")
        p, data = self.results[major]
        self.assertEqual(p.returncode, 0, f"PostgreSQL {major} run failed\n--- stderr\n{p.stderr}")
        return data

    def check_version(self, major):
        data = self.result(major)
        self.assertTrue(data["server"]["version"].startswith(f"{major}."), data["server"])
        self.assertTrue(data["server"]["throwaway"])
        self.assertEqual(data["server"]["bin_dir"], self.bindirs[major])
        pg = data["postgres"]
        self.assertEqual(pg["server_version_num"] // 10000, major)
        window, notes = pg["window"], pg["notes"]
        self.assertGreaterEqual(len(pg["intervals"]), 2)
        for section, values in window.items():
            if isinstance(values, dict):
                for name, v in values.items():
                    if isinstance(v, (int, float)) and not isinstance(v, bool):
                        self.assertGreaterEqual(v, 0, f"{major}: {section}.{name}")

        tx = data["transactions"]
        committed = sum(t["committed"] for t in tx.values())
        self.assertGreater(tx["write"]["committed"], 0)
        self.assertGreater(tx["checkpoint"]["committed"], 0)
        if major >= 15:
            # Every reported transaction committed inside the window (plus the sampler's own).
            self.assertGreaterEqual(window["database"]["xact_commit"], committed)
            self.assertGreaterEqual(window["database"]["tup_inserted"], tx["write"]["committed"])
        else:
            # Before 15 the statistics collector's file may be up to 500 ms old when read, so a
            # one-second window sees only part of the run (docs/outputs.md says so).
            self.assertGreater(window["database"]["xact_commit"], 0)
            self.assertLessEqual(window["database"]["tup_inserted"], tx["write"]["committed"])

        # Checkpointer: pg_stat_checkpointer from 17, pg_stat_bgwriter's columns before; the
        # probe's CHECKPOINTs are requested ones.
        cp = window["checkpointer"]
        self.assertGreaterEqual(cp["num_requested"], 1)
        self.assertEqual(cp["checkpoints"], cp["num_timed"] + cp["num_requested"])
        if major >= 17:
            self.assertNotIn("buffers_backend", window["bgwriter"])
        else:
            self.assertIn("buffers_backend", window["bgwriter"])

        # WAL: pg_stat_wal from 14; 18 moved its write/sync counters to pg_stat_io.
        if major >= 14:
            self.assertGreater(window["wal"]["wal_records"], 0)
            self.assertGreater(window["wal"]["wal_bytes"], 0)
            if major >= 18:
                self.assertNotIn("wal_write", window["wal"])
            else:
                self.assertGreater(window["wal"]["wal_write"], 0)
        else:
            self.assertNotIn("wal", window)
            self.assertTrue(any("wal is not sampled" in n and "14 or later" in n for n in notes), notes)

        # I/O: pg_stat_io from 16; bytes from op_bytes (the block size) on 16-17, byte columns on 18.
        if major >= 16:
            io = window["io"]
            self.assertGreater(io["checkpointer"]["writes"], 0, io)
            self.assertGreater(io["client backend"]["hits"], 0, io)
            for backend, row in io.items():
                if major < 18:
                    self.assertEqual(row["write_bytes"], row["writes"] * BLOCK, backend)
                    self.assertEqual(row["extend_bytes"], row["extends"] * BLOCK, backend)
                elif row["writes"] > 0:
                    self.assertGreater(row["write_bytes"], 0, backend)
            if major >= 18:
                # WAL I/O joined pg_stat_io in 18: the commits' WAL flushes are the client backends'.
                self.assertGreater(io["client backend"]["fsyncs"] + io["client backend"]["writes"], 0, io)
        else:
            self.assertNotIn("io", window)
            self.assertTrue(any("io is not sampled" in n and "16 or later" in n for n in notes), notes)

        # pg_stat_statements is preloaded and created on the throwaway server: top statements appear.
        self.assertFalse(any("pg_stat_statements" in n for n in notes), notes)
        top = window.get("statements", {}).get("top", [])
        self.assertTrue(any(s["query"].startswith("UPDATE vp_rows") and s["calls"] > 0 for s in top), top)

    def test_pg13(self):
        self.check_version(13)

    def test_pg14(self):
        self.check_version(14)

    def test_pg15(self):
        self.check_version(15)

    def test_pg16(self):
        self.check_version(16)

    def test_pg17(self):
        self.check_version(17)

    def test_pg18(self):
        self.check_version(18)


if __name__ == "__main__":
    harness.main()
