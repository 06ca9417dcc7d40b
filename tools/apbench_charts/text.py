"""The words and numbers of titles, subtitles, captions and file names."""

import os
import re

from .inputs import load_mode, num


def time_unit(seconds):
    """Pick s, ms or µs so axis numbers stay short for the largest value."""
    if seconds >= 1.0:
        return "s", 1.0
    if seconds >= 1e-3:
        return "ms", 1e3
    return "µs", 1e6


def short_time_unit(seconds):
    """time_unit() down to ns: the cost of one task is often below 1 µs."""
    if seconds < 1e-6:
        return "ns", 1e9
    return time_unit(seconds)


def fmt_short_time(seconds):
    """Three significant digits with a unit down to ns: "56.3 ns"."""
    unit, scale = short_time_unit(abs(seconds)) if seconds else ("s", 1.0)
    return f"{seconds * scale:#.3g}".rstrip(".") + f" {unit}"


def fmt_time(seconds):
    """Four significant digits with a unit, like apbench's console table."""
    if seconds is None:
        return "n/a"
    if seconds == 0:
        return "0 s"
    unit, scale = time_unit(abs(seconds))
    return f"{seconds * scale:#.4g}".rstrip(".") + f" {unit}"


def fmt_setting(seconds):
    """A time the user set (a duration), as short as it reads: "10 s"."""
    unit, scale = time_unit(abs(seconds))
    return f"{seconds * scale:.6g} {unit}"


def fmt_ms(seconds):
    """A latency in milliseconds, the unit of the latency charts."""
    return f"{seconds * 1e3:.3g} ms"


def fmt_rate(ops_s):
    """Operations per second, with thousands separators when large."""
    if ops_s >= 1e3:
        return f"{ops_s:,.0f} ops/s"
    return f"{ops_s:.4g} ops/s"


def fmt_number(value):
    """A plain number for tick labels: no exponent, no trailing zeros."""
    if value == 0:
        return "0"
    if abs(value) >= 1e4:
        return f"{value:,.0f}"
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else f"{value:.2g}"


def fmt_parameter(value, unit):
    """A parameter's number with its unit: 0.004 "s" -> "4 ms"."""
    if unit == "s":
        return fmt_time(value) if value > 0 else "0"
    if unit == "B":
        for factor, suffix in ((1 << 30, "GiB"), (1 << 20, "MiB"),
                               (1 << 10, "KiB")):
            if value >= factor:
                return f"{value / factor:g} {suffix}"
        return f"{value:g} B"
    return fmt_number(value)


def describe_params(params):
    """name=value pairs in the file's order, as the user would type them."""
    return ", ".join(f"{k}={v}" for k, v in params.items())


def describe_load(load, repetitions=None):
    """A short phrase for the load, e.g. "16 ops, 2 in flight"."""
    if load_mode(load) == "open":
        parts = []
        rate = num(load.get("rate_ops_s"))
        if rate is not None:
            parts.append(f"open loop at {fmt_rate(rate)}")
        else:
            parts.append("open loop")
        duration = num(load.get("duration_s"))
        if duration is not None:
            parts.append(f"for {fmt_setting(duration)}")
        text = " ".join(parts)
        if load.get("arrival"):
            text += f", {load['arrival']} arrivals"
        if isinstance(load.get("max_in_flight"), int):
            text += f", at most {load['max_in_flight']} in flight"
    else:
        ops = load.get("ops")
        want = load.get("requested_concurrency")
        text = f"{ops} ops" if isinstance(ops, int) else "closed loop"
        if isinstance(ops, int) and isinstance(want, int):
            text += ", all at once" if want >= ops else f", {want} in flight"
    if isinstance(repetitions, int):
        text += f", {repetitions} repetition{'s' if repetitions != 1 else ''}"
    return text


def describe_group(group):
    """Params and load of a group: the subtitle of its charts."""
    reps = next((r.get("repetitions") for r in group.ok_runs()), None)
    parts = [describe_params(group.params), describe_load(group.load, reps)]
    return "; ".join(p for p in parts if p)


def merged_hosts(source):
    """[(host, cores, file)] of a file of apbench merge --by host, from its
    context.shards; [] for any other file."""
    ctx = source.context
    if ctx.get("merged_by") != "host":
        return []
    hosts = []
    for shard in ctx.get("shards") or []:
        shard = shard if isinstance(shard, dict) else {}
        cores = shard.get("cores")
        hosts.append((str(shard.get("host") or "?"),
                      cores if isinstance(cores, int) else None,
                      os.path.basename(str(shard.get("file") or "?"))))
    return hosts


def machine_caption(source):
    """Where the numbers come from: printed at the bottom of every chart."""
    ctx = source.context
    hosts = merged_hosts(source)
    if hosts:  # apbench merge --by host: whose runs are whose
        parts = ["merged by host: " + ", ".join(
            f"{h} ({c} cores, {f})" if c else f"{h} ({f})"
            for h, c, f in hosts)]
        if ctx.get("build_type"):
            parts.append(f"{ctx['build_type']} build")
        if source.name:
            parts.append(f"from {source.name}")
        return "Machines: " + ", ".join(parts)
    parts = []
    if ctx.get("cpu_model"):
        parts.append(str(ctx["cpu_model"]))
    if isinstance(ctx.get("cores"), int):
        parts.append(f"{ctx['cores']} cores")
    if ctx.get("build_type"):
        parts.append(f"{ctx['build_type']} build")
    if ctx.get("host"):
        parts.append(f"host {ctx['host']}")
    if ctx.get("date"):
        parts.append(str(ctx["date"]))
    if not parts:
        return "Machine: not recorded" + (
            f" in {source.name}" if source.name else "")
    if source.name:
        parts.append(f"from {source.name}")
    return "Machine: " + ", ".join(parts)


def safe_name(text):
    """A file-name-safe form of a workload name."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "workload"


def chart_filename(item, kind):
    """<workload>-<kind>.svg, with -N for the N-th group of a workload."""
    suffix = f"-{item.number}" if item.number > 1 else ""
    return f"{safe_name(item.workload)}-{kind}{suffix}.svg"
