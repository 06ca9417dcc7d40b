#include "results/repetition_summary.hpp"

#include <algorithm>

#include "apbench/stats.hpp"

namespace apb {
namespace {

template <typename Get>
Summary summarize_each(const std::vector<Repetition>& reps, Get get) {
  std::vector<double> v;
  v.reserve(reps.size());
  for (const Repetition& r : reps) v.push_back(get(r));
  return summarize(v);
}

}  // namespace

std::vector<double> spectrum_percentiles(const std::vector<double>& extra) {
  std::vector<double> ps = {0,  10,   20,   30,    40,    50,     60,
                            70, 75,   80,   85,    90,    95,     97.5,
                            99, 99.5, 99.9, 99.95, 99.99, 99.999, 100};
  ps.insert(ps.end(), extra.begin(), extra.end());
  std::sort(ps.begin(), ps.end());
  ps.erase(std::unique(ps.begin(), ps.end()), ps.end());
  return ps;
}

std::vector<double> spectrum_percentiles(const RunResult& run) {
  std::vector<double> ps;
  for (const SpectrumPoint& p : run.latency_spectrum)
    ps.push_back(p.percentile);
  return ps;
}

void summarize_repetitions(RunResult& run) {
  const auto& reps = run.repetitions;
  if (!reps.empty()) {
    run.wall_s = summarize_each(reps, [](auto& r) { return r.wall_s; });
    run.throughput_ops_s = summarize(throughput_samples(run));
    run.cpu_time_s = summarize_each(reps, [](auto& r) {
                       return r.cpu_user_s + r.cpu_system_s;
                     }).median;
    run.cpu_utilization =
        summarize_each(reps, [](auto& r) { return r.cpu_utilization; }).median;
    run.voluntary_switches = summarize_each(reps, [](auto& r) {
                               return double(r.voluntary_switches);
                             }).median;
    run.involuntary_switches = summarize_each(reps, [](auto& r) {
                                 return double(r.involuntary_switches);
                               }).median;
    run.achieved_concurrency = summarize_each(reps, [](auto& r) {
                                 return r.achieved_concurrency;
                               }).median;
  }
  run.errors = 0;
  run.dropped = 0;
  run.peak_rss_bytes = 0;
  run.peak_threads = 0;
  for (const Repetition& r : reps) {
    run.errors += r.errors;
    run.dropped += r.dropped;
    run.peak_threads = std::max(run.peak_threads, r.peak_threads);
    run.peak_rss_bytes = std::max(run.peak_rss_bytes, r.peak_rss_bytes);
  }
  // From goodput: a run whose ops fail is as fast as the ops it completed,
  // so failing fast never looks closer to the ideal (as its speed-up).
  run.efficiency.reset();
  if (run.ideal_s && goodput_wall_s(run) > 0)
    run.efficiency = *run.ideal_s / goodput_wall_s(run);
}

void summarize_latency(RunResult& run, const Histogram& latency,
                       const Histogram& service,
                       const std::vector<double>& percentiles) {
  run.latency_s = latency_summary(latency);
  run.latency_histogram = latency.data();
  run.latency_spectrum.clear();
  if (latency.count() > 0)
    for (double p : percentiles)
      run.latency_spectrum.push_back(
          {p, static_cast<double>(p >= 100 ? latency.max()
                                           : latency.percentile(p)) *
                  1e-9});
  if (run.load.open()) {
    run.service_time_s = latency_summary(service);
    run.service_time_histogram = service.data();
  }
}

std::optional<double> overhead_per_task(const RunResult& run) {
  const auto& fj = run.fork_join;
  if (!fj || fj->tasks_per_op == 0 || run.load.open() || run.load.ops == 0 ||
      run.repetitions.empty())
    return std::nullopt;
  const double ops = static_cast<double>(run.load.ops);
  return (run.wall_s.median * fj->threads - ops * fj->serial_s) /
         (ops * static_cast<double>(fj->tasks_per_op));
}

}  // namespace apb
