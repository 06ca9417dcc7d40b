#pragma once
// Plain-language findings from measured runs: which strategy was fastest
// for each workload and load, by how much, and why, always with the
// numbers that back the sentence.
#include <optional>
#include <string>
#include <vector>

#include "apbench/results.hpp"

namespace apb {

// Closed-loop runs, grouped by workload, parameters and load.
std::vector<std::string> findings(const std::vector<RunResult>& runs);

// Sweeps and open-loop runs: highest throughput and knee per strategy, and
// where latency from the due time shows queueing a closed loop would hide.
std::vector<std::string> series_findings(const std::vector<Series>& series,
                                         const std::optional<Slo>& slo);

}  // namespace apb
