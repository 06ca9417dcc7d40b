#!/usr/bin/env python3
"""Wall time and peak memory of apbench's `async` fan-out beside the plain
Asio program (bench/asio_reference.cpp), in alternated pairs.

  fanout_vs_asio.py APBENCH ASIO_REFERENCE OPS DELAY_MS [PAIRS]

Each pair runs `apbench --filter io.sleep --ops OPS --set delay=DELAY_MSms
--strategy async` (its default 1 warm-up + 3 repetitions) and
`asio_reference OPS DELAY_MS 3`, in alternating order, each under
/usr/bin/time -v. Wall time is the median of the 3 repetitions each program
measured around its ops (apbench's wall_s median, the reference's printed
times); peak memory is each process's maximum resident set. Prints every pair, then the medians and their ratios. Timing needs a
quiet machine: print `uptime` beside the figures.
"""
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile


def timed(cmd):
    run = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    if run.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{run.stderr}")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr)
    return run.stdout, int(rss.group(1)) / 1024.0


def apbench(binary, ops, delay_ms, json_path):
    _, mib = timed([binary, "--filter", "io.sleep", "--ops", str(ops), "--set",
                    f"delay={delay_ms}ms", "--strategy", "async", "--json",
                    json_path])
    with open(json_path) as f:
        run = json.load(f)["runs"][0]
    if run["status"] != "ok" or run["errors"] != 0:
        sys.exit(f"apbench run not ok: {run['status']} {run['reason']}")
    return run["wall_s"]["median"] * 1e3, mib


def reference(binary, ops, delay_ms):
    out, mib = timed([binary, str(ops), str(delay_ms), "3"])
    times = [float(t) for t in re.findall(r": ([\d.]+) ms", out)]
    if len(times) != 3 or "incomplete" in out:
        sys.exit(f"reference run not ok: {out}")
    return statistics.median(times), mib


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    binary, ref, ops, delay_ms = sys.argv[1:5]
    pairs = int(sys.argv[5]) if len(sys.argv) > 5 else 7
    a_ms, a_mib, r_ms, r_mib = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(pairs):
            order = ["a", "r"] if i % 2 == 0 else ["r", "a"]
            for who in order:
                if who == "a":
                    ms, mib = apbench(binary, ops, delay_ms,
                                      os.path.join(tmp, "r.json"))
                    a_ms.append(ms)
                    a_mib.append(mib)
                else:
                    ms, mib = reference(ref, ops, delay_ms)
                    r_ms.append(ms)
                    r_mib.append(mib)
            print(f"pair {i + 1}: apbench {a_ms[-1]:.1f} ms {a_mib[-1]:.1f} MiB"
                  f" | plain {r_ms[-1]:.1f} ms {r_mib[-1]:.1f} MiB", flush=True)
    am, rm = statistics.median(a_ms), statistics.median(r_ms)
    amem, rmem = statistics.median(a_mib), statistics.median(r_mib)
    ratios = sorted(a / r for a, r in zip(a_ms, r_ms))
    print(f"{ops} x {delay_ms} ms, median of {pairs} pairs: apbench {am:.1f} ms "
          f"{amem:.1f} MiB, plain {rm:.1f} ms {rmem:.1f} MiB; time "
          f"{am / rm:.3f}x (pair ratios {ratios[0]:.2f}..{ratios[-1]:.2f}, "
          f"median {statistics.median(ratios):.3f}), memory {amem / rmem:.3f}x")


if __name__ == "__main__":
    main()
