#pragma once
// When a sweep has gone far enough for a strategy: the rule run_plan
// (plan.hpp) stops a strategy's sweep by, and the SLO test the series'
// knees use (series.hpp).
#include <optional>
#include <string>
#include <vector>

#include "apbench/results.hpp"

namespace apb {

// Achieved below this share of the offered rate counts as saturated.
inline constexpr double kSaturatedShare = 0.9;

// The run's latency at the SLO's percentile is within its limit, and no op
// was dropped.
bool meets_slo(const RunResult& run, const Slo& slo);

// Whether a sweep should stop giving this strategy higher rates: the reason
// (the last point failed or was n/a, achieved throughput fell behind the
// offered rate, or the SLO was broken at the last two points), or nullopt
// to go on. `points` are its runs so far, in sweep order.
std::optional<std::string> past_saturation(
    const std::vector<const RunResult*>& points, const std::optional<Slo>& slo);

}  // namespace apb
