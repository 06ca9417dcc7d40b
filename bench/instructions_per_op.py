#!/usr/bin/env python3
"""Instructions per op of apbench's op path against plain programs.

Runs bench/op_cost.cpp's program under Valgrind's callgrind twice per case,
with two op counts, and divides the difference of the instruction counts by
the difference of the op counts: the process's set-up (loading, registry,
io_context, calibration) is the same in both and cancels. Instruction counts
do not move with the machine's load, so they find and guard a cost where
wall time cannot.

  instructions_per_op.py OP_COST [--ops 2000,4000] [--case ...]
      [--check SUBJECT --against PLAIN --margin 1.10]

A case is SUBJECT:WORKLOAD[:name=value,...], e.g. async:io.sleep:delay=0ms.
Without --case, the standard table of docs/performance.md is measured.
With --check, only that pair is run (on the first --case's workload) and the
exit status is 1 when SUBJECT's instructions per op exceed PLAIN's by more
than the margin; 77 (CTest's skip code) when valgrind is not installed.
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = 77

# Where an op's instructions go, by the function that executes them (self
# cost; code inlined into a caller counts in the caller). Checked in order:
# the first pattern that matches a function names its category.
CATEGORIES = [
    ("clock reads", r"clock_gettime|steady_clock::now|__vdso|rdtsc"),
    ("histogram record", r"Histogram::record|Batch::record_ok|Batch::record\b"),
    ("stop checks", r"stop_token|stop_requested|_Stop_state|stop_callback"),
    ("frame allocation",
     r"\bmalloc|\bfree\b|cfree|_int_malloc|_int_free|operator new|"
     r"operator delete|thread_info_base::(allocate|deallocate)|"
     r"recycling_allocator|tcache|malloc_consolidate|unlink_chunk"),
    ("lane bookkeeping",
     r"Batch::claim|Batch::admit|LaneState|apb::lane\b|apb::lane\(|"
     r"spawn_lanes|OpContext|run_blocking|run_lanes|apb::.*Strategy::execute"),
]
OTHER = "the rest (Asio, oneTBB, the op itself)"

STANDARD_CASES = [
    ("io.sleep", "delay=0ms",
     ["async", "plain-asio", "async-pool", "plain-asio-pool", "parallel",
      "plain-tbb", "threads", "plain-threads"]),
    ("io.sleep", "delay=100ms", ["async", "plain-asio"]),
    ("cpu.spin", "work=0ms",
     ["async", "plain-asio", "async-pool", "plain-asio-pool", "parallel",
      "plain-tbb-split", "plain-tbb"]),
]


def callgrind(op_cost, subject, workload, params, ops, out_dir):
    out = os.path.join(out_dir, f"cg.{subject}.{workload}.{'.'.join(params)}.{ops}")
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out,
           op_cost, subject, workload, str(ops)] + params
    run = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    if run.returncode != 0:
        sys.exit(f"failed ({run.returncode}): {' '.join(cmd)}\n{run.stderr}")
    return out


def total_of(path):
    with open(path) as f:
        for line in f:
            if line.startswith("summary:") or line.startswith("totals:"):
                return int(line.split()[1])
    sys.exit(f"no instruction total in {path}")


LINE = re.compile(r"^\s*([\d,]+)\s+(?:\(\s*[\d.]+%\)\s+)?(\S.*?)\s*(\[[^\]]*\])?$")


def self_costs(path):
    """Self instructions per function (callgrind_annotate, no threshold)."""
    run = subprocess.run(["callgrind_annotate", "--threshold=100",
                          "--inclusive=no", path], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True, check=True)
    costs = {}
    in_table = False
    for line in run.stdout.splitlines():
        if "file:function" in line:
            in_table = True
            continue
        if not in_table or line.startswith("---"):
            continue
        m = LINE.match(line)
        if not m:
            if in_table and costs:
                break  # past the function table
            continue
        name = m.group(2)
        name = name.split(":", 1)[1] if ":" in name else name
        costs[name] = costs.get(name, 0) + int(m.group(1).replace(",", ""))
    return costs


def category(function):
    for name, pattern in CATEGORIES:
        if re.search(pattern, function):
            return name
    return OTHER


class Measured:
    def __init__(self, subject, per_op, by_category, top):
        self.subject = subject
        self.per_op = per_op
        self.by_category = by_category
        self.top = top


def measure(op_cost, subject, workload, params, ops, out_dir):
    low, high = ops
    files = [callgrind(op_cost, subject, workload, params, n, out_dir)
             for n in (low, high)]
    return summarize(subject, files, ops)


def measure_all(op_cost, subjects, workload, params, ops, out_dir):
    """Several subjects at once: the callgrind runs go in parallel (each
    is one process on one core; counts do not depend on the others)."""
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        runs = {(s, n): pool.submit(callgrind, op_cost, s, workload, params, n,
                                    out_dir)
                for s in subjects for n in ops}
        return [summarize(s, [runs[(s, n)].result() for n in ops], ops)
                for s in subjects]


def summarize(subject, files, ops):
    low, high = ops
    per_op = (total_of(files[1]) - total_of(files[0])) / (high - low)
    a, b = self_costs(files[0]), self_costs(files[1])
    diff = {f: (b.get(f, 0) - a.get(f, 0)) / (high - low)
            for f in set(a) | set(b)}
    by_category = {}
    for f, v in diff.items():
        by_category[category(f)] = by_category.get(category(f), 0) + v
    top = sorted(diff.items(), key=lambda kv: -kv[1])[:12]
    return Measured(subject, per_op, by_category, top)


def short(name, width=88):
    return name if len(name) <= width else name[:width - 3] + "..."


def print_case(workload, params, results, verbose):
    print(f"\n### {workload} {' '.join(params)} (instructions per op)\n")
    names = [n for n, _ in CATEGORIES] + [OTHER]
    print("| subject | per op | " + " | ".join(names) + " |")
    print("|:--|--:|" + "--:|" * len(names))
    for r in results:
        cells = [f"{r.by_category.get(n, 0):.0f}" for n in names]
        print(f"| {r.subject} | {r.per_op:.0f} | " + " | ".join(cells) + " |")
    if verbose:
        for r in results:
            print(f"\n{r.subject}: top functions (self instructions per op)")
            for f, v in r.top:
                print(f"  {v:9.1f}  {short(f)}")


def parse_case(text):
    parts = text.split(":", 2)
    if len(parts) < 2:
        sys.exit(f"a case is SUBJECT:WORKLOAD[:name=value,...], not {text}")
    params = parts[2].split(",") if len(parts) == 3 and parts[2] else []
    return parts[0], parts[1], params


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("op_cost", help="path of apbench_op_cost")
    ap.add_argument("--ops", default="2000,4000",
                    help="the two op counts (default 2000,4000)")
    ap.add_argument("--case", action="append", default=[],
                    help="SUBJECT:WORKLOAD[:name=value,...]")
    ap.add_argument("--check", help="the apbench subject to guard")
    ap.add_argument("--against", help="the plain subject it is held to")
    ap.add_argument("--margin", type=float, default=1.10,
                    help="largest allowed ratio of instructions per op")
    ap.add_argument("--verbose", action="store_true",
                    help="also list each subject's costliest functions")
    args = ap.parse_args()

    if not shutil.which("valgrind") or not shutil.which("callgrind_annotate"):
        print("SKIPPED: valgrind (with callgrind_annotate) is not installed; "
              "scripts/setup.sh installs it", file=sys.stderr)
        return SKIP
    ops = tuple(int(x) for x in args.ops.split(","))
    if len(ops) != 2 or ops[0] >= ops[1]:
        sys.exit("--ops takes two ascending counts, e.g. 2000,4000")

    with tempfile.TemporaryDirectory(prefix="apbench-ipo-") as out_dir:
        if args.check:
            if not args.against or not args.case:
                sys.exit("--check needs --against and a --case for the workload")
            _, workload, params = parse_case(args.case[0])
            mine, plain = measure_all(args.op_cost, [args.check, args.against],
                                      workload, params, ops, out_dir)
            print_case(workload, params, [mine, plain], True)
            ratio = mine.per_op / plain.per_op
            verdict = "ok" if ratio <= args.margin else "TOO COSTLY"
            print(f"\n{args.check} / {args.against} on {workload} "
                  f"{' '.join(params)}: {mine.per_op:.0f} / {plain.per_op:.0f}"
                  f" instructions per op = {ratio:.3f} (margin "
                  f"{args.margin:.2f}): {verdict}")
            return 0 if ratio <= args.margin else 1

        groups = []
        if args.case:
            for text in args.case:
                subject, workload, params = parse_case(text)
                for g in groups:
                    if g[0] == workload and g[1] == params:
                        g[2].append(subject)
                        break
                else:
                    groups.append((workload, params, [subject]))
        else:
            groups = [(w, [p], s) for w, p, s in STANDARD_CASES]
        for workload, params, subjects in groups:
            results = measure_all(args.op_cost, subjects, workload, params,
                                  ops, out_dir)
            print_case(workload, params, results, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
