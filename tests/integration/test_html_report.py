# Integration tests of the HTML report (run --html, report --html): the page renders in headless Chromium with every chart.
"""The page is checked the way a reader sees it: Chromium loads the file, the test inspects the DOM
it dumps (chart figures with SVG data, the summary table's total count) and its screenshot, and
its console must stay clean. Chromium is optional: without it the tests skip."""
import json
import math
import os
import re
import shutil
import subprocess
import tempfile
import unittest
from html.parser import HTMLParser

import harness

ROWS = 10000
RUN_CHARTS = ["chart-throughput", "chart-latency", "chart-distribution", "chart-errors"]
PG_CHARTS = ["chart-hit-ratio", "chart-wal", "chart-checkpoints", "chart-wait-events"]
DATA_TAGS = {"path", "polyline", "rect", "circle"}


def chromium_binary():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


CHROMIUM = chromium_binary()
SKIP_MESSAGE = "headless Chromium is not installed (apt-get install chromium)"


def chromium(args, timeout=60):
    """Runs headless Chromium with a throwaway profile and everything that phones home turned off."""
    with tempfile.TemporaryDirectory(prefix="stormdb-chromium-") as profile:
        cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}"] + args
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


class Dom(HTMLParser):
    """The dumped DOM as a flat list of elements, each with its attributes, ancestors and text."""
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, text):
        super().__init__()
        self.elements, self.stack = [], []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        el = {"tag": tag, "attrs": dict(attrs), "ancestors": list(self.stack), "text": []}
        self.elements.append(el)
        if tag not in self.VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag, attrs):
        self.elements.append({"tag": tag, "attrs": dict(attrs), "ancestors": list(self.stack), "text": []})

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i]["tag"] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if self.stack:
            self.stack[-1]["text"].append(data)

    def by_id(self, id_):
        return [e for e in self.elements if e["attrs"].get("id") == id_]

    def inside(self, ancestor):
        return [e for e in self.elements if any(a is ancestor for a in e["ancestors"])]

    def text(self, el):
        parts = list(el["text"])
        for e in self.inside(el):
            parts.extend(e["text"])
        return "".join(parts)


def expected_pg_charts(pg):
    """The PostgreSQL charts a sampler section calls for: one per series present in its records."""
    records = [r for r in pg.get("intervals", []) if r.get("t_s", 0) > 0 and r.get("phase") != "setup"]
    wanted = {"chart-hit-ratio": lambda r: r.get("database", {}).get("hit_ratio") is not None,
              "chart-wal": lambda r: "wal_bytes" in r.get("wal", {}),
              "chart-checkpoints": lambda r: "checkpoints" in r.get("checkpointer", {}),
              "chart-wait-events": lambda r: bool(r.get("activity", {}).get("by_wait_event_type"))}
    return [chart for chart, has in wanted.items() if any(has(r) for r in records)]


def classes(el):
    return (el["attrs"].get("class") or "").split()


class HtmlChecks:
    """Assertions shared by the test cases: render a page in Chromium, then inspect it."""

    def render(self, html_path):
        """Loads the page in Chromium: returns the parsed DOM; asserts a clean console and a real screenshot."""
        self.assertTrue(os.path.getsize(html_path) > 1000, f"{html_path} is nearly empty")
        url = "file://" + os.path.abspath(html_path)
        png = html_path[:-5] + ".png"
        # One Chromium start does both the DOM dump and the screenshot (each start costs seconds).
        p = chromium(["--enable-logging=stderr", "--v=0", "--dump-dom", f"--screenshot={png}",
                      "--window-size=1200,3000", "--hide-scrollbars", url])
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])
        # The page has no script, so anything it logs is wrong. Chromium logs console.error as
        # INFO:CONSOLE, hence the match on ":CONSOLE" rather than on the level.
        console = [line for line in p.stderr.splitlines() if "Uncaught" in line or ":CONSOLE" in line]
        self.assertEqual(console, [], "console messages from the page")
        self.assertGreater(os.path.getsize(png), 20 * 1024, "the screenshot is nearly blank")
        return Dom(p.stdout)

    def assert_self_contained(self, html_path):
        with open(html_path, encoding="utf-8") as f:
            source = f.read()
        urls = set(re.findall(r"https?://[^\s\"'<>)]+", source))
        self.assertTrue(urls <= {"http://www.w3.org/2000/svg"}, f"the page references the network: {urls}")
        for tag in ("<script src", "<link", "<img", "@import"):
            self.assertFalse(tag in source, f"the page has {tag}")
        self.assertEqual(re.findall(r"url\((?!#)", source), [], "the page loads a resource with url()")

    def assert_chart(self, dom, chart_id):
        """The figure exists once, has a caption and an <svg> with at least one data element."""
        figs = dom.by_id(chart_id)
        self.assertEqual(len(figs), 1, f"expected one #{chart_id}")
        fig = figs[0]
        self.assertEqual(fig["tag"], "figure")
        self.assertIn("chart", classes(fig))
        inner = dom.inside(fig)
        self.assertTrue(any(e["tag"] == "figcaption" for e in inner), f"#{chart_id} has no caption")
        svgs = [e for e in inner if e["tag"] == "svg"]
        self.assertEqual(len(svgs), 1, f"#{chart_id} has no svg")
        data = [e for e in dom.inside(svgs[0]) if e["tag"] in DATA_TAGS and "series" in classes(e)]
        self.assertTrue(data, f"#{chart_id} draws no data")
        texts = [dom.text(e) for e in dom.inside(svgs[0]) if e["tag"] == "text"]
        self.assertGreaterEqual(len(texts), 4, f"#{chart_id} has no tick labels")
        return fig

    def assert_total_count(self, dom, result, table_id="summary-table"):
        tables = dom.by_id(table_id)
        self.assertEqual(len(tables), 1, f"no #{table_id}")
        totals = [e for e in dom.inside(tables[0]) if e["tag"] == "tr" and "total" in classes(e)]
        self.assertEqual(len(totals), 1)
        cells = [e for e in dom.inside(totals[0]) if e["tag"] == "td" and "count" in classes(e)]
        self.assertEqual(len(cells), 1)
        self.assertEqual(int(cells[0]["attrs"]["data-value"]), result["total"]["count"])
        self.assertEqual(int(dom.text(cells[0]).replace(",", "")), result["total"]["count"])


@unittest.skipUnless(CHROMIUM, SKIP_MESSAGE)
class HtmlReportRunTest(harness.DatabaseTestCase, HtmlChecks):
    def test_run_and_report(self):
        """A real run writes the page with --html, and `stormdb report` renders it again from the JSON."""
        self.stormdb("prepare", harness.workload("point_select.lua"), f"--rows={ROWS}")
        with tempfile.TemporaryDirectory(prefix="stormdb-html-") as d:
            run_json, run_html, out_html = (os.path.join(d, n) for n in ("run.json", "run.html", "out.html"))
            self.stormdb("run", harness.workload("point_select.lua"), f"--rows={ROWS}", "-c", "2", "-j", "2", "-T", "4s",
                         "-P", "1", "--json", run_json, "--html", run_html)
            harness.run_stormdb(["report", run_json, "--html", out_html], check_rc=0)
            with open(run_json) as f:
                result = json.load(f)
            self.assertGreater(result["total"]["count"], 0)
            # `report` renders the same page from the JSON, byte for byte, so one Chromium render
            # (each start costs seconds) checks both.
            with open(run_html, encoding="utf-8") as f, open(out_html, encoding="utf-8") as g:
                self.assertTrue(f.read() == g.read(), "stormdb report --html differs from run --html")
            for path in (run_html,):
                with self.subTest(page=os.path.basename(path)):
                    self.assert_self_contained(path)
                    dom = self.render(path)
                    for chart in RUN_CHARTS:
                        self.assert_chart(dom, chart)
                    self.assert_total_count(dom, result)
                    if "postgres" in result:  # the sampler ran: a chart for each series it recorded, no note
                        for chart in expected_pg_charts(result["postgres"]):
                            self.assert_chart(dom, chart)
                        self.assertEqual(dom.by_id("postgres-note"), [])
                    else:
                        self.assertEqual(len(dom.by_id("postgres-note")), 1)
                        for chart in PG_CHARTS:
                            self.assertEqual(dom.by_id(chart), [], f"#{chart} without a postgres section")
                    self.assertEqual(len(dom.by_id("config-table")), 1)
                    self.assertIn("point_select", dom.text(dom.by_id("summary-table")[0]))


# ---- Hand-made results: the shapes of docs/outputs.md, filled with plausible numbers.

def row(count, p50, failed=0, retried=0, span=1.0):
    lat = {"mean": p50 * 1.3, "stddev": p50, "min": p50 / 4, "p50": p50, "p90": p50 * 2, "p95": p50 * 3,
           "p99": p50 * 6, "p99.9": p50 * 12, "max": p50 * 20}
    return {"count": count, "committed": count, "rolled_back": 0, "failed": failed, "retried": retried,
            "retries": retried, "tps": count / span, "latency_ms": lat,
            "service_ms": {k: 0.0 for k in ("mean", "p50", "p90", "p95", "p99", "p99.9", "max")},
            "schedule_lag_ms": {"mean": 0.0, "max": 0.0}, "skipped": 0, "late": 0,
            "failures": {"40001": failed} if failed else {}}


def histogram(count, p50_ms):
    """Log-normal-ish buckets around p50, as the engine writes them ([low_us, high_us, count])."""
    buckets, left = [], count
    for i in range(60):
        us = int(p50_ms * 1000 * 1.12 ** (i - 20))
        n = max(1, int(count * math.exp(-((i - 20) / 7.0) ** 2) / 12.4))
        n = min(n, left)
        if n <= 0:
            break
        buckets.append([us, us + max(1, us // 1024), n])
        left -= n
    if left > 0:
        buckets[-1][2] += left
    return {"unit": "us", "count": count, "buckets": buckets}


def synthetic_result(with_postgres, name="synthetic <&> \"run\""):
    types = {"read": 0.4, "write": 2.5}
    intervals, totals = [], {t: 0 for t in types}
    for i in range(12):
        phase = "warmup" if i < 2 else "measure"
        per = {t: row(900 + 40 * (i % 3) if t == "read" else 300 + 10 * i, p50 * (1.4 if i == 7 else 1),
                      failed=(i % 4 == 1) * (t == "write"), retried=(i % 3) * (t == "write"))
               for t, p50 in types.items()}
        if phase == "measure":
            for t in types:
                totals[t] += per[t]["count"]
        tot = row(sum(r["count"] for r in per.values()), 0.8, sum(r["failed"] for r in per.values()),
                  sum(r["retried"] for r in per.values()))
        intervals.append({"phase": phase, "t_s": i + 1.0, "span_s": 1.0, "reconnects": int(i == 9),
                          "total": tot, "transactions": per})
    trans = {}
    for t, p50 in types.items():
        trans[t] = row(totals[t], p50, failed=2 if t == "write" else 0, retried=5 if t == "write" else 0, span=10)
        trans[t]["histogram"] = histogram(totals[t], p50)
    total = row(sum(totals.values()), 0.8, failed=2, retried=5, span=10)
    buckets = sorted(b for t in trans.values() for b in t["histogram"]["buckets"])
    total["histogram"] = {"unit": "us", "count": total["count"], "buckets": buckets}
    r = {"schema": "stormdb.result/1", "stormdb_version": "0.1.0", "started_at_unix": 1767225600.0,
         "workload": {"name": name, "script": "workloads/<synthetic>.lua"},
         "server": {"version": "17.2", "throwaway": False}, "elapsed_s": 10.0,
         "config": {"clients": 8, "threads": 2, "duration_s": 10.0, "warmup_s": 2.0, "conninfo": "host=db password=xxxxx",
                    "options": {"rows": "1000"}, "sources": {"clients": "-c/--clients", "options.rows": "--rows"}},
         "connect": {"connections": 8, "mean_ms": 3.2, "max_ms": 5.1}, "transactions": trans, "total": total,
         "reconnects": 1, "counters": {"rows.read": 12345}, "timings": {},
         "intervals": intervals,
         "summary": [{"name": "reads per write", "value": 3.1, "unit": "", "note": "ratio"},
                     {"name": "p99 bound", "value": 15.0, "unit": "ms", "note": "<= 10 ms", "ok": False}],
         "checks": [{"name": "balance", "ok": True, "detail": "all rows hold"}]}
    if with_postgres:
        records = []
        for i in range(12):
            records.append({
                "t_s": i + 1.0, "span_s": 1.0,
                "database": {"xact_commit": 1200 + i, "xact_rollback": 2, "blks_hit": 99000, "blks_read": 100 + 30 * i,
                             "hit_ratio": 0.999 - 0.0003 * i, "temp_bytes": 0, "deadlocks": 0},
                "wal": {"wal_records": 3000, "wal_fpi": 20 + i, "wal_bytes": 2_500_000 + 100_000 * i},
                "checkpointer": {"checkpoints": 1 if i in (4, 9) else 0, "buffers_written": 300 if i in (4, 9) else 0},
                "activity": {"by_wait_event_type": {"CPU": 4 + i % 2, "Lock": (i % 5 == 3) * 2, "LWLock": 1,
                                                    "IO": 1 + i % 3, "Client": 1},
                             "by_state": {"active": 7, "idle": 1}, "lock_waiters": (i % 5 == 3) * 2}})
        r["postgres"] = {"version": "17.2", "notes": ["pg_stat_statements is not installed: no statement statistics"],
                         "intervals": records,
                         "window": {"database": {"xact_commit": 12000, "hit_ratio": 0.998},
                                    "wal": {"wal_bytes": 30_000_000}, "checkpointer": {"checkpoints": 2}}}
    return r


def synthetic_progressive():
    lam, sigma, kappa = 1000.0, 0.05, 0.0008
    bands = []
    for n in (1, 2, 4, 8, 16, 32, 48):
        tps = lam * n / (1 + sigma * (n - 1) + kappa * n * (n - 1)) * (1.02 if n % 3 else 0.98)
        t = row(int(tps * 5), 1000.0 * n / tps, span=5)
        bands.append({"clients": n, "elapsed_s": 5.0, "total": t, "transactions": {"read": t}, "reconnects": 0})
    return {"schema": "stormdb.progressive/1", "stormdb_version": "0.1.0",
            "workload": {"name": "scaling", "script": "workloads/point_select.lua"},
            "server": {"version": "17.2", "throwaway": True}, "config": {"clients": 1, "threads": 8},
            "bands": bands, "usl": {"ok": True, "lambda": lam, "sigma": sigma, "kappa": kappa, "r2": 0.99,
                                    "peak_clients": math.sqrt((1 - sigma) / kappa)},
            "best_band": 32, "latency_bound": {"stat": "p95", "limit_ms": 200.0}}


@unittest.skipUnless(CHROMIUM, SKIP_MESSAGE)
class HtmlReportFileTest(unittest.TestCase, HtmlChecks):
    """`stormdb report` on hand-made JSON files: the sections a short real run does not produce."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="stormdb-html-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def report(self, data, name):
        src, out = os.path.join(self.dir, name + ".json"), os.path.join(self.dir, name + ".html")
        with open(src, "w") as f:
            json.dump(data, f)
        harness.run_stormdb(["report", src, "--html", out], check_rc=0)
        self.assert_self_contained(out)
        return out

    def test_postgres_section(self):
        result = synthetic_result(with_postgres=True)
        dom = self.render(self.report(result, "pg"))
        for chart in RUN_CHARTS + PG_CHARTS:
            self.assert_chart(dom, chart)
        self.assertEqual(dom.by_id("postgres-note"), [])
        self.assert_total_count(dom, result)
        # Warmup is marked, two transaction types get a legend, the failed summary line is flagged.
        throughput = dom.inside(dom.by_id("chart-throughput")[0])
        self.assertTrue(any("shade" in classes(e) for e in throughput))
        legend_text = " ".join(dom.text(e) for e in throughput if "legend" in classes(e))
        for label in ("total", "read", "write", "warmup"):
            self.assertIn(label, legend_text)
        self.assertIn("FAILED", dom.text(dom.by_id("workload-summary")[0]))
        self.assertIn("serialization_failure", dom.text(dom.by_id("failures-table")[0]))
        # Text is escaped: the workload name shows as typed and injects no element.
        self.assertIn('synthetic <&> "run"', dom.text(next(e for e in dom.elements if e["tag"] == "h1")))
        self.assertFalse(any(e["tag"] == "script" for e in dom.elements))

    def test_without_postgres_section(self):
        dom = self.render(self.report(synthetic_result(with_postgres=False), "nopg"))
        for chart in RUN_CHARTS:
            self.assert_chart(dom, chart)
        self.assertEqual(len(dom.by_id("postgres-note")), 1)
        for chart in PG_CHARTS:
            self.assertEqual(dom.by_id(chart), [])

    def test_progressive(self):
        dom = self.render(self.report(synthetic_progressive(), "progressive"))
        self.assert_chart(dom, "chart-scaling")
        self.assert_chart(dom, "chart-scaling-latency")
        bands = dom.by_id("bands-table")
        self.assertEqual(len(bands), 1)
        rows = [e for e in dom.inside(bands[0]) if e["tag"] == "tr"]
        self.assertEqual(len(rows), 1 + 7)  # header + one per band
        self.assertTrue(any("best" in classes(e) for e in rows))
        scaling = dom.text(dom.by_id("chart-scaling")[0])
        self.assertIn("USL", scaling)
        self.assertIn("N* =", scaling)

    def test_phases(self):
        phases = []
        for name in ("ramp", "peak"):
            p = synthetic_result(with_postgres=False, name="phased")
            p["phase"] = name
            phases.append(p)
        data = {"schema": "stormdb.phases/1", "stormdb_version": "0.1.0",
                "workload": {"name": "phased", "script": "x.lua"}, "phases": phases}
        dom = self.render(self.report(data, "phases"))
        for i in (1, 2):
            for chart in RUN_CHARTS:
                self.assert_chart(dom, f"{chart}-phase{i}")
            self.assert_total_count(dom, phases[i - 1], f"summary-table-phase{i}")
        self.assertEqual(len(dom.by_id("phases-table")), 1)

    def test_rejects_other_json(self):
        for data, word in (({"schema": "stormdb.result/2"}, "stormdb.result/2"), ({"tps": 1}, "schema"), ([1, 2], "object")):
            src = os.path.join(self.dir, "bad.json")
            with open(src, "w") as f:
                json.dump(data, f)
            p = harness.run_stormdb(["report", src, "--html", os.path.join(self.dir, "bad.html")])
            self.assertNotEqual(p.returncode, 0)
            self.assertIn(word, p.stderr)


if __name__ == "__main__":
    harness.main()
