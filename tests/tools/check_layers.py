#!/usr/bin/env python3
"""Checks that engine/ folders form the strict hierarchy of DESIGN.md section 7.

Reads every #include "..." (and the libpq and Lua system headers) in engine/ and fails, naming
file:line and the two folders, when a file includes a folder at its own level or above, when a
folder is not in the hierarchy, or when libpq / Lua headers appear outside pg/ / script/.
Usage: check_layers.py [ENGINE_DIR]   (default: the engine/ beside this tests/ folder)
"""
import pathlib
import re
import sys

# Lower levels first; a folder may include only folders of a strictly lower level (and itself).
LEVELS = [
    ["util"],
    ["base"],  # plain shared types (ffi_types.h) and the client-runtime seam (client_runtime.h)
    ["pg", "metrics", "rand", "config"],
    ["monitor"],
    ["script", "plugin"],  # client runtimes
    ["run"],
    ["report"],
    ["cli"],
    ["main"],  # engine/main.cpp
]
LEVEL = {folder: i for i, names in enumerate(LEVELS) for folder in names}
# System headers that belong to one folder only.
OWNED_HEADERS = [
    (re.compile(r"#\s*include\s*<(libpq-fe\.h|libpq/[^>]*|libpq-events\.h)>"), "pg"),
    (re.compile(r"#\s*include\s*<(lua\.h|lua\.hpp|lualib\.h|lauxlib\.h|luajit\.h|luaconf\.h)>"), "script"),
]
LOCAL_INCLUDE = re.compile(r'#\s*include\s*"([^"]+)"')


def folder_of(rel: pathlib.PurePosixPath) -> str:
    return rel.parts[0] if len(rel.parts) > 1 else "main"


def check(engine: pathlib.Path) -> list[str]:
    problems = []
    for path in sorted(engine.rglob("*")):
        if path.suffix not in (".h", ".hpp", ".cpp", ".inc") or not path.is_file():
            continue
        rel = pathlib.PurePosixPath(path.relative_to(engine).as_posix())
        src = folder_of(rel)
        if src not in LEVEL:
            problems.append(f"engine/{rel}: folder {src}/ is not in the hierarchy (tests/tools/check_layers.py LEVELS)")
            continue
        for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            for pattern, owner in OWNED_HEADERS:
                m = pattern.match(line.strip())
                if m and src != owner:
                    problems.append(f"engine/{rel}:{n}: {src}/ includes <{m.group(1)}>, which only {owner}/ may use")
            m = LOCAL_INCLUDE.match(line.strip())
            if not m:
                continue
            target = pathlib.PurePosixPath(m.group(1))
            dst = folder_of(target) if len(target.parts) > 1 else src
            if dst == src:
                continue
            if dst not in LEVEL:
                problems.append(f"engine/{rel}:{n}: {src}/ includes {target}, whose folder {dst}/ is not in the hierarchy")
            elif LEVEL[dst] >= LEVEL[src]:
                where = "above" if LEVEL[dst] > LEVEL[src] else "at the same level as"
                problems.append(f"engine/{rel}:{n}: {src}/ includes {target}: {dst}/ is {where} {src}/ (include goes up)")
    return problems


def main() -> int:
    engine = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[2] / "engine"
    problems = check(engine)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} include(s) break the layers of DESIGN.md section 7:", file=sys.stderr)
        print("  " + " -> ".join("/".join(level) for level in LEVELS), file=sys.stderr)
        return 1
    print(f"engine/ layers ok: " + " -> ".join("/".join(level) for level in LEVELS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
