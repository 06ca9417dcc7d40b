"""Saved results read back whole: `apbench report FILE --json OUT` on every
apbench.results/1 file of docs/results (real runs of tools/make-docs) writes
what the file holds. A key the reader drops, or a value analyse() recomputes
differently from the run (the sweep's early stop, a summary's outliers),
shows as a difference. Floats may differ in their last digits (the report
re-derives seconds from nanoseconds).
Usage: results_roundtrip_test.py APBENCH RESULTS_DIR"""
import glob
import json
import os
import subprocess
import sys
import tempfile


def differences(want, got, path=""):
    if isinstance(want, bool) or isinstance(got, bool):
        return [] if want == got else [f"{path}: {want!r} -> {got!r}"]
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        if abs(want - got) <= 1e-9 * max(abs(want), abs(got)):
            return []
        return [f"{path}: {want!r} -> {got!r}"]
    if type(want) is not type(got):
        return [f"{path}: {want!r} -> {got!r}"]
    if isinstance(want, dict):
        out = [f"{path}/{k}: dropped" for k in want if k not in got]
        out += [f"{path}/{k}: added" for k in got if k not in want]
        for k in want:
            if k in got:
                out += differences(want[k], got[k], f"{path}/{k}")
        return out
    if isinstance(want, list):
        if len(want) != len(got):
            return [f"{path}: {len(want)} items -> {len(got)}"]
        out = []
        for i, (a, b) in enumerate(zip(want, got)):
            out += differences(a, b, f"{path}[{i}]")
        return out
    return [] if want == got else [f"{path}: {want!r} -> {got!r}"]


def main():
    apbench, results_dir = sys.argv[1], sys.argv[2]
    files = sorted(glob.glob(os.path.join(results_dir, "*.json")))
    checked, failures = 0, 0
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "back.json")
        for name in files:
            with open(name) as f:
                want = json.load(f)
            if want.get("schema") != "apbench.results/1":
                continue
            subprocess.run([apbench, "report", name, "--json", out],
                           check=True, stdout=subprocess.DEVNULL)
            with open(out) as f:
                got = json.load(f)
            # The report's own command line, not the run's.
            for doc in (want, got):
                doc.get("context", {}).pop("command", None)
            found = differences(want, got)
            checked += 1
            if found:
                failures += 1
                print(f"FAIL {os.path.basename(name)}: {len(found)} "
                      f"difference(s):")
                for line in found[:10]:
                    print("  " + line)
    if checked == 0:
        sys.exit(f"no apbench.results/1 file in {results_dir}")
    print(f"{checked} results files read back, {failures} with differences")
    sys.exit(1 if failures else 0)


main()
