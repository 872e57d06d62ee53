#!/usr/bin/env python3
# Fails when a Python test file defines tests that never run: anything after, or inside, its
# `if __name__ == "__main__":` block (unittest.main() exits before the rest is even defined).
"""Usage: check_test_files.py FILE_OR_DIR...  (directories: their test_*.py files)

Each file's main block must be its last statement and hold nothing but the call that runs the
tests. Prints every file and line that breaks this, and exits 1; else exits 0."""
import ast
import os
import sys


def is_main_block(node):
    return (isinstance(node, ast.If) and isinstance(node.test, ast.Compare)
            and isinstance(node.test.left, ast.Name) and node.test.left.id == "__name__")


def problems(path):
    with open(path) as f:
        tree = ast.parse(f.read(), path)
    found = []
    body = tree.body
    for i, node in enumerate(body):
        if not is_main_block(node):
            continue
        for later in body[i + 1:]:
            found.append(f"{path}:{later.lineno}: after the __main__ block, so it never runs")
        for inner in node.body[1:]:
            found.append(f"{path}:{inner.lineno}: inside the __main__ block after the call that runs the tests")
    return found


def files(args):
    for a in args:
        if os.path.isdir(a):
            for name in sorted(os.listdir(a)):
                if name.startswith("test_") and name.endswith(".py"):
                    yield os.path.join(a, name)
        else:
            yield a


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    found = [p for f in files(sys.argv[1:]) for p in problems(f)]
    for p in found:
        print(p)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
