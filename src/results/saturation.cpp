#include "apbench/saturation.hpp"

#include <fmt/format.h>

#include "text/quantities.hpp"

namespace apb {
namespace {

bool behind_offered(const RunResult& run) {
  return run.load.open() &&
         run.throughput_ops_s.median < kSaturatedShare * run.load.rate;
}

}  // namespace

bool meets_slo(const RunResult& run, const Slo& slo) {
  const auto at = latency_at(run, slo.percentile);
  return at && *at <= slo.limit_s && run.dropped == 0;
}

std::optional<std::string> past_saturation(
    const std::vector<const RunResult*>& points,
    const std::optional<Slo>& slo) {
  if (points.empty()) return std::nullopt;
  const RunResult& last = *points.back();
  if (last.status != RunStatus::ok)
    return fmt::format("{} at the last point", to_string(last.status));
  if (behind_offered(last))
    return fmt::format("saturated at {} offered: achieved {} ({:.0f} %)",
                       format_ops_rate(last.load.rate),
                       format_ops_rate(last.throughput_ops_s.median),
                       100 * last.throughput_ops_s.median / last.load.rate);
  if (slo && points.size() >= 2 && !meets_slo(last, *slo) &&
      !meets_slo(*points[points.size() - 2], *slo))
    return fmt::format("{} broken at two successive points", slo_text(*slo));
  return std::nullopt;
}

}  // namespace apb
