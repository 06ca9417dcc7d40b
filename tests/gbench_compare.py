"""How Google Benchmark's tools/compare.py reads two JSON files (its
gbench/util.py and gbench/report.py, as of Google Benchmark 1.7-1.8),
restated with the same key accesses, so a test sees the KeyError compare.py
would raise on a file it cannot read.

    difference_report(json1, json2) -> [(name, [(real_old, real_new), ...])]
"""
import re


def load(path, benchmark_filter=None):
    import json
    with open(path) as f:
        results = json.load(f)
    version = results["context"].get("json_schema_version", 1)
    if version != 1:
        raise ValueError(f"json_schema_version {version}")
    if benchmark_filter is not None:
        results["benchmarks"] = [
            b for b in results["benchmarks"]
            if re.search(benchmark_filter, b.get("run_name") or b["name"])]
    return results


def sort_benchmark_results(result):
    benchmarks = result["benchmarks"]
    benchmarks = sorted(benchmarks, key=lambda b: b["repetition_index"]
                        if "repetition_index" in b else -1)
    benchmarks = sorted(benchmarks, key=lambda b: 1
                        if "run_type" in b and b["run_type"] == "aggregate"
                        else 0)
    benchmarks = sorted(benchmarks, key=lambda b: b["per_family_instance_index"]
                        if "per_family_instance_index" in b else -1)
    benchmarks = sorted(benchmarks, key=lambda b: b["family_index"]
                        if "family_index" in b else -1)
    result["benchmarks"] = benchmarks
    return result


def is_potentially_comparable_benchmark(x):
    return "time_unit" in x and "real_time" in x and "cpu_time" in x


def unique_names(json):
    seen = set()
    return [x["name"] for x in json["benchmarks"]
            if x["name"] not in seen and (seen.add(x["name"]) or True)]


def partition_benchmarks(json1, json2):
    names2 = set(unique_names(json2))
    partitions = []
    for name in [n for n in unique_names(json1) if n in names2]:
        time_unit = None
        for x in json1["benchmarks"]:
            if x["name"] == name and is_potentially_comparable_benchmark(x):
                time_unit = x["time_unit"]
                break
        if time_unit is None:
            continue
        lhs = [x for x in json1["benchmarks"]
               if x["name"] == name and x["time_unit"] == time_unit]
        rhs = [x for x in json2["benchmarks"]
               if x["name"] == name and x["time_unit"] == time_unit]
        partitions.append([lhs, rhs])
    return partitions


def difference_report(json1, json2):
    json1 = sort_benchmark_results(json1)
    json2 = sort_benchmark_results(json2)
    report = []
    for lhs, rhs in partition_benchmarks(json1, json2):
        measurements = []
        for i in range(min(len(lhs), len(rhs))):
            measurements.append((lhs[i]["real_time"], rhs[i]["real_time"]))
            lhs[i]["cpu_time"], rhs[i]["cpu_time"]
        # The U test reads every cpu_time and real_time of both sides.
        [x["cpu_time"] for x in lhs + rhs]
        [x["real_time"] for x in lhs + rhs]
        if measurements:
            first = lhs[0]
            run_type = first["run_type"] if "run_type" in first else ""
            if run_type == "aggregate" and "aggregate_name" in first:
                first["aggregate_name"]
            report.append((first["name"], measurements))
    return report
