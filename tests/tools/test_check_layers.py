#!/usr/bin/env python3
"""The layer check itself: an include that goes up, a sibling include, a folder outside the
hierarchy and libpq outside pg/ each fail with file:line and the folders named; a clean tree passes."""
import pathlib
import subprocess
import sys
import tempfile

CHECK = pathlib.Path(__file__).resolve().parent / "check_layers.py"


def run(files: dict[str, str]) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as d:
        for name, text in files.items():
            p = pathlib.Path(d, name)
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text)
        return subprocess.run([sys.executable, CHECK, d], capture_output=True, text=True)


def expect(files, rc, *needles):
    r = run(files)
    assert r.returncode == rc, (r.returncode, r.stdout, r.stderr)
    for n in needles:
        assert n in r.stdout, (n, r.stdout)


clean = {"util/a.h": "#pragma once\n", "pg/b.h": '#include "util/a.h"\n', "run/c.cpp": '#include "pg/b.h"\n#include "c.h"\n'}
expect(clean, 0)
expect({**clean, "pg/b.cpp": '// x\n#include "run/c.h"\n'}, 1, "engine/pg/b.cpp:2: pg/ includes run/c.h: run/ is above pg/")
expect({**clean, "pg/d.cpp": '#include "metrics/m.h"\n'}, 1, "engine/pg/d.cpp:1: pg/ includes metrics/m.h: metrics/ is at the same level as pg/")
expect({**clean, "extra/e.h": "\n"}, 1, "engine/extra/e.h: folder extra/ is not in the hierarchy")
expect({**clean, "monitor/f.cpp": "#include <libpq-fe.h>\n"}, 1, "engine/monitor/f.cpp:1: monitor/ includes <libpq-fe.h>, which only pg/ may use")
expect({**clean, "run/g.cpp": "#include <lua.hpp>\n"}, 1, "engine/run/g.cpp:1: run/ includes <lua.hpp>, which only script/ may use")
print("ok")
