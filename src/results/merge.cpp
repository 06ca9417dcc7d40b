#include "apbench/merge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "apbench/histogram.hpp"
#include "results/repetition_summary.hpp"

namespace apb {
namespace {

// What must be equal for two runs to be shards of one load, field by
// field, in the words of the command line.
std::vector<std::pair<std::string, std::string>> shard_identity(
    const RunResult& r) {
  const Load& l = r.load;
  std::vector<std::pair<std::string, std::string>> fields{
      {"workload", r.workload}, {"strategy", r.strategy}};
  for (const auto& [k, v] : r.params)
    fields.emplace_back(fmt::format("parameter {}", k), v);
  fields.emplace_back("load", l.open() ? "open (--rate)" : "closed (--ops)");
  if (l.open()) {
    fields.emplace_back("--rate", fmt::format("{}", l.rate));
    fields.emplace_back("--duration", fmt::format("{}s", l.duration_s));
    fields.emplace_back("--arrival", std::string(to_string(l.arrival)));
    fields.emplace_back("--max-in-flight", std::to_string(l.max_in_flight));
  }
  fields.emplace_back("--concurrency", l.concurrency == 0
                                           ? "all"
                                           : std::to_string(l.concurrency));
  fields.emplace_back("--threads", std::to_string(l.threads));
  fields.emplace_back("--seed", std::to_string(r.seed));
  fields.emplace_back("shard count", std::to_string(l.shards));
  return fields;
}

// How the identities of two runs differ: "--rate 100 in the first and 200
// in the second"; only the workload when that differs (their parameters
// differ too).
std::string identity_difference(const RunResult& a, const RunResult& b) {
  const auto fa = shard_identity(a), fb = shard_identity(b);
  const auto value_in = [](const auto& fields, const std::string& name) {
    for (const auto& [n, v] : fields)
      if (n == name) return v;
    return std::string("(none)");
  };
  std::vector<std::string> names;
  for (const auto& [n, v] : fa) names.push_back(n);
  for (const auto& [n, v] : fb)
    if (std::find(names.begin(), names.end(), n) == names.end())
      names.push_back(n);
  std::string out;
  for (const auto& name : names) {
    const std::string va = value_in(fa, name), vb = value_in(fb, name);
    if (va == vb) continue;
    out += fmt::format("{}{} {} in the first and {} in the second",
                       out.empty() ? "" : ", ", name, va, vb);
    if (name == "workload") break;
  }
  return out;
}

double end_of(const Repetition& r) { return r.start_unix_s + r.wall_s; }

RunResult merge_run(const std::vector<const RunResult*>& parts,
                    unsigned total_cores) {
  RunResult out = *parts.front();
  out.load.shard = 0;
  out.load.shards = 1;
  out.load.ops = 0;
  out.diagnoses.clear();  // the runner's, per process: not re-derived here
  out.loop_lag_s.reset();
  out.stages.clear();
  out.stage_overlap.reset();
  out.ideal_s.reset();
  out.efficiency.reset();
  out.speedup_vs_sequential.reset();
  out.error_messages.clear();
  out.errors_by_cause.clear();
  out.counters.clear();
  out.checksum_mismatch = false;
  std::uint64_t checksum = 0;
  bool checksums = true;
  Histogram latency, service;
  for (const RunResult* p : parts) {
    out.load.ops += p->load.ops;
    for (const auto& [m, n] : p->error_messages) out.error_messages[m] += n;
    for (const auto& [c, n] : p->errors_by_cause) out.errors_by_cause[c] += n;
    for (const auto& [c, n] : p->counters) out.counters[c] += n;
    out.checksum_mismatch = out.checksum_mismatch || p->checksum_mismatch;
    checksums = checksums && p->checksum.has_value();
    if (p->checksum) checksum += *p->checksum;  // a sum of op digests
    if (p->latency_histogram) latency.merge(Histogram(*p->latency_histogram));
    if (p->service_time_histogram)
      service.merge(Histogram(*p->service_time_histogram));
    if (p->status != RunStatus::ok && out.status == RunStatus::ok) {
      out.status = p->status;
      out.reason = p->reason;
    }
  }
  out.checksum = checksums ? std::optional(checksum) : std::nullopt;

  // Repetition j of the whole load: all shards' repetition j together.
  out.repetitions.clear();
  const std::size_t reps = parts.front()->repetitions.size();
  for (std::size_t j = 0; j < reps; ++j) {
    Repetition rep;
    double start = std::numeric_limits<double>::infinity(), end = 0;
    for (const RunResult* p : parts) {
      const Repetition& r = p->repetitions[j];
      start = std::min(start, r.start_unix_s);
      end = std::max(end, end_of(r));
      rep.cpu_user_s += r.cpu_user_s;
      rep.cpu_system_s += r.cpu_system_s;
      rep.voluntary_switches += r.voluntary_switches;
      rep.involuntary_switches += r.involuntary_switches;
      rep.ops_ok += r.ops_ok;
      rep.errors += r.errors;
      rep.dropped += r.dropped;
      rep.checksum += r.checksum;
      rep.peak_rss_bytes = std::max(rep.peak_rss_bytes, r.peak_rss_bytes);
      rep.peak_threads = std::max(rep.peak_threads, r.peak_threads);
      rep.achieved_concurrency += r.achieved_concurrency;
    }
    rep.start_unix_s = start;
    rep.wall_s = end - start;
    rep.cpu_utilization = rep.wall_s > 0
                              ? (rep.cpu_user_s + rep.cpu_system_s) /
                                    (rep.wall_s * std::max(1u, total_cores))
                              : 0;
    out.repetitions.push_back(rep);
  }
  summarize_repetitions(out);
  summarize_latency(out, latency, service,
                    spectrum_percentiles(*parts.front()));
  return out;
}

[[noreturn]] void refuse(const std::string& message) {
  throw MergeError(message);
}

// Run i of every process that measured it, as one run (merge_processes).
RunResult merge_process_run(const std::vector<const RunResult*>& parts,
                            const std::vector<unsigned>& process) {
  const RunResult& first = *parts.front();
  RunResult out = first;
  if (first.status == RunStatus::not_applicable) return out;
  out.status = RunStatus::ok;
  out.reason.clear();
  out.repetitions.clear();
  out.repetitions_requested = 0;
  out.error_messages.clear();
  out.errors_by_cause.clear();
  out.counters.clear();
  out.diagnoses.clear();
  out.interrupted = false;
  out.checksum_mismatch = false;
  Histogram latency, service;
  std::vector<StageResult> stages = first.stages;
  double stage_weight = 0;
  for (auto& s : stages) s.time_s = s.queue_s = 0;
  bool checksums_agree = true;
  const bool some_ok = std::any_of(parts.begin(), parts.end(), [](auto* p) {
    return p->status == RunStatus::ok;
  });
  for (std::size_t k = 0; k < parts.size(); ++k) {
    const RunResult& p = *parts[k];
    // A process stopped before its first whole repetition adds nothing
    // comparable to those that measured some.
    if (p.status == RunStatus::interrupted && some_ok) {
      out.interrupted = true;
      out.repetitions_requested += p.repetitions_requested;
      continue;
    }
    for (Repetition rep : p.repetitions) {
      rep.process = process[k];
      out.repetitions.push_back(rep);
    }
    out.repetitions_requested += p.repetitions_requested;
    out.interrupted = out.interrupted || p.interrupted;
    out.checksum_mismatch = out.checksum_mismatch || p.checksum_mismatch;
    // Digests agree within a process; a workload calibrated per process
    // (cpu.spin) may sum differently in another: no mismatch, no checksum.
    checksums_agree = checksums_agree && p.checksum == first.checksum;
    for (const auto& [m, n] : p.error_messages) out.error_messages[m] += n;
    for (const auto& [c, n] : p.errors_by_cause) out.errors_by_cause[c] += n;
    for (const auto& [c, n] : p.counters) out.counters[c] += n;
    if (p.latency_histogram) latency.merge(Histogram(*p.latency_histogram));
    if (p.service_time_histogram)
      service.merge(Histogram(*p.service_time_histogram));
    for (const Diagnosis& d : p.diagnoses)
      if (std::none_of(out.diagnoses.begin(), out.diagnoses.end(),
                       [&](const Diagnosis& o) { return o.kind == d.kind; }))
        out.diagnoses.push_back(d);
    if (p.loop_lag_s &&
        (!out.loop_lag_s || p.loop_lag_s->p99 > out.loop_lag_s->p99))
      out.loop_lag_s = p.loop_lag_s;  // the worst process's
    if (p.stages.size() == stages.size() && !p.repetitions.empty()) {
      const double w = static_cast<double>(p.repetitions.size());
      for (std::size_t s = 0; s < stages.size(); ++s) {
        stages[s].time_s += p.stages[s].time_s * w;
        stages[s].queue_s += p.stages[s].queue_s * w;
      }
      stage_weight += w;
    }
    if (p.status != RunStatus::ok && out.status == RunStatus::ok) {
      out.status = p.status;
      out.reason = fmt::format("process {} of {}: {}", process[k] + 1,
                               parts.size(), p.reason);
    }
  }
  if (stage_weight > 0) {
    for (auto& s : stages) {
      s.time_s /= stage_weight;
      s.queue_s /= stage_weight;
    }
    out.stages = stages;
  }
  out.checksum = checksums_agree ? first.checksum : std::nullopt;
  summarize_repetitions(out);
  // Processes that measured no op leave the first's (empty) latencies.
  if (latency.count() > 0)
    summarize_latency(out, latency, service, spectrum_percentiles(first));
  if (const auto overhead = overhead_per_task(out))
    out.fork_join->overhead_per_task_s = overhead;
  return out;
}

ShardRecord record_of(const MergeInput& in) {
  ShardRecord rec;
  rec.file = in.file;
  rec.host = in.host.empty() ? in.results.context.host : in.host;
  rec.date = in.results.context.date;
  rec.cores = in.results.context.cores;
  rec.start_unix_s = std::numeric_limits<double>::infinity();
  for (const RunResult& r : in.results.runs) {
    rec.index = r.load.shard;
    rec.count = r.load.shards;
    for (const Repetition& rep : r.repetitions) {
      rec.start_unix_s = std::min(rec.start_unix_s, rep.start_unix_s);
      rec.end_unix_s = std::max(rec.end_unix_s, end_of(rep));
    }
  }
  if (!std::isfinite(rec.start_unix_s)) rec.start_unix_s = 0;
  return rec;
}

void check_versions(const std::vector<MergeInput>& inputs) {
  const auto& first = inputs.front();
  for (const auto& in : inputs)
    if (in.results.context.apbench_version !=
        first.results.context.apbench_version)
      refuse(
          fmt::format("'{}' is from apbench {} and '{}' from apbench {}: "
                      "merge files of one apbench version",
                      first.file, first.results.context.apbench_version,
                      in.file, in.results.context.apbench_version));
}

MergeOutcome merge_shards(const std::vector<MergeInput>& inputs,
                          const MergeOptions& options) {
  MergeOutcome outcome;
  const MergeInput& first = inputs.front();
  if (first.results.runs.empty())
    refuse(fmt::format("'{}' has no runs to merge", first.file));
  std::set<unsigned> indices;
  unsigned count = 0;
  for (const auto& in : inputs) {
    if (in.results.runs.size() != first.results.runs.size())
      refuse(
          fmt::format("'{}' has {} runs and '{}' {}: shards of one load "
                      "have the same runs",
                      first.file, first.results.runs.size(), in.file,
                      in.results.runs.size()));
    for (std::size_t i = 0; i < in.results.runs.size(); ++i) {
      const RunResult& a = first.results.runs[i];
      const RunResult& b = in.results.runs[i];
      if (shard_identity(a) != shard_identity(b))
        refuse(fmt::format(
            "'{}' and '{}' are not shards of one load: run {} ({} {}) has {}",
            first.file, in.file, i + 1, a.workload, a.strategy,
            identity_difference(a, b)));
      if (b.load.shard != in.results.runs.front().load.shard)
        refuse(fmt::format("'{}' holds runs of different shards", in.file));
      if (b.repetitions.size() != a.repetitions.size())
        refuse(
            fmt::format("'{}' and '{}' measured run {} ({}) {} and {} "
                        "times: give the shards the same --repetitions",
                        first.file, in.file, i + 1, a.workload,
                        a.repetitions.size(), b.repetitions.size()));
      if (b.status == RunStatus::ok && !b.latency_histogram)
        refuse(
            fmt::format("'{}' has no latency histograms (written by an "
                        "older apbench): run the shards again",
                        in.file));
    }
    const Load& l = in.results.runs.front().load;
    count = l.shards;
    if (!indices.insert(l.shard).second)
      refuse(fmt::format("shard {}/{} is given twice ('{}')", l.shard, l.shards,
                         in.file));
  }
  if (indices.size() != count) {
    std::string missing;
    for (unsigned i = 0; i < count; ++i)
      if (!indices.count(i))
        missing += fmt::format("{}{}", missing.empty() ? "" : ", ", i);
    refuse(fmt::format(
        "{} of {} shards given; missing shard{} {}: merge all "
        "shards of the load",
        indices.size(), count, count - indices.size() > 1 ? "s" : "", missing));
  }

  Results& merged = outcome.results;
  merged.context = first.results.context;
  merged.context.merged_by = "shard";
  merged.context.shards.clear();
  unsigned total_cores = 0;
  for (const auto& in : inputs) {
    merged.context.shards.push_back(record_of(in));
    total_cores += in.results.context.cores;
    merged.context.date =
        std::min(merged.context.date, in.results.context.date);
  }
  std::sort(merged.context.shards.begin(), merged.context.shards.end(),
            [](const ShardRecord& a, const ShardRecord& b) {
              return a.index < b.index;
            });
  merged.slo = first.results.slo;
  for (std::size_t i = 0; i < first.results.runs.size(); ++i) {
    std::vector<const RunResult*> parts;
    for (const auto& in : inputs) parts.push_back(&in.results.runs[i]);
    merged.runs.push_back(merge_run(parts, total_cores));
  }

  double earliest = std::numeric_limits<double>::infinity(), latest = 0;
  for (const auto& s : merged.context.shards) {
    earliest = std::min(earliest, s.start_unix_s);
    latest = std::max(latest, s.start_unix_s);
  }
  outcome.start_spread_s = latest - earliest;
  if (latest - earliest > options.start_spread_limit_s)
    outcome.warnings.push_back(fmt::format(
        "the shards started {:.3f} s apart (more than {} s): their loads "
        "overlapped only in part; start them together with --start-at",
        latest - earliest, options.start_spread_limit_s));
  return outcome;
}

MergeOutcome merge_hosts(const std::vector<MergeInput>& inputs) {
  MergeOutcome outcome;
  Results& merged = outcome.results;
  merged.context = inputs.front().results.context;
  merged.context.merged_by = "host";
  std::set<std::string> hosts;
  for (const auto& in : inputs) {
    ShardRecord rec = record_of(in);
    rec.index = 0;
    rec.count = 1;
    if (!hosts.insert(rec.host).second)
      refuse(
          fmt::format("two files come from host '{}' ('{}' is the second): "
                      "name each file's host with --hosts A,B,...",
                      rec.host, in.file));
    merged.context.shards.push_back(rec);
    for (RunResult run : in.results.runs) {
      if (run.load.shards > 1)
        refuse(
            fmt::format("'{}' is one shard of a load: merge its shards "
                        "first, then the hosts",
                        in.file));
      run.host = rec.host;
      // Runs that differ in their threads across hosts form a scaling
      // series, as if swept on one machine.
      if (!run.load.open()) run.swept = true;
      merged.runs.push_back(std::move(run));
    }
  }
  merged.slo = inputs.front().results.slo;
  return outcome;
}

}  // namespace

MergeOutcome merge_results(const std::vector<MergeInput>& inputs,
                           const MergeOptions& options) {
  if (inputs.empty()) refuse("nothing to merge: give the shards' files");
  check_versions(inputs);
  return options.by == MergeBy::shard ? merge_shards(inputs, options)
                                      : merge_hosts(inputs);
}

Results merge_processes(const std::vector<Results>& parts) {
  if (parts.empty()) refuse("no process measured anything");
  Results merged;
  merged.context = parts.front().context;
  merged.context.processes = static_cast<unsigned>(parts.size());
  merged.slo = parts.front().slo;
  merged.early_stops = parts.front().early_stops;
  for (const Results& p : parts)
    merged.interrupted = merged.interrupted || p.interrupted;
  const auto& runs = parts.front().runs;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    std::vector<const RunResult*> of_run;
    std::vector<unsigned> process;
    for (std::size_t k = 0; k < parts.size(); ++k) {
      if (i >= parts[k].runs.size()) continue;  // stopped before it
      const RunResult& r = parts[k].runs[i];
      if (shard_identity(r) != shard_identity(runs[i]))
        refuse(fmt::format("process {} measured run {} as {} {}: {}", k + 1,
                           i + 1, r.workload, r.strategy,
                           identity_difference(runs[i], r)));
      of_run.push_back(&r);
      process.push_back(static_cast<unsigned>(k));
    }
    merged.runs.push_back(merge_process_run(of_run, process));
  }
  return merged;
}

}  // namespace apb
