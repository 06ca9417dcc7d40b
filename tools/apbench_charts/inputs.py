"""Reading results files: checking their shape, and grouping their runs,
series and maps into the items charts are drawn for."""

import json
import math
import os
import sys


PROG = "apbench-charts"


SCHEMA = "apbench.results/1"


# apbench compare --json (docs/compare-schema.md): drawn as a forest plot.
COMPARE_SCHEMA = "apbench.compare/1"


# runs[].strategy_traits.model, in the order apbench lists strategies.
MODEL_ORDER = ["calling_thread", "event_loop", "event_loop_pool",
               "thread_per_op", "task_pool", "loop_and_pool", "pipeline",
               "other"]


def traits(run):
    """What the run's strategy declared about itself ({} in old files)."""
    return obj(obj(run).get("strategy_traits"))


def is_baseline(run):
    """The strategy speed-ups are measured against. Files written before
    strategies declared traits: the run whose speed-up is exactly 1."""
    declared = traits(run).get("baseline")
    if isinstance(declared, bool):
        return declared
    return num(obj(run).get("speedup_vs_sequential")) == 1.0


class InputError(Exception):
    """A results file that cannot be used; the message names the file."""


def load_results(path):
    """Read and check one results file, so later code can trust its shape."""
    try:
        if path == "-":  # apbench gives its results through a pipe
            text = sys.stdin.buffer.read().decode("utf-8")
        else:
            with open(path, encoding="utf-8") as stream:
                text = stream.read()
    except OSError as err:
        raise InputError(f"{path}: {err.strerror or err}") from err
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 text ({err.reason})") from err
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"{path}: not valid JSON: {err}") from err
    if not isinstance(doc, dict):
        raise InputError(f"{path}: expected a JSON object with \"schema\": "
                         f"\"{SCHEMA}\", found a JSON {type(doc).__name__}")
    schema = doc.get("schema")
    if schema == COMPARE_SCHEMA:
        if not isinstance(doc.get("comparisons"), list):
            raise InputError(f"{path}: \"comparisons\" is missing or not an "
                             "array")
        return doc
    if schema != SCHEMA:
        found = json.dumps(schema) if schema is not None else "no schema key"
        raise InputError(f"{path}: schema is {found}, expected \"{SCHEMA}\" "
                         "(an apbench --json results file) or "
                         f"\"{COMPARE_SCHEMA}\" (apbench compare --json)")
    if not isinstance(doc.get("runs"), list):
        raise InputError(f"{path}: \"runs\" is missing or not an array")
    if doc.get("series") is not None and not isinstance(doc["series"], list):
        raise InputError(f"{path}: \"series\" is not an array")
    if not isinstance(doc.get("context"), dict):
        doc["context"] = {}
    return doc


def num(value):
    """Return a finite float, or None for null, missing or non-numbers."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def obj(value):
    """Return value if it is a JSON object, else an empty one (safe reads)."""
    return value if isinstance(value, dict) else {}


def load_mode(load):
    """Closed loop unless the run says otherwise (older files have no mode)."""
    return "open" if obj(load).get("mode") == "open" else "closed"


def load_key(load):
    """For files without "group": the part of a load that must match.

    The actual concurrency differs per strategy for the same requested load
    (sequential runs one op at a time), so it is left out.
    """
    load = obj(load)
    if load_mode(load) == "open":
        keys = ("rate_ops_s", "duration_s", "arrival", "max_in_flight")
    else:
        keys = ("ops", "requested_concurrency")
    return json.dumps([load_mode(load)] + [load.get(k) for k in keys])


def comparison_group(run):
    """Runs with equal comparison keys share "group", written by apbench;
    files from before it are grouped by workload, params and load here."""
    group = run.get("group")
    if isinstance(group, int) and not isinstance(group, bool):
        return group
    return (run.get("workload"), params_key(run.get("params")),
            load_key(run.get("load")))


def params_key(params):
    """A hashable, order-independent form of a params object."""
    return json.dumps(obj(params), sort_keys=True)


class Source:
    """One input file: its name for captions and its machine context."""

    def __init__(self, path, doc, name=None, number=0):
        self.path = path
        # Standard input has no name unless --name gives one; captions then
        # name no file.
        self.name = name or (None if path == "-" else os.path.basename(path))
        self.doc = doc
        self.number = number  # position among the inputs
        self.context = obj(doc.get("context"))
        # A comparison (apbench compare --json) has no runs of its own.
        self.is_compare = doc.get("schema") == COMPARE_SCHEMA


def results_sources(sources):
    """The inputs that are results files, not comparisons."""
    return [s for s in sources if not s.is_compare]


class Group:
    """Runs of one workload with the same params and load, from one file.

    Strategies within a group are directly comparable, which is what every
    per-group chart shows.
    """

    def __init__(self, source, workload, params, load):
        self.source = source
        self.workload = workload
        self.params = obj(params)
        self.load = obj(load)
        self.runs = []
        self.run_indices = []  # positions of its runs in the file
        self.number = 1  # position among this workload's groups, 1-based

    def ok_runs(self):
        """Runs with measurements, in strategy display order."""
        return [r for r in self.runs if r.get("status") == "ok"]


def strategy_sort_key(model, first_seen):
    """By execution model, as apbench lists strategies, then by first
    appearance (a file without traits: by first appearance alone)."""
    rank = MODEL_ORDER.index(model) if model in MODEL_ORDER \
        else len(MODEL_ORDER)
    return (rank, first_seen)


def build_groups(sources):
    """Group the runs of all sources; groups keep the order they appear in."""
    groups = {}
    for index, source in enumerate(sources):
        for run_index, run in enumerate(source.doc.get("runs") or []):
            run = obj(run)
            workload = run.get("workload")
            if not isinstance(workload, str) \
                    or not isinstance(run.get("strategy"), str):
                continue
            key = (index, comparison_group(run))
            if key not in groups:
                groups[key] = Group(source, workload, run.get("params"),
                                    run.get("load"))
            group = groups[key]
            if any(r["strategy"] == run["strategy"] for r in group.runs):
                warn(f"{source.name or 'input'}: {workload}: more than one "
                     f"{run['strategy']} run with the same params and load; "
                     "charting the first")
                continue
            group.runs.append(run)
            group.run_indices.append(run_index)
    result = list(groups.values())
    number_by_workload(result)
    for group in result:
        seen = {r["strategy"]: i for i, r in enumerate(group.runs)}
        group.runs.sort(key=lambda r, s=seen: strategy_sort_key(
            traits(r).get("model"), s[r["strategy"]]))
    return result


def number_by_workload(items):
    """Number items of the same workload 1, 2, ... for file name suffixes."""
    counts = {}
    for item in items:
        counts[item.workload] = counts.get(item.workload, 0) + 1
        item.number = counts[item.workload]


class SeriesGroup:
    """Latency/throughput series of one workload and params, from one file."""

    def __init__(self, source, workload, params, axis):
        self.source = source
        self.workload = workload
        self.params = obj(params)
        self.axis = axis
        self.series = []
        self.number = 1
        self.parameter = None  # axis "parameter": the swept parameter
        self.unit = ""  # its numbers' unit: "s", "B" or ""
        self.load = {}  # axis "parameter": the load of its first point


class MapItem:
    """A regime map of one file (its top-level "maps" entry)."""

    def __init__(self, source, regime_map):
        self.source = source
        self.map = regime_map
        self.workload = regime_map.get("workload")
        self.index = 0  # its position in the file's "maps"
        self.number = 1


def build_map_items(sources):
    """Every map of every file, numbered per workload."""
    items = []
    for source in sources:
        for map_index, regime_map in enumerate(source.doc.get("maps") or []):
            regime_map = obj(regime_map)
            if isinstance(regime_map.get("workload"), str) \
                    and regime_map.get("cells"):
                items.append(MapItem(source, regime_map))
                items[-1].index = map_index
    number_by_workload(items)
    return items


def build_series_groups(sources):
    """Group the top-level series by (file, workload, params, x axis)."""
    groups = {}
    for index, source in enumerate(sources):
        for series in source.doc.get("series") or []:
            series = obj(series)
            workload = series.get("workload")
            if not isinstance(workload, str) \
                    or not isinstance(series.get("strategy"), str):
                continue
            key = (index, workload, params_key(series.get("params")),
                   series.get("x"))
            load = {}
            if series.get("x") == "parameter":
                # A map's series, one per concurrency, are charts apart.
                points = series.get("points") or []
                first = obj(points[0]).get("run_index") if points else None
                runs = source.doc["runs"]
                if isinstance(first, int) and 0 <= first < len(runs):
                    load = obj(obj(runs[first]).get("load"))
                key += (series.get("parameter"),
                        load.get("requested_concurrency"))
            if key not in groups:
                groups[key] = SeriesGroup(source, workload,
                                          series.get("params"),
                                          series.get("x"))
                groups[key].parameter = series.get("parameter")
                groups[key].unit = series.get("parameter_unit") or ""
                groups[key].load = load
            groups[key].series.append(series)
    result = list(groups.values())
    number_by_workload(result)
    return result


def warn(message):
    """One line on stderr that does not stop the run."""
    print(f"{PROG}: warning: {message}", file=sys.stderr)


class ForkJoinItem:
    """Fork-join runs of one workload, params and load, from one file, for
    the per-task cost chart: one bar group per value of a one-axis sweep
    (--set grain=0,15, or --threads 1,2), else a single group."""

    def __init__(self, source, workload, params, load):
        self.source = source
        self.workload = workload
        self.params = obj(params)  # without the swept parameter
        self.load = obj(load)
        self.groups = []  # [(label, [run, ...])], in the file's order
        self.run_indices = []  # positions of its runs in the file
        self.number = 1


def fork_join_items(sources):
    """Every file's fork-join runs (those with runs[].fork_join), grouped
    for the per-task cost chart. A map's runs (two swept axes) are left to
    the map."""
    items = {}
    for index, source in enumerate(sources):
        for run_index, run in enumerate(source.doc.get("runs") or []):
            run = obj(run)
            load = obj(run.get("load"))
            axes = load.get("sweep_axes")
            axes = [a for a in axes if isinstance(a, str)] \
                if isinstance(axes, list) else []
            if not obj(run.get("fork_join")) or len(axes) > 1 \
                    or not isinstance(run.get("workload"), str) \
                    or not isinstance(run.get("strategy"), str):
                continue
            params = {k: v for k, v in obj(run.get("params")).items()
                      if k not in axes}
            # A --threads sweep has no axis named: its runs differ in threads.
            threads_swept = load.get("swept") is True and not axes
            shared = {k: v for k, v in load.items()
                      if k in ("mode", "ops", "requested_concurrency")
                      or (k == "threads" and not threads_swept)}
            key = (index, run["workload"], params_key(params),
                   params_key(shared))
            if key not in items:
                items[key] = ForkJoinItem(source, run["workload"], params,
                                          shared)
            item = items[key]
            if axes:
                label = ", ".join(f"{a}={obj(run.get('params')).get(a)}"
                                  for a in axes)
            elif threads_swept:
                threads = load.get("threads")
                label = f"{threads} thread{'' if threads == 1 else 's'}"
            else:
                label = ""
            group = next((g for g in item.groups if g[0] == label), None)
            if group is None:
                group = (label, [])
                item.groups.append(group)
            if any(r["strategy"] == run["strategy"] for r in group[1]):
                continue  # apbench writes one per strategy and point
            group[1].append(run)
            item.run_indices.append(run_index)
    result = list(items.values())
    number_by_workload(result)
    return result
