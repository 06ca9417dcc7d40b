// Writing a results file: schema "apbench.results/1"
// (docs/results-schema.md); json_read.cpp reads it back.
#include <boost/json.hpp>
#include <cmath>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "apbench/comparison_key.hpp"
#include "apbench/results.hpp"
#include "apbench/results_json.hpp"
#include "results/json_text.hpp"

namespace apb {
namespace {

namespace json = boost::json;

// Finite numbers as numbers, everything else as null.
template <typename T>
json::value number(const T& value) {
  return results_detail::json_number(value);
}

json::value text(std::string_view value) { return json::string(value); }

// Measured values of a run that has no measurement (n/a, or failed before
// its first repetition) are null, so a reader never mistakes 0 for data.
struct Measure {
  bool measured;
  json::value operator()(double value) const {
    return measured ? number(value) : json::value(nullptr);
  }
  json::value operator()(std::uint64_t value) const {
    return measured ? json::value(value) : json::value(nullptr);
  }
};

json::object summary_object(const Summary& s, const Measure& m, bool full) {
  json::object o;
  o["median"] = m(s.median);
  o["min"] = m(s.min);
  o["max"] = m(s.max);
  if (full) {
    o["mean"] = m(s.mean);
    o["stddev"] = m(s.stddev);
    o["outliers"] = m(static_cast<std::uint64_t>(s.outliers));
  }
  o["ci95_low"] = m(s.ci95_low);
  o["ci95_high"] = m(s.ci95_high);
  return o;
}

json::object latency_object(const LatencySummary& l, const Measure& m) {
  const Measure lm{m.measured && l.count > 0};
  json::object latency;
  latency["p50"] = lm(l.p50);
  latency["p90"] = lm(l.p90);
  latency["p99"] = lm(l.p99);
  latency["p999"] = lm(l.p999);
  latency["max"] = lm(l.max);
  latency["mean"] = lm(l.mean);
  latency["count"] = l.count;
  return latency;
}

json::value map_object(const RegimeMap& map) {
  json::object o;
  o["workload"] = text(map.workload);
  json::object params;
  for (const auto& [name, value] : map.params) params[name] = text(value);
  o["params"] = std::move(params);
  const auto axis = [](const std::string& name, const std::string& unit,
                       const std::vector<std::string>& values) {
    json::object a;
    a["name"] = text(name);
    a["unit"] = text(unit);
    json::array v;
    for (const auto& value : values) v.push_back(text(value));
    a["values"] = std::move(v);
    return a;
  };
  o["x"] = axis(map.x_axis, map.x_unit, map.x_values);
  o["y"] = axis(map.y_axis, map.y_unit, map.y_values);
  json::array strategies;
  for (const auto& name : map.strategies) strategies.push_back(text(name));
  o["strategies"] = std::move(strategies);
  o["test"] = "mann_whitney_u";
  o["p_adjust"] = "holm";
  o["alpha"] = number(map.alpha);
  o["threshold"] = number(map.threshold);
  o["tests"] = static_cast<std::uint64_t>(map.tests);
  json::array cells;
  for (const MapCell& c : map.cells) {
    json::object cell;
    cell["x"] = static_cast<std::uint64_t>(c.x);
    cell["y"] = static_cast<std::uint64_t>(c.y);
    json::array runs;
    for (std::size_t i : c.runs) runs.push_back(static_cast<std::uint64_t>(i));
    cell["runs"] = std::move(runs);
    cell["winner"] =
        c.significant ? json::value(text(c.leader)) : json::value(nullptr);
    cell["tie"] = !c.significant;
    cell["leader"] =
        c.leader.empty() ? json::value(nullptr) : json::value(text(c.leader));
    cell["runner_up"] = c.runner_up.empty() ? json::value(nullptr)
                                            : json::value(text(c.runner_up));
    const bool compared = !c.runner_up.empty();
    cell["speedup"] = compared ? number(c.speedup) : json::value(nullptr);
    cell["ci95_low"] = compared ? number(c.ci95_low) : json::value(nullptr);
    cell["ci95_high"] = compared ? number(c.ci95_high) : json::value(nullptr);
    cell["p_value"] = number(c.p_value);
    cell["p_adjusted"] = number(c.p_adjusted);
    cell["repetitions"] = static_cast<std::uint64_t>(c.repetitions);
    cell["note"] = text(c.note);
    cells.push_back(std::move(cell));
  }
  o["cells"] = std::move(cells);
  o["advice"] = text(map.advice);
  json::array borders;
  for (const MapBorder& b : map.borders) {
    json::object border;
    for (const auto& [key, value] : {std::pair{"axis", &b.axis},
                                     {"at", &b.at},
                                     {"from", &b.from},
                                     {"to", &b.to},
                                     {"below", &b.below},
                                     {"above", &b.above},
                                     {"low", &b.low},
                                     {"high", &b.high}})
      border[key] = text(*value);
    json::array probed;
    for (const auto& name : b.probed) probed.push_back(text(name));
    border["probed"] = std::move(probed);
    border["even"] = b.even;
    json::array probes;
    for (std::size_t i : b.probes)
      probes.push_back(static_cast<std::uint64_t>(i));
    border["probes"] = std::move(probes);
    borders.push_back(std::move(border));
  }
  o["borders"] = std::move(borders);
  return o;
}

json::value series_object(const Series& s) {
  json::object o;
  o["workload"] = text(s.workload);
  o["strategy"] = text(s.strategy);
  json::object params;
  for (const auto& [name, value] : s.params) params[name] = text(value);
  o["params"] = std::move(params);
  o["x"] = text(s.x);
  o["parameter"] = s.parameter.empty() ? json::value(nullptr)
                                       : json::value(text(s.parameter));
  o["parameter_unit"] = s.parameter.empty()
                            ? json::value(nullptr)
                            : json::value(text(s.parameter_unit));
  const Measure m{true};
  json::array points;
  for (const auto& p : s.points) {
    json::object point;
    point["run_index"] = static_cast<std::uint64_t>(p.run_index);
    point["offered_rate_ops_s"] = number(p.offered_rate_ops_s);
    point["concurrency"] =
        p.concurrency ? json::value(static_cast<std::uint64_t>(*p.concurrency))
                      : json::value(nullptr);
    point["threads"] = p.threads
                           ? json::value(static_cast<std::uint64_t>(*p.threads))
                           : json::value(nullptr);
    point["parameter_value"] = p.parameter_value
                                   ? json::value(text(*p.parameter_value))
                                   : json::value(nullptr);
    point["parameter_number"] = number(p.parameter_number);
    point["ideal_s"] = number(p.ideal_s);
    point["throughput_ops_s"] = number(p.throughput_ops_s);
    point["speedup"] = number(p.speedup);
    point["ideal_speedup"] = number(p.ideal_speedup);
    point["latency_s"] = latency_object(p.latency_s, m);
    point["service_time_s"] =
        p.service_time_s ? json::value(latency_object(*p.service_time_s, m))
                         : json::value(nullptr);
    point["dropped"] = p.dropped;
    point["errors"] = p.errors;
    point["slo_latency_s"] = number(p.slo_latency_s);
    point["meets_slo"] =
        p.meets_slo ? json::value(*p.meets_slo) : json::value(nullptr);
    points.push_back(std::move(point));
  }
  o["points"] = std::move(points);
  if (s.knee) {
    json::object knee;
    knee["throughput_ops_s"] = number(s.knee->throughput_ops_s);
    knee["offered_rate_ops_s"] = number(s.knee->offered_rate_ops_s);
    knee["concurrency"] =
        s.knee->concurrency
            ? json::value(static_cast<std::uint64_t>(*s.knee->concurrency))
            : json::value(nullptr);
    knee["latency_s"] = number(s.knee->latency_s);
    knee["percentile"] = number(s.knee->percentile);
    o["knee"] = std::move(knee);
  } else {
    o["knee"] = nullptr;
  }
  if (s.amdahl) {
    json::object fit;
    fit["serial_fraction"] = number(s.amdahl->serial_fraction);
    fit["ci95_low"] = number(s.amdahl->ci95_low);
    fit["ci95_high"] = number(s.amdahl->ci95_high);
    fit["samples"] = static_cast<std::uint64_t>(s.amdahl->samples);
    o["amdahl"] = std::move(fit);
  } else {
    o["amdahl"] = nullptr;
  }
  o["max_throughput_ops_s"] = number(s.max_throughput_ops_s);
  o["stopped_early"] = text(s.stopped_early);
  return o;
}

// Lossless and compact: the non-empty buckets as a flat array of (index
// step, count) pairs, the first step from index 0.
json::value histogram_value(const std::optional<HistogramData>& h) {
  if (!h) return nullptr;
  json::object o;
  o["lowest_ns"] = 1;
  o["significant_digits"] = 3;
  o["count"] = h->count;
  o["min_ns"] = h->min_ns;
  o["max_ns"] = h->max_ns;
  o["sum_ns"] = h->sum_ns;
  json::array buckets;
  std::uint64_t previous = 0;
  for (const auto& [index, n] : h->buckets) {
    buckets.push_back(index - previous);
    buckets.push_back(n);
    previous = index;
  }
  o["buckets"] = std::move(buckets);
  return o;
}

json::object context_object(const RunContext& c) {
  json::object o;
  o["apbench_version"] = text(c.apbench_version);
  o["date"] = text(c.date);
  o["host"] = text(c.host);
  o["cores"] = c.cores;
  o["cpu_model"] = text(c.cpu_model);
  o["os"] = text(c.os);
  o["compiler"] = text(c.compiler);
  o["build_type"] = text(c.build_type);
  o["optimized"] = c.optimized;
  json::object libraries;
  for (const auto& [name, version] : c.libraries)
    libraries[name] = text(version);
  o["libraries"] = std::move(libraries);
  o["command_line"] = text(c.command_line);
  o["processes"] = c.processes;
  o["cpus"] = text(c.cpus);
  const MachineNoise& n = c.noise;
  json::object noise;
  noise["load_average"] = number(n.load_average);
  noise["cpu_busy"] = number(n.cpu_busy);
  noise["cpu_steal"] = number(n.cpu_steal);
  noise["other_runnable"] =
      n.other_runnable ? json::value(*n.other_runnable) : json::value(nullptr);
  noise["virtualization"] =
      n.virtualization.empty() ? json::value(nullptr) : text(n.virtualization);
  noise["governor"] =
      n.governor.empty() ? json::value(nullptr) : text(n.governor);
  noise["turbo"] = n.turbo ? json::value(*n.turbo) : json::value(nullptr);
  o["noise"] = std::move(noise);
  o["merged_by"] =
      c.merged_by.empty() ? json::value(nullptr) : text(c.merged_by);
  json::array shards;
  for (const ShardRecord& sh : c.shards) {
    json::object item;
    item["file"] = text(sh.file);
    item["host"] = text(sh.host);
    item["date"] = text(sh.date);
    item["index"] = sh.index;
    item["count"] = sh.count;
    item["cores"] = sh.cores;
    item["start_unix_s"] = number(sh.start_unix_s);
    item["end_unix_s"] = number(sh.end_unix_s);
    shards.push_back(std::move(item));
  }
  o["shards"] = std::move(shards);
  return o;
}

json::object traits_object(const StrategyTraits& t) {
  json::object o;
  o["model"] = text(to_string(t.model));
  o["baseline"] = t.baseline;
  o["event_loop"] = t.event_loop;
  o["blocking_workers"] = t.blocking_workers;
  o["offloads_cpu"] = t.offloads_cpu;
  o["one_thread"] = t.one_thread;
  o["simplicity"] = t.simplicity;
  return o;
}

json::object run_object(const RunResult& run, std::size_t group) {
  const Measure m{run.status == RunStatus::ok || !run.repetitions.empty()};
  json::object o;
  o["workload"] = text(run.workload);
  o["kind"] = text(to_string(run.kind));
  o["workload_optimized"] = run.workload_optimized;
  o["strategy"] = text(run.strategy);
  o["strategy_traits"] = traits_object(run.strategy_traits);
  o["status"] = text(to_string(run.status));
  o["reason"] = text(run.reason);
  o["interrupted"] = run.interrupted;

  json::object params;
  for (const auto& [name, value] : run.params) params[name] = text(value);
  o["params"] = std::move(params);

  const Load& run_load = run.load;
  json::object load;
  load["mode"] = text(to_string(run_load.mode));
  load["ops"] = static_cast<std::uint64_t>(run_load.ops);
  load["concurrency"] = static_cast<std::uint64_t>(run.concurrency);
  load["requested_concurrency"] =
      static_cast<std::uint64_t>(run_load.requested_concurrency());
  load["threads"] = run_load.threads;
  load["compute_threads"] = run.compute_threads;
  load["swept"] = run.swept;
  json::array axes;
  for (const auto& axis : run.sweep_axes) axes.push_back(text(axis));
  load["sweep_axes"] = std::move(axes);
  load["border_probe"] = run.border_probe;
  const bool open = run_load.open();
  load["rate_ops_s"] = open ? number(run_load.rate) : json::value(nullptr);
  load["duration_s"] =
      open ? number(run_load.duration_s) : json::value(nullptr);
  load["arrival"] =
      open ? text(to_string(run_load.arrival)) : json::value(nullptr);
  load["max_in_flight"] =
      open ? json::value(static_cast<std::uint64_t>(run_load.max_in_flight))
           : json::value(nullptr);
  // The lanes as asked for (0: all ops at once, or in an open loop up to
  // max_in_flight), not as clipped to this run's ops: shards of one load
  // differ in ops, never in this.
  load["lanes"] = static_cast<std::uint64_t>(run_load.concurrency);
  if (run_load.shards > 1) {
    json::object shard;
    shard["index"] = run_load.shard;
    shard["count"] = run_load.shards;
    load["shard"] = std::move(shard);
  } else {
    load["shard"] = nullptr;
  }
  o["load"] = std::move(load);
  o["host"] = run.host.empty() ? json::value(nullptr) : text(run.host);
  // Runs with equal comparison keys share a group (comparison_key.hpp).
  o["group"] = static_cast<std::uint64_t>(group);

  o["seed"] = run.seed;
  o["warmup"] = run.warmup;
  o["repetitions"] = static_cast<std::uint64_t>(run.repetitions.size());
  o["repetitions_requested"] = run.repetitions_requested;
  o["wall_s"] = summary_object(run.wall_s, m, true);
  o["throughput_ops_s"] = summary_object(run.throughput_ops_s, m, false);

  o["latency_s"] = latency_object(run.latency_s, m);
  o["service_time_s"] =
      run.service_time_s ? json::value(latency_object(*run.service_time_s, m))
                         : json::value(nullptr);
  o["dropped"] = run.dropped;
  json::array spectrum;
  for (const auto& p : run.latency_spectrum) {
    json::object point;
    point["percentile"] = number(p.percentile);
    point["latency_s"] = number(p.latency_s);
    spectrum.push_back(std::move(point));
  }
  o["latency_spectrum"] = std::move(spectrum);
  o["latency_histogram_ns"] = histogram_value(run.latency_histogram);
  o["service_time_histogram_ns"] = histogram_value(run.service_time_histogram);

  o["cpu_time_s"] = m(run.cpu_time_s);
  o["cpu_utilization"] = m(run.cpu_utilization);
  json::object switches;
  switches["voluntary"] = m(run.voluntary_switches);
  switches["involuntary"] = m(run.involuntary_switches);
  o["context_switches"] = std::move(switches);
  o["peak_rss_bytes"] = m(run.peak_rss_bytes);
  o["peak_threads"] = m(static_cast<std::uint64_t>(run.peak_threads));
  o["achieved_concurrency"] = m(run.achieved_concurrency);
  o["loop_lag_s"] = run.loop_lag_s
                        ? json::value(latency_object(*run.loop_lag_s, m))
                        : json::value(nullptr);
  json::array diagnoses;
  for (const auto& d : run.diagnoses) {
    json::object item;
    item["kind"] = text(d.kind);
    item["message"] = text(d.message);
    diagnoses.push_back(std::move(item));
  }
  o["diagnoses"] = std::move(diagnoses);
  json::array stages;
  for (const auto& st : run.stages) {
    json::object item;
    item["name"] = text(st.name);
    item["kind"] = text(st.kind);
    item["time_s"] = number(st.time_s);
    item["queue_s"] = number(st.queue_s);
    stages.push_back(std::move(item));
  }
  o["stages"] = std::move(stages);
  if (run.stage_overlap) {
    json::object overlap;
    overlap["cpu_busy"] = number(run.stage_overlap->cpu_busy);
    overlap["io_wait"] = number(run.stage_overlap->io_wait);
    overlap["both"] = number(run.stage_overlap->both);
    o["stage_overlap"] = std::move(overlap);
  } else {
    o["stage_overlap"] = nullptr;
  }

  if (run.fork_join) {
    const ForkJoinCost& c = *run.fork_join;
    json::object fj;
    fj["tasks_per_op"] = c.tasks_per_op;
    fj["leaves_per_op"] = c.leaves_per_op;
    fj["serial_s"] = number(c.serial_s);
    fj["critical_path_s"] = number(c.critical_path_s);
    fj["threads"] = static_cast<std::uint64_t>(c.threads);
    fj["overhead_per_task_s"] = number(c.overhead_per_task_s);
    o["fork_join"] = std::move(fj);
  } else {
    o["fork_join"] = nullptr;
  }

  o["ideal_s"] = number(run.ideal_s);
  o["efficiency"] = number(run.efficiency);
  o["speedup_vs_sequential"] = number(run.speedup_vs_sequential);

  o["errors"] = run.errors;
  o["error_rate"] = m(error_rate(run));
  json::object messages;
  for (const auto& [message, n] : run.error_messages) messages[message] = n;
  o["errors_by_message"] = std::move(messages);
  json::object causes;
  for (const auto& [cause, n] : run.errors_by_cause) causes[cause] = n;
  o["errors_by_cause"] = std::move(causes);

  o["checksum"] =
      run.checksum ? text(checksum_text(*run.checksum)) : json::value(nullptr);
  o["checksum_mismatch"] = run.checksum_mismatch;

  json::object notes;
  for (const auto& [name, value] : run.notes) notes[name] = text(value);
  o["notes"] = std::move(notes);
  json::object counters;
  for (const auto& [name, n] : run.counters) counters[name] = n;
  o["counters"] = std::move(counters);

  const bool digests = run.checksum.has_value() || run.checksum_mismatch;
  json::array samples;
  for (const Repetition& r : run.repetitions) {
    json::object s;
    s["wall_s"] = number(r.wall_s);
    s["start_unix_s"] = number(r.start_unix_s);
    s["cpu_user_s"] = number(r.cpu_user_s);
    s["cpu_system_s"] = number(r.cpu_system_s);
    s["cpu_utilization"] = number(r.cpu_utilization);
    s["voluntary_switches"] = r.voluntary_switches;
    s["involuntary_switches"] = r.involuntary_switches;
    s["ops_ok"] = r.ops_ok;
    s["errors"] = r.errors;
    s["dropped"] = r.dropped;
    s["peak_threads"] = r.peak_threads;
    s["achieved_concurrency"] = number(r.achieved_concurrency);
    s["process"] = r.process;
    s["checksum"] =
        digests ? text(checksum_text(r.checksum)) : json::value(nullptr);
    samples.push_back(std::move(s));
  }
  o["repetition_samples"] = std::move(samples);
  return o;
}

}  // namespace

void write_json(std::ostream& out, const Results& results) {
  json::object root;
  root["schema"] = Results::schema;
  root["interrupted"] = results.interrupted;
  root["context"] = context_object(results.context);
  json::array runs;
  const auto groups = comparison_groups(results.runs);
  for (std::size_t i = 0; i < results.runs.size(); ++i)
    runs.push_back(run_object(results.runs[i], groups[i]));
  root["runs"] = std::move(runs);
  if (results.slo) {
    json::object slo;
    slo["percentile"] = number(results.slo->percentile);
    slo["limit_s"] = number(results.slo->limit_s);
    root["slo"] = std::move(slo);
  } else {
    root["slo"] = nullptr;
  }
  json::array series;
  for (const auto& s : results.series) series.push_back(series_object(s));
  root["series"] = std::move(series);
  json::array advice;
  for (const auto& a : results.advice) {
    json::object item;
    item["workload"] = text(a.workload);
    item["run_index"] = static_cast<std::uint64_t>(a.first_run);
    item["best"] = text(a.best);
    item["runner_up"] = text(a.runner_up);
    item["ratio"] = number(a.ratio);
    item["ci95_low"] = number(a.ci95_low);
    item["ci95_high"] = number(a.ci95_high);
    item["significant"] = a.significant;
    item["error_rate"] = number(a.error_rate);
    json::array passed;
    for (const auto& strategy : a.passed_over) passed.push_back(text(strategy));
    item["passed_over"] = std::move(passed);
    item["reason"] = text(a.reason);
    item["text"] = text(a.text);
    advice.push_back(std::move(item));
  }
  root["advice"] = std::move(advice);
  json::array maps;
  for (const auto& map : results.maps) maps.push_back(map_object(map));
  root["maps"] = std::move(maps);
  json::array summary;
  for (const auto& line : results.summary) summary.push_back(text(line));
  root["summary"] = std::move(summary);

  results_detail::write_pretty_json(out, root);
}

}  // namespace apb
