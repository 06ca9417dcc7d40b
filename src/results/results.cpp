#include "apbench/results.hpp"

#include <fmt/format.h>

#include <cmath>

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

std::optional<double> latency_at(const RunResult& run, double percentile) {
  for (const auto& point : run.latency_spectrum)
    if (std::abs(point.percentile - percentile) < 1e-9) return point.latency_s;
  return std::nullopt;
}

std::string slo_text(const Slo& slo) {
  return fmt::format("p{} <= {}", slo.percentile, format_duration(slo.limit_s));
}

}  // namespace apb
