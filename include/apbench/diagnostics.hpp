#pragma once
// Pathologies a run's numbers show: event-loop lag, pool starvation and
// oversubscription, each with the evidence that justifies it.
#include <vector>

#include "apbench/results.hpp"

namespace apb {

// Thresholds, kept here so docs and tests cite the same numbers.
inline constexpr double kLoopLagLimit_s = 0.010;       // p99 heartbeat lateness
inline constexpr double kStarvedShare = 0.5;           // achieved / requested
inline constexpr double kStarvedCpu = 0.5;             // CPU use below this
inline constexpr unsigned kOversubscribedPerCore = 4;  // threads per core
inline constexpr double kOversubscribedCpu = 0.5;      // ... competing

std::vector<Diagnosis> diagnose(const RunResult& run);

}  // namespace apb
