#include "apbench/results.hpp"

#include <fmt/format.h>

#include <cmath>

#include "apbench/units.hpp"

namespace apb {

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
