#include "apbench/results.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "apbench/stats.hpp"
#include "apbench/units.hpp"

namespace apb {

LatencySummary latency_summary(const Histogram& h) {
  auto s = [](std::uint64_t ns) { return static_cast<double>(ns) * 1e-9; };
  LatencySummary out;
  out.count = h.count();
  out.p50 = s(h.percentile(50));
  out.p90 = s(h.percentile(90));
  out.p99 = s(h.percentile(99));
  out.p999 = s(h.percentile(99.9));
  out.max = s(h.max());
  out.mean = h.mean() * 1e-9;
  return out;
}

std::string checksum_text(std::uint64_t checksum) {
  return fmt::format("0x{:016x}", checksum);
}

std::string_view to_string(RunStatus status) {
  switch (status) {
    case RunStatus::ok:
      return "ok";
    case RunStatus::not_applicable:
      return "n/a";
    case RunStatus::failed:
      return "failed";
    case RunStatus::interrupted:
      return "interrupted";
  }
  return "?";
}

std::uint64_t ops_succeeded(const RunResult& run) {
  // A result without its repetitions (hand-made) still counts its latencies.
  if (run.repetitions.empty()) return run.latency_s.count;
  std::uint64_t ok = 0;
  for (const Repetition& r : run.repetitions) ok += r.ops_ok;
  return ok;
}

double error_rate(const RunResult& run) {
  const double failed = static_cast<double>(run.errors);
  const double finished = static_cast<double>(ops_succeeded(run)) + failed;
  return finished > 0 ? failed / finished : 0.0;
}

std::string main_error_cause(const RunResult& run) {
  const auto top = std::max_element(
      run.errors_by_cause.begin(), run.errors_by_cause.end(),
      [](const auto& a, const auto& b) { return a.second < b.second; });
  return top == run.errors_by_cause.end() ? std::string() : top->first;
}

std::vector<const RunResult*> contenders(
    const std::vector<const RunResult*>& runs) {
  std::vector<const RunResult*> within;
  for (const RunResult* run : runs)
    if (error_rate(*run) <= kErrorRateLimit) within.push_back(run);
  return within.empty() ? runs : within;
}

std::vector<double> goodput_wall_samples(const RunResult& run) {
  std::vector<double> samples;
  for (const Repetition& r : run.repetitions) {
    if (r.errors == 0)
      samples.push_back(r.wall_s);
    else if (r.ops_ok > 0)
      samples.push_back(r.wall_s * static_cast<double>(r.ops_ok + r.errors) /
                        static_cast<double>(r.ops_ok));
  }
  return samples;
}

std::vector<double> throughput_samples(const RunResult& run) {
  const double span = run.load.open() ? run.load.duration_s : 0.0;
  std::vector<double> out;
  for (const Repetition& r : run.repetitions) {
    const double wall = std::max(r.wall_s, span);
    out.push_back(wall > 0 ? static_cast<double>(r.ops_ok) / wall : 0.0);
  }
  return out;
}

double goodput_wall_s(const RunResult& run) {
  if (run.errors == 0) return run.wall_s.median;
  if (run.repetitions.empty()) {  // a hand-made result: the whole run's share
    const double succeeded = 1.0 - error_rate(run);
    return succeeded > 0 ? run.wall_s.median / succeeded : 0.0;
  }
  const std::vector<double> samples = goodput_wall_samples(run);
  return samples.empty() ? 0.0 : summarize(samples).median;
}

std::optional<double> latency_at(const RunResult& run, double percentile) {
  for (const auto& point : run.latency_spectrum)
    if (std::abs(point.percentile - percentile) < 1e-9) return point.latency_s;
  return std::nullopt;
}

std::string slo_text(const Slo& slo) {
  return fmt::format("p{} <= {}", slo.percentile, format_duration(slo.limit_s));
}

}  // namespace apb
