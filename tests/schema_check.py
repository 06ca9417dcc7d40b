#!/usr/bin/env python3
"""Checks docs/results-schema.md against real apbench.results/1 files.

Usage: schema_check.py SCHEMA_MD RESULTS_JSON...

Every key path the results files contain must be documented, and every
documented path must occur in them (so a renamed or removed key cannot stay
in the page). Key paths are written as in the page:

  runs[].latency_s.p99     key p99 of the object under key latency_s of
                           each element of the top-level array runs
  context.libraries.*      any key of a map (names chosen at run time)

The page documents them by this convention (it says so under "How this page
is checked"):

  - A heading of level 2 or deeper names in code spans the object(s) its
    tables describe (`runs[].load`); a heading without code spans describes
    the same objects as the heading it is under (the page's title: the top
    level).
  - In a table, a row whose first cell has code spans documents those keys
    of each such object; its second cell is the type. A type starting with
    "map" marks a map: its keys are data (error messages, library names),
    so its entries are the path `KEY.*`.

Prints each undocumented and each unproduced path, then "N passed, N failed".
"""
import json
import re
import sys

CODE = re.compile(r"`([^`]+)`")


def join(path, key):
    return key if not path else f"{path}.{key}"


def documented_paths(markdown):
    """(paths, maps): the documented key paths, and those that are maps."""
    paths, maps = set(), set()
    stack = {1: [""]}  # heading level -> object paths its tables describe
    current = [""]
    fenced = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            continue
        heading = re.match(r"^(#+)\s+(.*)$", line)
        if heading:
            level = len(heading.group(1))
            spans = CODE.findall(heading.group(2)) if level >= 2 else []
            for deeper in [k for k in stack if k >= level]:
                del stack[deeper]
            if spans:
                stack[level] = spans
            else:
                stack[level] = stack[max(stack)] if stack else [""]
            current = stack[level]
            continue
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        keys = CODE.findall(cells[0])
        if not keys:
            continue  # header or separator row
        is_map = len(cells) > 1 and cells[1].startswith("map")
        for obj in current:
            for key in keys:
                path = join(obj, key)
                paths.add(path)
                if is_map:
                    maps.add(path)
                    paths.add(path + ".*")
    return paths, maps


def produced_paths(value, maps, path="", out=None):
    """The key paths of a JSON value; entries of maps count as `MAP.*`."""
    if out is None:
        out = set()
    if isinstance(value, dict):
        is_map = path in maps
        for key, item in value.items():
            child = path + ".*" if is_map else join(path, key)
            out.add(child)
            produced_paths(item, maps, child, out)
    elif isinstance(value, list):
        for item in value:
            produced_paths(item, maps, path + "[]", out)
    return out


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        documented, maps = documented_paths(f.read())
    if not documented:
        print(f"no documented keys found in {argv[1]}")
        return 1
    produced = set()
    for name in argv[2:]:
        with open(name, encoding="utf-8") as f:
            doc = json.load(f)
        if doc.get("schema") != "apbench.results/1":
            print(f"{name}: schema is {doc.get('schema')!r}")
            return 1
        produced |= produced_paths(doc, maps)
    passed = failed = 0
    for path in sorted(produced):
        if path in documented:
            passed += 1
        else:
            failed += 1
            print(f"undocumented: {path}")
    for path in sorted(documented - produced):
        failed += 1
        print(f"documented but in no results file (stale, or not covered by "
              f"the test's runs): {path}")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
