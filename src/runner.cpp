#include "apbench/runner.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <map>
#include <new>
#include <string>
#include <thread>
#include <tuple>

#include "apbench/batch.hpp"
#include "apbench/error.hpp"
#include "system_metrics.hpp"

namespace apb {
namespace {

using clock = std::chrono::steady_clock;

// Calls workload.teardown() when the run ends, however it ends.
class TeardownGuard {
 public:
  explicit TeardownGuard(Workload& w) : workload_(w) {}
  ~TeardownGuard() {
    try {
      workload_.teardown();
    } catch (...) {  // a failing teardown must not hide the run's result
    }
  }
  TeardownGuard(const TeardownGuard&) = delete;
  TeardownGuard& operator=(const TeardownGuard&) = delete;

 private:
  Workload& workload_;
};

struct MeasuredRepetition {
  Repetition rep;
  Histogram latency;
  std::map<std::string, std::uint64_t> error_messages;
};

MeasuredRepetition run_once(const RunRequest& req, const WorkloadInfo& info,
                            Workload& workload, std::size_t concurrency,
                            unsigned cores) {
  const auto recording = req.strategy->recording(req.load);
  Batch batch(req.load.ops, concurrency, req.load.threads, req.seed,
              std::max(1u, recording.slots), recording.shared);

  const ResourceUsage before = resource_usage();
  const auto start = clock::now();
  std::string failure;
  try {
    req.strategy->execute(info, workload, batch);
  } catch (const std::bad_alloc&) {
    failure = "out of memory";
  } catch (const std::exception& e) {
    failure = e.what();
  } catch (...) {
    failure = "unknown exception";
  }
  const auto stop = clock::now();
  const ResourceUsage used = resource_usage() - before;

  MeasuredRepetition out;
  const WorkerRecord merged = batch.merged();
  Repetition& rep = out.rep;
  rep.wall_s = std::chrono::duration<double>(stop - start).count();
  rep.cpu_user_s = used.user_s;
  rep.cpu_system_s = used.system_s;
  rep.cpu_utilization =
      rep.wall_s > 0 ? (used.user_s + used.system_s) / (rep.wall_s * cores) : 0;
  rep.voluntary_switches = used.voluntary_switches;
  rep.involuntary_switches = used.involuntary_switches;
  rep.ops_ok = merged.ok;
  rep.errors = batch.errors();
  rep.checksum = merged.digest;
  out.latency = merged.latency;
  out.error_messages = batch.error_messages();

  if (!failure.empty()) throw std::runtime_error(failure);
  // Every op exactly once: a strategy that lost or repeated ops is broken.
  if (rep.ops_ok + rep.errors != req.load.ops)
    throw std::runtime_error("strategy completed " +
                             std::to_string(rep.ops_ok + rep.errors) + " of " +
                             std::to_string(req.load.ops) + " ops");
  return out;
}

template <typename Get>
std::vector<double> collect(const std::vector<Repetition>& reps, Get get) {
  std::vector<double> v;
  v.reserve(reps.size());
  for (const auto& r : reps) v.push_back(get(r));
  return v;
}

void summarize_repetitions(RunResult& result, const Histogram& latency) {
  const auto& reps = result.repetitions;
  result.wall_s = summarize(collect(reps, [](auto& r) { return r.wall_s; }));
  result.throughput_ops_s = summarize(collect(reps, [](auto& r) {
    return r.wall_s > 0 ? static_cast<double>(r.ops_ok) / r.wall_s : 0.0;
  }));
  result.cpu_time_s = summarize(collect(reps, [](auto& r) {
                        return r.cpu_user_s + r.cpu_system_s;
                      })).median;
  result.cpu_utilization = summarize(collect(reps, [](auto& r) {
                             return r.cpu_utilization;
                           })).median;
  result.voluntary_switches = summarize(collect(reps, [](auto& r) {
                                return double(r.voluntary_switches);
                              })).median;
  result.involuntary_switches = summarize(collect(reps, [](auto& r) {
                                  return double(r.involuntary_switches);
                                })).median;

  auto s = [](std::uint64_t ns) { return static_cast<double>(ns) * 1e-9; };
  result.latency_s.count = latency.count();
  result.latency_s.p50 = s(latency.percentile(50));
  result.latency_s.p90 = s(latency.percentile(90));
  result.latency_s.p99 = s(latency.percentile(99));
  result.latency_s.p999 = s(latency.percentile(99.9));
  result.latency_s.max = s(latency.max());
  result.latency_s.mean = latency.mean() * 1e-9;

  result.errors = 0;
  for (const auto& r : reps) result.errors += r.errors;
  if (!reps.empty()) {
    const bool agree = std::all_of(reps.begin(), reps.end(), [&](auto& r) {
      return r.checksum == reps.front().checksum;
    });
    result.checksum_mismatch = !agree;
    if (agree && reps.front().checksum != 0)
      result.checksum = reps.front().checksum;
  }
  if (result.ideal_s && result.wall_s.median > 0)
    result.efficiency = *result.ideal_s / result.wall_s.median;
}

}  // namespace

unsigned hardware_threads() {
  return std::max(1u, std::thread::hardware_concurrency());
}

RunResult run(const RunRequest& request, const ProgressFn& progress) {
  RunRequest req = request;
  const unsigned cores = hardware_threads();
  if (req.load.threads == 0) req.load.threads = cores;
  const WorkloadInfo& info = req.workload->info;

  RunResult result;
  result.workload = info.name;
  result.kind = info.kind;
  result.strategy = std::string(req.strategy->name());
  result.params = req.params.values();
  result.ops = req.load.ops;
  result.requested_concurrency = req.load.requested_concurrency();
  result.concurrency = req.strategy->effective_concurrency(req.load);
  result.threads = req.load.threads;
  result.cores = cores;
  result.seed = req.seed;
  result.warmup = req.warmup;

  if (auto reason = req.strategy->unsupported_reason(info)) {
    result.status = RunStatus::not_applicable;
    result.reason = *reason;
    return result;
  }

  auto workload = req.workload->make();
  const RunSetup setup{
      req.params, req.load.ops,     req.load.requested_concurrency(),
      cores,      req.load.threads, req.seed};
  reset_peak_rss();
  try {
    workload->setup(setup);
  } catch (const UsageError&) {
    throw;
  } catch (const std::exception& e) {
    result.status = RunStatus::failed;
    result.reason = std::string("setup failed: ") + e.what();
    return result;
  }
  TeardownGuard teardown(*workload);
  result.ideal_s = workload->ideal_seconds(setup);
  result.notes = workload->notes();

  Histogram latency;
  const unsigned total = req.warmup + req.repetitions;
  for (unsigned i = 0; i < total; ++i) {
    if (progress) progress(req, i, total);
    try {
      MeasuredRepetition m =
          run_once(req, info, *workload, result.concurrency, cores);
      if (i < req.warmup) continue;
      result.repetitions.push_back(m.rep);
      latency.merge(m.latency);
      for (auto& [message, count] : m.error_messages)
        result.error_messages[message] += count;
    } catch (const std::exception& e) {
      result.status = RunStatus::failed;
      result.reason = e.what();
      break;
    }
  }
  result.peak_rss_bytes = peak_rss_bytes();
  summarize_repetitions(result, latency);
  return result;
}

void compute_speedups(std::vector<RunResult>& runs) {
  auto key = [](const RunResult& r) {
    return std::tie(r.workload, r.params, r.ops, r.requested_concurrency,
                    r.threads);
  };
  for (auto& run : runs) {
    if (run.status != RunStatus::ok || run.wall_s.median <= 0) continue;
    for (const auto& base : runs) {
      if (base.strategy == "sequential" && base.status == RunStatus::ok &&
          key(base) == key(run) && base.wall_s.median > 0) {
        run.speedup_vs_sequential = base.wall_s.median / run.wall_s.median;
        break;
      }
    }
  }
}

}  // namespace apb
